"""How to reach one model. Plain data, so settings files and tests can build it without litellm."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ModelConfig:
    """Everything `stream_chat` needs to talk to a model.

    `model` is a litellm model name (`openai/gpt-4o`, `anthropic/claude-sonnet-4-5`, ...).
    `idle_timeout` is the longest silence tolerated between two streamed chunks (and before the
    first response), so a hung provider becomes an error instead of a frozen agent.
    `max_retries` and `retry_base_delay` drive zot's own retries (litellm's are turned off so
    that a retry never happens after text was already shown). `extra` is passed through to
    `litellm.acompletion` unchanged (temperature, max_tokens, extra_headers, ...).

    `backend` chooses how requests are sent: `None` lets `zot.llm.route` decide (zot's own
    client for OpenAI-compatible and Anthropic models, litellm for the rest), `"litellm"` forces
    litellm for any model, as the `ZOT_LLM=litellm` environment variable does. `reasoning` (low,
    medium, high) asks a model that can reason (by litellm's map) to think: OpenAI's
    `reasoning_effort`, an Anthropic thinking budget; other models ignore it.
    """

    model: str
    api_base: str | None = None
    api_key: str | None = None
    idle_timeout: float = 60.0
    max_retries: int = 3
    retry_base_delay: float = 0.5
    extra: dict[str, Any] = field(default_factory=dict)
    reasoning: str | None = None
    backend: str | None = None
