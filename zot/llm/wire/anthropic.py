"""Anthropic's Messages API, streamed, for `anthropic/*` models.

The URL is `api_base` (else `ANTHROPIC_API_BASE` / `ANTHROPIC_BASE_URL`, else Anthropic's) with
`/v1/messages` appended unless it already ends so, as litellm does; the key is `api_key`, else
`ANTHROPIC_API_KEY`. The request is translated by `anthropic_messages`; the reply's events are
turned back into OpenAI-shaped deltas here: text, `tool_use` blocks as tool-call fragments (the
block index is the call's index), the stop reason in OpenAI's words, and usage with the prompt
counted whole (`input_tokens` plus cache reads and writes, as litellm counts it).
"""
from __future__ import annotations

import json
import os
from typing import Any, AsyncIterator

from zot.llm import prices
from zot.llm.config import ModelConfig
from zot.llm.types import LLMError
from zot.llm.wire import http
from zot.llm.wire.anthropic_messages import messages_json, system_blocks, tools_json
from zot.llm.wire.base import Delta, ProviderError
from zot.llm.wire.body import dumps

__all__ = ["build_body", "open_reply", "url"]

DEFAULT_BASE = "https://api.anthropic.com/v1/messages"
VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 4096
#: `--reasoning` as a thinking budget, litellm's figures for `reasoning_effort`.
THINKING_BUDGET = {"low": 1024, "medium": 2048, "high": 4096}

STOP = {"end_turn": "stop", "stop_sequence": "stop", "pause_turn": "stop", "tool_use": "tool_calls",
        "max_tokens": "length", "model_context_window_exceeded": "length", "refusal": "content_filter"}
ERROR_STATUS = {"invalid_request_error": 400, "authentication_error": 401, "permission_error": 403,
                "not_found_error": 404, "request_too_large": 413, "rate_limit_error": 429,
                "api_error": 500, "overloaded_error": 529}


def url(cfg: ModelConfig) -> str:
    base = (cfg.api_base or os.environ.get("ANTHROPIC_API_BASE") or os.environ.get("ANTHROPIC_BASE_URL")
            or DEFAULT_BASE).rstrip("/")
    return base if base.endswith("/v1/messages") else base + "/v1/messages"


def api_key(cfg: ModelConfig) -> str:
    key = cfg.api_key or os.environ.get("ANTHROPIC_API_KEY")
    if not key:
        raise LLMError("auth", f"authentication failed ({cfg.model}): no API key; set ANTHROPIC_API_KEY "
                               "or pass --api-key", retryable=False)
    return key


def _max_tokens(model: str) -> int:
    info = prices.entry(model) or {}
    for key in ("max_output_tokens", "max_tokens"):
        if isinstance(info.get(key), int) and info[key] > 0:
            return int(info[key])
    return DEFAULT_MAX_TOKENS


def build_body(cfg: ModelConfig, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None,
               extra: dict[str, Any]) -> bytes:
    head: dict[str, Any] = {"model": cfg.model.partition("/")[2]}
    if "stop" in extra:
        stop = extra.pop("stop")
        extra["stop_sequences"] = [stop] if isinstance(stop, str) else stop
    head.update(extra)
    head.setdefault("max_tokens", _max_tokens(cfg.model))
    budget = THINKING_BUDGET.get(str(cfg.reasoning)) if prices.supports_reasoning(cfg.model) else None
    if budget and "thinking" not in head:
        head["thinking"] = {"type": "enabled", "budget_tokens": budget}
        head["max_tokens"] = max(int(head["max_tokens"]), budget + 1024)
        head.pop("temperature", None)      # the API refuses a temperature with thinking on
    system = system_blocks(messages)
    if system:
        head["system"] = system
    if tools:
        head["tools"] = tools_json(tools)
    head["stream"] = True
    return b"".join([b'{"messages":', *messages_json(messages), b",", dumps(head)[1:]])


async def open_reply(cfg: ModelConfig, messages: list[dict[str, Any]],
                     tools: list[dict[str, Any]] | None) -> "AnthropicReply":
    extra = dict(cfg.extra)
    headers = {"x-api-key": api_key(cfg), "anthropic-version": VERSION, "Content-Type": "application/json",
               "Accept": "text/event-stream", "User-Agent": http.USER_AGENT}
    headers.update({str(k): str(v) for k, v in (extra.pop("extra_headers", None) or {}).items()})
    body = build_body(cfg, messages, tools, extra)
    response = await http.post(url(cfg), body, headers)
    return AnthropicReply(response)


