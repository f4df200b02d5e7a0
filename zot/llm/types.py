"""The values `zot.llm` hands to the agent: plain dataclasses, no litellm objects leak out."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ErrorKind = Literal[
    "auth", "context_window", "rate_limit", "timeout", "stalled", "connection", "server",
    "bad_request", "cancelled", "config",
]

#: Kinds worth another attempt when nothing has been streamed yet.
RETRYABLE_KINDS: frozenset[str] = frozenset({"rate_limit", "server", "connection"})


@dataclass
class ToolCall:
    """One tool call as the model sent it.

    `arguments` is the parsed JSON object; `raw_arguments` the exact text received. When the
    text is not a JSON object, `error` says why and `arguments` is `{}`: the agent must report
    the error to the model instead of running the tool with made-up arguments.
    """

    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str
    error: str | None = None


@dataclass
class Usage:
    """Token counts of one or more requests.

    `input_tokens` counts the whole prompt, cached parts included (as OpenAI's
    `prompt_tokens` does); `cache_read_tokens` and `cache_write_tokens` say how much of it was
    read from or written to the provider's prompt cache. `cost` is in USD, `None` when unknown.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float | None = None

    def __add__(self, other: "Usage") -> "Usage":
        """Sum two usages. A cost known on either side is kept; both unknown stays `None`."""
        if not isinstance(other, Usage):
            return NotImplemented
        if self.cost is None and other.cost is None:
            cost = None
        else:
            cost = (self.cost or 0.0) + (other.cost or 0.0)
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            cost,
        )


@dataclass
class Completion:
    """One finished assistant message.

    `stop_reason` is the provider's finish reason as litellm normalises it (`stop`,
    `tool_calls`, `length`, `content_filter`, ...). `model` is the model that answered (the
    provider's name for it when it says, else the configured name). `thinking_blocks` are
    Anthropic thinking blocks (with their signatures), kept to be sent back with the message.
    """

    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    stop_reason: str = "stop"
    model: str = ""
    thinking_blocks: list[dict[str, Any]] = field(default_factory=list)


class LLMError(Exception):
    """Every failure of a model call, as one exception with a `kind` the agent can act on.

    `message` is one line a person can read ("rate limited by the provider: ..."). `status` is
    the HTTP status when there was one. `retryable` says whether trying again could help
    (rate limits, 5xx, dropped connections); zot retries those itself before raising.
    """

    def __init__(self, kind: ErrorKind, message: str, *, status: int | None = None,
                 retryable: bool | None = None) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.status = status
        self.retryable = kind in RETRYABLE_KINDS if retryable is None else retryable

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"LLMError({self.kind!r}, {self.message!r})"
