"""litellm's bundled price and context-window map, read as data: litellm itself is never imported.

The map (`model_prices_and_context_window_backup.json`, 1.3 MB, ~2,600 models) ships inside the
litellm package. Finding the package with `importlib.util.find_spec` does not run its
`__init__` (the seconds-long import this module exists to avoid). A lookup does not parse the
whole file either: the file is indented one entry per top-level key, so the entry's opening line
is found as text and only that object is decoded. Everything is parsed (~30 ms) only for
`entries()`, which lists every model (`zot --list-models`, `/model` completion).

Pricing mirrors litellm's generic per-token rule: prompt tokens that were neither read from nor
written to the cache at the input price, cache reads and writes at their own prices (the input
price when the map has none), output at the output price, and the `_above_Nk_tokens` prices for
all of them when the prompt is longer than N thousand tokens.
"""
from __future__ import annotations

import importlib.util
import json
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from zot.llm.types import Usage

__all__ = ["cost", "entries", "entry", "map_path", "supports_reasoning"]

FILE = "model_prices_and_context_window_backup.json"

_lock = threading.Lock()
_text: str | None = None
_THRESHOLD = re.compile(r"^input_cost_per_token_above_(\d+)(k?)_tokens$")


def map_path() -> Path | None:
    """Where litellm's bundled map is, without importing litellm; `None` when it is not installed."""
    try:
        spec = importlib.util.find_spec("litellm")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / FILE
        if path.is_file():
            return path
    return None


def _read() -> str:
    global _text
    if _text is None:
        with _lock:
            if _text is None:
                path = map_path()
                try:
                    _text = path.read_text(encoding="utf-8") if path else ""
                except OSError:
                    _text = ""
    return _text


def _decode(name: str) -> dict[str, Any] | None:
    """The entry keyed exactly `name`, or `None`."""
    text = _read()
    needle = "\n    " + json.dumps(name) + ": {"
    at = text.find(needle)
    if at < 0:
        if text and '\n    "sample_spec": {' not in text:    # not laid out as expected: parse it all
            value = _whole().get(name)
            return value if isinstance(value, dict) else None
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, at + len(needle) - 1)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def entries() -> dict[str, Any]:
    """The whole map, name -> entry (parsed once, on first use: ~30 ms)."""
    return _whole()


@lru_cache(maxsize=1)
def _whole() -> dict[str, Any]:
    try:
        data = json.loads(_read() or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _same_provider(prefix: str, provider: Any) -> bool:
    """`openai/gpt-4o` may use the entry `gpt-4o` only when that entry is OpenAI's."""
    if not isinstance(provider, str):
        return False
    return provider == prefix or provider.startswith(prefix + "-") or provider == f"text-completion-{prefix}"


@lru_cache(maxsize=512)
def entry(model: str) -> dict[str, Any] | None:
    """The map's entry for a litellm model string (`gpt-4o`, `openai/gpt-4o`, ...), or `None`.

    The full string is tried first (many providers are keyed `provider/name`), then the name
    without its provider prefix when that entry belongs to the same provider.
    """
    if not model or model == "sample_spec":
        return None
    found = _decode(model)
    if found is not None:
        return found
    prefix, _, rest = model.partition("/")
    if rest:
        found = _decode(rest)
        if found is not None and _same_provider(prefix, found.get("litellm_provider")):
            return found
    return None


def supports_reasoning(model: str) -> bool:
    """Whether the map says `model` can reason (so a reasoning level may be sent to it)."""
    return bool((entry(model) or {}).get("supports_reasoning"))


def _price(info: dict[str, Any], key: str, fallback: float | None) -> float | None:
    value = info.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return fallback


def _tier(info: dict[str, Any], prompt_tokens: int) -> str:
    """The `_above_Nk_tokens` suffix whose threshold the prompt passes (the highest), or ''."""
    best, suffix = -1.0, ""
    for key in info:
        m = _THRESHOLD.match(key)
        if not m:
            continue
        limit = float(m.group(1)) * (1000 if m.group(2) else 1)
        if prompt_tokens > limit > best:
            best, suffix = limit, key[len("input_cost_per_token"):]
    return suffix


def cost(usage: Usage, model: str) -> float | None:
    """USD cost of `usage` on `model`; `None` when the map has no per-token price for it."""
    info = entry(model)
    if info is None:
        return None
    input_price = _price(info, "input_cost_per_token", None)
    output_price = _price(info, "output_cost_per_token", None)
    if input_price is None or output_price is None:
        return None
    tier = _tier(info, usage.input_tokens)
    if tier:
        input_price = _price(info, "input_cost_per_token" + tier, input_price)
        output_price = _price(info, "output_cost_per_token" + tier, output_price)
    read_price = _price(info, "cache_read_input_token_cost" + tier,
                        _price(info, "cache_read_input_token_cost", input_price))
    write_price = _price(info, "cache_creation_input_token_cost" + tier,
                         _price(info, "cache_creation_input_token_cost", input_price))
    plain = max(0, usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens)
    return (plain * input_price + usage.cache_read_tokens * read_price
            + usage.cache_write_tokens * write_price + usage.output_tokens * output_price)
