"""Is there a key for this model? Checked before the first request, so a missing key is one clear
message naming the variable to set instead of a provider error after start-up."""
from __future__ import annotations

from zot.llm import _litellm


def missing_keys(model: str) -> list[str]:
    """Environment variables litellm says the provider needs and that are not set."""
    litellm = _litellm.load()
    try:
        report = litellm.validate_environment(model=model)
    except Exception:  # an unknown provider: let the request itself report the problem
        return []
    if report.get("keys_in_environment"):
        return []
    return [str(k) for k in report.get("missing_keys") or []]
