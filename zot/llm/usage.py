"""Read token counts from a provider's usage object and price them with litellm's bundled map.

Providers name cache counters differently (OpenAI `prompt_tokens_details.cached_tokens`,
Anthropic `cache_read_input_tokens` / `cache_creation_input_tokens`, DeepSeek
`prompt_cache_hit_tokens`); litellm normalises most of them, and this module reads whichever is
there. Pricing must never break a turn: an unknown model costs `None`.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from zot.llm.models import model_info
from zot.llm.types import Usage

__all__ = ["cost_of", "to_usage"]


def _get(obj: Any, key: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _first_int(*values: Any) -> int:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return 0


def to_usage(raw: Any, model: str, litellm: ModuleType | None = None) -> Usage:
    """A `Usage` from a litellm/OpenAI usage object or dict (`None` gives zeros, cost `None`)."""
    if raw is None:
        return Usage()
    details = _get(raw, "prompt_tokens_details")
    usage = Usage(
        input_tokens=_first_int(_get(raw, "prompt_tokens"), _get(raw, "input_tokens")),
        output_tokens=_first_int(_get(raw, "completion_tokens"), _get(raw, "output_tokens")),
        cache_read_tokens=_first_int(
            _get(details, "cached_tokens"), _get(raw, "cache_read_input_tokens"),
            _get(raw, "_cache_read_input_tokens"), _get(raw, "prompt_cache_hit_tokens")),
        cache_write_tokens=_first_int(
            _get(details, "cache_creation_tokens"), _get(raw, "cache_creation_input_tokens"),
            _get(raw, "_cache_creation_input_tokens"), _get(details, "cache_write_tokens")),
    )
    usage.cost = cost_of(usage, model, litellm)
    return usage


def cost_of(usage: Usage, model: str, litellm: ModuleType | None = None) -> float | None:
    """USD cost of `usage` on `model`, or `None` when the map has no price for it. Never raises."""
    try:
        if model_info(model).input_cost_per_token is None:
            return None
        if litellm is None:
            from zot.llm import _litellm

            litellm = _litellm.load()
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model,
            prompt_tokens=usage.input_tokens,
            completion_tokens=usage.output_tokens,
            cache_read_input_tokens=usage.cache_read_tokens,
            cache_creation_input_tokens=usage.cache_write_tokens,
        )
        return float(prompt_cost) + float(completion_cost)
    except Exception:  # an odd model name or a litellm pricing bug must not fail the turn
        return None
