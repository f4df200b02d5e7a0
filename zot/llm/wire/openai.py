"""OpenAI chat completions, streamed: OpenAI itself or any compatible server named by `api_base`.

The model string is litellm's (`openai/NAME`); `NAME` is what the server is asked for. The
base URL is `api_base`, else `OPENAI_BASE_URL` / `OPENAI_API_BASE`, else OpenAI's; the key is
`api_key`, else `OPENAI_API_KEY` (a local server that ignores keys still needs one to be set,
as with litellm). What is sent is what litellm sends for these models: the messages and tools
as zot holds them, `stream`, `stream_options.include_usage`, and `cfg.extra` (temperature,
max_tokens, ...; `extra_headers` become headers).
"""
from __future__ import annotations

import os
from typing import Any, AsyncIterator

from zot.llm import prices
from zot.llm.config import ModelConfig
from zot.llm.types import LLMError
from zot.llm.wire import http
from zot.llm.wire.base import Delta, ProviderError
from zot.llm.wire.body import OPENAI, dumps

__all__ = ["base_url", "build_body", "open_reply"]

DEFAULT_BASE = "https://api.openai.com/v1"
REASONING_EFFORTS = ("minimal", "low", "medium", "high")


def base_url(cfg: ModelConfig) -> str:
    return (cfg.api_base or os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_BASE")
            or DEFAULT_BASE).rstrip("/")


def api_key(cfg: ModelConfig) -> str:
    key = cfg.api_key or os.environ.get("OPENAI_API_KEY")
    if not key:
        raise LLMError("auth", f"authentication failed ({cfg.model}): no API key; set OPENAI_API_KEY "
                               "or pass --api-key (any value, for a local server that ignores it)",
                       retryable=False)
    return key


def build_body(cfg: ModelConfig, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None,
               extra: dict[str, Any]) -> bytes:
    """The request body; the messages come from the per-message cache."""
    head: dict[str, Any] = dict(extra)
    head.update(model=cfg.model.partition("/")[2], stream=True, stream_options={"include_usage": True})
    if cfg.reasoning in REASONING_EFFORTS and prices.supports_reasoning(cfg.model):
        head.setdefault("reasoning_effort", cfg.reasoning)
    if tools:
        head["tools"] = tools
    tail = b"]," + dumps(head)[1:]
    pieces = list(OPENAI.all(messages))
    if not pieces:
        return b'{"messages":[' + tail
    # one copy of the history's bytes (at 100,000 messages each extra copy is tens of ms)
    pieces[0] = b'{"messages":[' + pieces[0]
    pieces[-1] = pieces[-1] + tail
    return b",".join(pieces)


async def open_reply(cfg: ModelConfig, messages: list[dict[str, Any]],
                     tools: list[dict[str, Any]] | None) -> "OpenAIReply":
    extra = dict(cfg.extra)
    headers = {"Authorization": f"Bearer {api_key(cfg)}", "Content-Type": "application/json",
               "Accept": "text/event-stream", "User-Agent": http.USER_AGENT}
    organization = os.environ.get("OPENAI_ORGANIZATION") or os.environ.get("OPENAI_ORG_ID")
    if organization:
        headers["OpenAI-Organization"] = organization
    headers.update({str(k): str(v) for k, v in (extra.pop("extra_headers", None) or {}).items()})
    body = build_body(cfg, messages, tools, extra)
    response = await http.post(base_url(cfg) + "/chat/completions", body, headers)
    return OpenAIReply(response)


class OpenAIReply:
    """`chat.completion.chunk` events until `[DONE]`; a JSON body (the server did not stream) too."""

    def __init__(self, response: Any) -> None:
        self._response = response
        self._events = http.events(response)
        self._done = False
        self._finished = False

    def __aiter__(self) -> AsyncIterator[Delta]:
        return self._deltas()

    async def _deltas(self) -> AsyncIterator[Delta]:
        async for event, data in self._events:
            if event == "json":
                self._done = True
                for delta in _whole(http.read_json(data) or {}):
                    yield delta
                return
            if data.strip() == "[DONE]":
                self._done = True
                return
            chunk = http.read_json(data)
            if chunk is None:
                yield Delta()
                continue
            if chunk.get("error") and not chunk.get("choices"):
                raise _stream_error(chunk["error"])
            delta = _delta(chunk)
            if delta.finish_reason:
                self._finished = True
            yield delta

    def cut_off(self) -> bool:
        return not (self._done or self._finished)

    async def aclose(self) -> None:
        try:
            await self._events.aclose()
        finally:
            await self._response.aclose()


def _delta(chunk: dict[str, Any]) -> Delta:
    out = Delta(usage=chunk.get("usage"), model=chunk.get("model") or None)
    for choice in chunk.get("choices") or ():
        if not isinstance(choice, dict) or choice.get("index", 0) not in (0, None):
            continue  # zot asks for one choice; ignore any others
        delta = choice.get("delta") or {}
        out.text = delta.get("content") or None
        out.tool_calls = delta.get("tool_calls") or None
        out.finish_reason = choice.get("finish_reason") or None
    return out


def _whole(completion: dict[str, Any]) -> list[Delta]:
    """A non-streamed `chat.completion` as the deltas it would have streamed."""
    out = Delta(usage=completion.get("usage"), model=completion.get("model") or None,
                finish_reason="stop")
    for choice in completion.get("choices") or ():
        if isinstance(choice, dict) and choice.get("index", 0) in (0, None):
            message = choice.get("message") or {}
            out.text = message.get("content") or None
            calls = message.get("tool_calls") or None
            out.tool_calls = [dict(c, index=c.get("index", n)) for n, c in enumerate(calls)] if calls else None
            out.finish_reason = choice.get("finish_reason") or "stop"
    return [out]


_STREAM_ERROR_STATUS = {"rate_limit_exceeded": 429, "rate_limit_error": 429, "invalid_request_error": 400,
                        "authentication_error": 401, "server_error": 500, "overloaded_error": 529}


def _stream_error(error: Any) -> ProviderError:
    """An error sent as an event after the stream started (OpenAI and vLLM do that)."""
    if not isinstance(error, dict):
        return ProviderError(500, str(error))
    status = error.get("code") if isinstance(error.get("code"), int) else None
    status = status or _STREAM_ERROR_STATUS.get(str(error.get("type")), 500)
    return ProviderError(status, str(error.get("message") or error.get("type") or "error"))
