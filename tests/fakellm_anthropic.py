"""The fake server's Anthropic voice: the same scripted `Reply`s rendered as Messages API events.

`FakeLLMServer` answers `POST .../v1/messages` with this (its `anthropic_url` is the base to
give a model), so one table of scripted behaviours (text, fragmented and parallel tool calls,
usage, errors, stalls, drops) runs through both protocols. A reply's OpenAI-shaped deltas map
onto content blocks: text deltas to one text block, each tool call (told apart by `index`, else
by `id`) to its own `tool_use` block whose argument fragments are `input_json_delta`s; a delta
`{"thinking": text}` is a whole thinking block (signed `sig-N`, N its index). Usage
`prompt_tokens` is split the Anthropic way: `input_tokens` is what was not read from the cache.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

STOP = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens", "content_filter": "refusal"}
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
               529: "overloaded_error"}


def error_body(status: int, openai_body: dict[str, Any] | None) -> dict[str, Any]:
    message = ((openai_body or {}).get("error") or {}).get("message", "error")
    kind = ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return {"type": "error", "error": {"type": kind, "message": message}}


def _usage(usage: dict[str, Any] | None) -> dict[str, int]:
    usage = usage or {}
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    return {"input_tokens": (usage.get("prompt_tokens") or 0) - cached, "output_tokens": 0,
            "cache_read_input_tokens": cached, "cache_creation_input_tokens": 0}


def _frame(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(dict(data, type=kind))}\n\n".encode()


class _Blocks:
    """Content block indices: one text block, one block per tool call."""

    def __init__(self) -> None:
        self.count = 0
        self.text: int | None = None
        self.calls: dict[Any, int] = {}
        self.last_call: int | None = None

    def new(self) -> int:
        self.count += 1
        return self.count - 1


def _frames_of(delta: dict[str, Any], blocks: _Blocks) -> list[bytes]:
    out: list[bytes] = []
    if delta.get("thinking"):              # a whole thinking block, signed "sig-N"
        index = blocks.new()
        out += [_frame("content_block_start", {"index": index, "content_block": {
                    "type": "thinking", "thinking": "", "signature": ""}}),
                _frame("content_block_delta", {"index": index, "delta": {
                    "type": "thinking_delta", "thinking": delta["thinking"]}}),
                _frame("content_block_delta", {"index": index, "delta": {
                    "type": "signature_delta", "signature": f"sig-{index}"}})]
    if delta.get("content"):
        if blocks.text is None:
            blocks.text = blocks.new()
            out.append(_frame("content_block_start", {"index": blocks.text,
                                                      "content_block": {"type": "text", "text": ""}}))
        out.append(_frame("content_block_delta", {"index": blocks.text,
                                                  "delta": {"type": "text_delta", "text": delta["content"]}}))
    for tc in delta.get("tool_calls") or []:
        key = tc.get("index", tc.get("id"))
        index = blocks.calls.get(key) if key is not None else blocks.last_call
        fn = tc.get("function") or {}
        if index is None:
            index = blocks.calls[key] = blocks.new()
            out.append(_frame("content_block_start", {"index": index, "content_block": {
                "type": "tool_use", "id": tc.get("id"), "name": fn.get("name"), "input": {}}}))
        blocks.last_call = index
        if fn.get("arguments") is not None:
            out.append(_frame("content_block_delta", {"index": index, "delta": {
                "type": "input_json_delta", "partial_json": fn.get("arguments") or ""}}))
    return out


def stream_steps(reply: Any, model: str) -> Iterator[bytes]:
    """The SSE bytes of a streamed reply, one item per scripted delta (then one for the end),
    so `stall_after` and `drop_after` count as they do for the OpenAI voice."""
    blocks = _Blocks()
    start = _frame("message_start", {"message": {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": _usage(reply.usage)}})
    for n, delta in enumerate(reply.deltas):
        frames = _frames_of(delta, blocks)
        yield (start if n == 0 else b"") + b"".join(frames)
    if reply.finish_reason is None:
        return
    end = [_frame("content_block_stop", {"index": i}) for i in range(blocks.count)]
    output = (reply.usage or {}).get("completion_tokens") or 0
    end.append(_frame("message_delta", {"delta": {"stop_reason": STOP.get(reply.finish_reason, "end_turn"),
                                                  "stop_sequence": None}, "usage": {"output_tokens": output}}))
    end.append(_frame("message_stop", {}))
    yield (start if not reply.deltas else b"") + b"".join(end)


def whole(reply: Any, model: str) -> dict[str, Any]:
    """A non-streamed message."""
    text = "".join(d.get("content") or "" for d in reply.deltas)
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    usage = _usage(reply.usage)
    usage["output_tokens"] = (reply.usage or {}).get("completion_tokens") or 0
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": STOP.get(reply.finish_reason or "stop", "end_turn"), "stop_sequence": None,
            "usage": usage}