class AnthropicReply:
    """`message_start`, content block events, `message_delta`, `message_stop`, as `Delta`s."""

    def __init__(self, response: Any) -> None:
        self._response = response
        self._events = http.events(response)
        self._done = False
        self._stop: str | None = None
        self._usage: dict[str, int] = {}
        self._thinking: dict[int, dict[str, Any]] = {}

    def __aiter__(self) -> AsyncIterator[Delta]:
        return self._deltas()

    def cut_off(self) -> bool:
        return not self._done and self._stop is None

    async def aclose(self) -> None:
        try:
            await self._events.aclose()
        finally:
            await self._response.aclose()

    async def _deltas(self) -> AsyncIterator[Delta]:
        async for event, data in self._events:
            if event == "json":
                self._done = True
                for delta in self._whole(http.read_json(data) or {}):
                    yield delta
                return
            obj = http.read_json(data) or {}
            kind = obj.get("type") or event
            if kind == "message_stop":
                self._done = True
                return
            if kind == "error":
                raise _error(obj.get("error"))
            yield self._delta(kind, obj)

    def _delta(self, kind: str, obj: dict[str, Any]) -> Delta:
        if kind == "message_start":
            message = obj.get("message") or {}
            return Delta(model=message.get("model") or None, usage=self._count(message.get("usage")))
        index = obj.get("index", 0)
        if kind == "content_block_start":
            block = obj.get("content_block") or {}
            if block.get("type") in ("thinking", "redacted_thinking"):
                self._thinking[index] = dict(block)
            return _block_start(index, block)
        if kind == "content_block_delta":
            delta = obj.get("delta") or {}
            thinking = self._thinking.get(index)
            if thinking is not None and delta.get("type") == "thinking_delta":
                thinking["thinking"] = thinking.get("thinking", "") + (delta.get("thinking") or "")
            elif thinking is not None and delta.get("type") == "signature_delta":
                thinking["signature"] = delta.get("signature") or ""
            return _block_delta(index, delta)
        if kind == "content_block_stop" and index in self._thinking:
            return Delta(thinking=self._thinking.pop(index))
        if kind == "message_delta":
            reason = (obj.get("delta") or {}).get("stop_reason")
            if reason:
                self._stop = STOP.get(reason, reason)
            return Delta(finish_reason=self._stop, usage=self._count(obj.get("usage")))
        return Delta()                     # ping, content_block_stop, and kinds added later

    def _count(self, usage: Any) -> dict[str, int] | None:
        """Running usage in OpenAI's names: later events update what earlier ones said."""
        if not isinstance(usage, dict):
            return None
        for key in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
            if isinstance(usage.get(key), int):
                self._usage[key] = usage[key]
        u = self._usage
        read, write = u.get("cache_read_input_tokens", 0), u.get("cache_creation_input_tokens", 0)
        return {"prompt_tokens": u.get("input_tokens", 0) + read + write,
                "completion_tokens": u.get("output_tokens", 0),
                "cache_read_input_tokens": read, "cache_creation_input_tokens": write}

    def _whole(self, message: dict[str, Any]) -> list[Delta]:
        """A non-streamed message as deltas."""
        out = [Delta(model=message.get("model") or None, usage=self._count(message.get("usage")))]
        for index, block in enumerate(message.get("content") or []):
            if isinstance(block, dict):
                out.append(_block_start(index, block))
        reason = message.get("stop_reason") or "end_turn"
        self._stop = STOP.get(reason, reason)
        out.append(Delta(finish_reason=self._stop))
        return out


def _block_start(index: int, block: dict[str, Any]) -> Delta:
    if block.get("type") == "tool_use":
        given = block.get("input")
        arguments = json.dumps(given) if isinstance(given, dict) and given else ""
        return Delta(tool_calls=[{"index": index, "id": block.get("id") or "", "type": "function",
                                  "function": {"name": block.get("name") or "", "arguments": arguments}}])
    if block.get("type") == "text":
        return Delta(text=block.get("text") or None)
    return Delta()


def _block_delta(index: int, delta: dict[str, Any]) -> Delta:
    if delta.get("type") == "text_delta":
        return Delta(text=delta.get("text") or None)
    if delta.get("type") == "input_json_delta":
        return Delta(tool_calls=[{"index": index, "function": {"arguments": delta.get("partial_json") or ""}}])
    return Delta()                         # thinking and signature deltas: not shown


def _error(error: Any) -> ProviderError:
    if not isinstance(error, dict):
        return ProviderError(500, str(error or "error"))
    return ProviderError(ERROR_STATUS.get(str(error.get("type")), 500),
                         str(error.get("message") or error.get("type") or "error"))
