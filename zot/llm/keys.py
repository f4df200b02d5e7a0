"""Is there a key for this model? Checked before the first request, so a missing key is one clear
message naming the variable to set instead of a provider error after start-up."""
from __future__ import annotations

import os

from zot.llm.config import ModelConfig
from zot.llm.route import backend

#: The variable each lean provider reads its key from.
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


def missing_keys(cfg: ModelConfig) -> list[str]:
    """Environment variables the provider needs and that are not set (none when `cfg.api_key`).

    For the lean providers this is a look at the environment; for the others litellm is asked
    (and so imported).
    """
    if cfg.api_key:
        return []
    kind = backend(cfg)
    if kind in KEY_VARIABLES:
        variable = KEY_VARIABLES[kind]
        return [] if os.environ.get(variable) else [variable]
    from zot.llm import _litellm

    litellm = _litellm.load()
    try:
        report = litellm.validate_environment(model=cfg.model)
    except Exception:  # an unknown provider: let the request itself report the problem
        return []
    if report.get("keys_in_environment"):
        return []
    return [str(k) for k in report.get("missing_keys") or []]
