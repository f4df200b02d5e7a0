"""What litellm's bundled price map knows about a model, and warming up the model layer early.

The agent needs a context window to decide when to compact and per-token prices to show a
cost; both come from the map that ships inside litellm (never fetched from the internet), read
as data by `zot.llm.prices` so that litellm is not imported for it. Unknown models are normal
(local servers, new releases), so every field may be `None` and nothing here raises.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from zot.llm import _litellm, prices
from zot.llm.config import ModelConfig
from zot.llm.route import backend

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
    """Look `model` up in litellm's bundled map (without importing litellm).

    The context window is `max_input_tokens`, else `max_tokens`. Ollama models are not looked
    up: the map's few Ollama entries say nothing about the model a local server really runs.
    """
    if model.split("/", 1)[0] in ("ollama", "ollama_chat"):
        return ModelInfo()
    info = prices.entry(model)
    if info is None:
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


_preload_threads: dict[str, threading.Thread] = {}
_preload_lock = threading.Lock()


def preload(cfg: ModelConfig | None = None) -> threading.Thread:
    """Start importing what requests to `cfg`'s model will need, in a daemon thread, so the first
    request does not wait for it: litellm (seconds) when the model goes through litellm, else
    only the lean wire (httpx, tens of milliseconds). Without `cfg`, litellm.

    Safe to call more than once; returns the loading thread (one per kind). An import failure
    is swallowed here and raised again, with its traceback, by the first real use.
    """
    kind = "litellm" if cfg is None else backend(cfg)
    with _preload_lock:
        thread = _preload_threads.get(kind)
        if thread is None:
            target, args = (_load_litellm, ()) if kind == "litellm" else (_load_lean, (cfg,))
            thread = threading.Thread(target=target, args=args, name=f"zot-{kind}-preload", daemon=True)
            _preload_threads[kind] = thread
            thread.start()
        return thread


def _load_litellm() -> None:
    try:
        _litellm.load()
    except BaseException:  # noqa: BLE001 - reported by the first real use instead
        pass


def _load_lean(cfg: ModelConfig) -> None:
    try:
        from zot.llm.wire import anthropic, http, openai

        url = anthropic.url(cfg) if backend(cfg) == "anthropic" else openai.base_url(cfg)
        http.warm(secure=url.startswith("https:"))
    except BaseException:  # noqa: BLE001 - reported by the first real use instead
        pass


def loaded() -> bool:
    """True once litellm is imported and configured."""
    return _litellm.is_loaded()
