"""The same interface as the lean wires, over `litellm.acompletion`: every other provider, or any
model when `ZOT_LLM=litellm`. litellm is imported (off the event loop) on the first request.

litellm's own retries are off (`num_retries=0`): `zot.llm.stream` retries, and only while
nothing has been shown.
"""
from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any, AsyncIterator

from zot.llm import _litellm, prices
from zot.llm.config import ModelConfig
from zot.llm.types import LLMError
from zot.llm.wire.base import Delta

__all__ = ["load", "open_reply", "request"]


async def load() -> ModuleType:
    """litellm, imported off the event loop if `preload()` has not finished yet."""
    if _litellm.is_loaded():
        return _litellm.load()
    try:
        return await asyncio.to_thread(_litellm.load)
    except ImportError as e:
        raise LLMError("config", f"litellm cannot be imported: {e}", retryable=False) from e


def request(cfg: ModelConfig, messages: list[dict[str, Any]],
            tools: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The keyword arguments of `litellm.acompletion`; `cfg.extra` cannot override the core."""
    kwargs: dict[str, Any] = dict(cfg.extra)
    kwargs.update(
        model=cfg.model,
        messages=messages,
        stream=True,
        stream_options={"include_usage": True},
        num_retries=0,
    )
    if cfg.reasoning and cfg.reasoning != "off" and prices.supports_reasoning(cfg.model):
        kwargs.setdefault("reasoning_effort", cfg.reasoning)
    if tools:
        kwargs["tools"] = tools
    if cfg.api_base is not None:
        kwargs["api_base"] = cfg.api_base
    if cfg.api_key is not None:
        kwargs["api_key"] = cfg.api_key
    return kwargs


async def open_reply(cfg: ModelConfig, messages: list[dict[str, Any]],
                     tools: list[dict[str, Any]] | None) -> "LitellmReply":
    litellm = await load()
    return LitellmReply(await litellm.acompletion(**request(cfg, messages, tools)))


class LitellmReply:
    """litellm's `CustomStreamWrapper`, its chunks read into `Delta`s."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __aiter__(self) -> AsyncIterator[Delta]:
        return self._deltas()

    async def _deltas(self) -> AsyncIterator[Delta]:
        async for chunk in self._stream:
            yield _delta(chunk)

    def cut_off(self) -> bool:
        """The provider never said it finished (litellm then invents `stop`)."""
        stream = self._stream
        if not hasattr(stream, "received_finish_reason"):
            return False
        return (getattr(stream, "received_finish_reason", None) is None
                and getattr(stream, "intermittent_finish_reason", None) is None)

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


def _delta(chunk: Any) -> Delta:
    out = Delta(usage=getattr(chunk, "usage", None), model=getattr(chunk, "model", None) or None)
    for choice in getattr(chunk, "choices", None) or ():
        if getattr(choice, "index", 0) not in (0, None):
            continue  # zot asks for one choice; ignore any others
        delta = getattr(choice, "delta", None)
        out.text = getattr(delta, "content", None) or None
        out.tool_calls = getattr(delta, "tool_calls", None) or None
        out.finish_reason = getattr(choice, "finish_reason", None) or None
    return out
