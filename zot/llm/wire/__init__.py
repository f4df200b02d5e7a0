"""zot's own client for the common providers: OpenAI-compatible chat completions and Anthropic's
Messages API over httpx, so that a turn costs a JSON body and a POST, not a litellm import.

Each wire is one `open(cfg, messages, tools) -> Reply` coroutine: it sends the request, raises
for an HTTP error status (`ProviderError`, classified by `zot.llm.errors`), and returns a
`Reply`, an async iterator of `Delta`s (text, tool-call fragments in OpenAI's shape, finish
reason, usage). `zot.llm.stream` drives every wire the same way: watchdog, retries,
cancellation. `via_litellm` is the same interface over litellm, for every other provider.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from zot.llm.config import ModelConfig
from zot.llm.wire.base import Delta, ProviderError, Reply

__all__ = ["Delta", "ProviderError", "Reply", "opener"]

Opener = Callable[[ModelConfig, list[dict[str, Any]], "list[dict[str, Any]] | None"], Awaitable[Reply]]


def opener(kind: str) -> Opener:
    """The `open` coroutine of the wire `kind` (`openai`, `anthropic` or `litellm`)."""
    if kind == "openai":
        from zot.llm.wire.openai import open_reply
    elif kind == "anthropic":
        from zot.llm.wire.anthropic import open_reply
    else:
        from zot.llm.wire.via_litellm import open_reply
    return open_reply
