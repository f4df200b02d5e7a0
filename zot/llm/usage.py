"""Read token counts from a provider's usage object and price them with litellm's bundled map
(read as data by `zot.llm.prices`, whichever wire carried the request).

Providers name cache counters differently (OpenAI `prompt_tokens_details.cached_tokens`,
Anthropic `cache_read_input_tokens` / `cache_creation_input_tokens`, DeepSeek
`prompt_cache_hit_tokens`); litellm normalises most of them, and this module reads whichever is
there. Pricing must never break a turn: an unknown model costs `None`.
"""
from __future__ import annotations

from typing import Any

from zot.llm import prices
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


def to_usage(raw: Any, model: str) -> Usage:
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
    usage.cost = cost_of(usage, model)
    return usage


def cost_of(usage: Usage, model: str) -> float | None:
    """USD cost of `usage` on `model`, or `None` when the map has no price for it. Never raises."""
    try:
        return prices.cost(usage, model)
    except Exception:  # an odd map entry must not fail the turn
        return None
