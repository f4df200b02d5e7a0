"""What litellm's bundled price map knows about a model, and importing litellm ahead of time.

The agent needs a context window to decide when to compact and per-token prices to show a
cost; both come from the map that ships inside litellm (never fetched from the internet).
Unknown models are normal (local servers, new releases), so every field may be `None` and
nothing here raises.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from zot.llm import _litellm

__all__ = ["ModelInfo", "loaded", "model_info", "preload"]


@dataclass(frozen=True)
class ModelInfo:
    """Limits and prices of a model; `None` where litellm's map does not say."""

    context_window: int | None = None
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    max_output_tokens: int | None = None


@lru_cache(maxsize=256)
def model_info(model: str) -> ModelInfo:
    """Look `model` up in litellm's bundled map (imports litellm on first use).

    The context window is `max_input_tokens`, else `max_tokens`. Ollama models are not looked
    up, because litellm would ask the Ollama server over HTTP instead of reading its map.
    """
    if model.split("/", 1)[0] in ("ollama", "ollama_chat"):
        return ModelInfo()
    litellm = _litellm.load()
    try:
        info = litellm.get_model_info(model)
    except Exception:  # litellm raises a bare Exception for unmapped models
        return ModelInfo()
    return ModelInfo(
        context_window=_int(info.get("max_input_tokens")) or _int(info.get("max_tokens")),
        input_cost_per_token=_float(info.get("input_cost_per_token")),
        output_cost_per_token=_float(info.get("output_cost_per_token")),
        max_output_tokens=_int(info.get("max_output_tokens")),
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


_preload_thread: threading.Thread | None = None
_preload_lock = threading.Lock()


def preload() -> threading.Thread:
    """Start importing litellm in a daemon thread, so the first request does not wait for it.

    Safe to call more than once; returns the (single) loading thread. An import failure is
    swallowed here and raised again, with its traceback, by the first real use.
    """
    global _preload_thread
    with _preload_lock:
        if _preload_thread is None:
            _preload_thread = threading.Thread(target=_load_quietly, name="zot-litellm-preload",
                                               daemon=True)
            _preload_thread.start()
        return _preload_thread


def _load_quietly() -> None:
    try:
        _litellm.load()
    except BaseException:  # noqa: BLE001 - reported by the first real use instead
        pass


def loaded() -> bool:
    """True once litellm is imported and configured."""
    return _litellm.is_loaded()
