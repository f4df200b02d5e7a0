"""The values every wire hands to `zot.llm.stream`: one `Delta` per piece of a streamed reply."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, AsyncIterator, Protocol

__all__ = ["Delta", "ProviderError", "Reply"]


@dataclass(slots=True)
class Delta:
    """One streamed piece. Every field is optional; an empty `Delta` is a keep-alive.

    `tool_calls` are fragments in OpenAI's streaming shape (`index`, `id`, `function.name`,
    `function.arguments`), whatever the provider, so one accumulator assembles them all.
    `usage` is the usage so far in OpenAI's names (or a litellm usage object). `thinking` is
    a finished Anthropic thinking block, which must go back with the reply's tool calls.
    """

    text: str | None = None
    tool_calls: list[Any] | None = None
    finish_reason: str | None = None
    usage: Any = None
    model: str | None = None
    thinking: dict[str, Any] | None = None


class Reply(Protocol):
    """A streamed response: iterate it for `Delta`s, close it when done or abandoned."""

    def __aiter__(self) -> AsyncIterator[Delta]: ...

    async def aclose(self) -> None: ...

    def cut_off(self) -> bool:
        """True when the stream ended without the provider saying the reply was complete."""
        ...


class ProviderError(Exception):
    """The provider answered with an error: an HTTP status, or an error event mid-stream.

    Shaped for `zot.llm.errors.classify`: `status_code` for the kind, `body["message"]` for the
    provider's words, `headers` for `Retry-After`.
    """

    def __init__(self, status: int | None, message: str, headers: Any = None) -> None:
        super().__init__(message)
        self.status_code = status
        self.body = {"message": message}
        self.headers = headers or {}
