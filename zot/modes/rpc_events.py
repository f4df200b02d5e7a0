"""zot's events as the Go zot's rpc events, plus zot's richer ones under their own names.

The Go vocabulary (docs/rpc.md): `user_message`, `turn_start`, `assistant_start`, `text_delta`,
`usage`, `assistant_message`, `tool_call`, `turn_end`, `tool_result`, `error`, `done`,
`compact_done`, and `ext_notify` / `ext_display` for extensions. Field names, types and order
follow the Go zot: per model call `turn_start`, `assistant_start`, deltas, `usage`,
`assistant_message`, the calls, `turn_end`, then the calls' `tool_result`s. zot's own events that
add something (`tool_decision`, `tool_execution_start`/`_end`, `session_start`/`_shutdown`,
`model_change`, `before_compact`, `command_output`, `agent_end`) pass through as `--json` prints
them; a Go client ignores types it does not know.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

Write = Callable[[dict[str, Any]], None]

PASS_THROUGH = ("session_start", "session_shutdown", "tool_execution_start", "tool_execution_end", "model_change",
                "before_compact", "command_output", "agent_end")
STOP = {"stop": "end_turn", "tool_calls": "tool_use", "length": "length"}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def text_blocks(text: str | None) -> list[dict[str, Any]]:
    return [{"type": "text", "text": text}] if text else []


def parse_args(raw: Any) -> Any:
    """The Go zot unmarshals the arguments; text that is no JSON becomes null."""
    if isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw or "{}")
    except (TypeError, ValueError):
        return None


def content_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A zot (OpenAI-shaped) message's content as the Go zot's content blocks."""
    content = message.get("content")
    blocks: list[dict[str, Any]] = []
    if message.get("role") == "tool":
        return [{"type": "tool_result", "call_id": message.get("tool_call_id", ""), "is_error": False,
                 "content": text_blocks(content if isinstance(content, str) else json.dumps(content))}]
    if isinstance(content, str):
        blocks += text_blocks(content)
    elif isinstance(content, list):
        for part in content:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text":
                blocks += text_blocks(part.get("text", ""))
            elif part.get("type") == "image_url":
                blocks.append(image_block(str((part.get("image_url") or {}).get("url", ""))))
    for call in message.get("tool_calls") or []:
        fn = call.get("function") or {}
        blocks.append({"type": "tool_call", "id": call.get("id", ""), "name": fn.get("name", ""),
                       "args": parse_args(fn.get("arguments"))})
    return blocks


def image_block(url: str) -> dict[str, Any]:
    """`data:MIME;base64,DATA` -> `{"type": "image", "mime_type": MIME, "bytes": n}` (the size, not the data)."""
    head, _, data = url.partition(",")
    mime = head[5:].split(";")[0] if head.startswith("data:") else ""
    size = len(data) * 3 // 4 - data[-2:].count("=")
    return {"type": "image", "mime_type": mime, "bytes": max(size, 0)}


def message_json(message: dict[str, Any]) -> dict[str, Any]:
    """`get_messages`: role, content blocks, time (null: zot keeps no time per message)."""
    return {"role": message.get("role", ""), "content": content_blocks(message), "time": None}


def usage_fields(usage: Any) -> dict[str, Any]:
    """A zot Usage (or its dict) as the Go zot's token fields; an unknown cost is 0."""
    get = usage.get if isinstance(usage, dict) else lambda key, default=None: getattr(usage, key, default)
    return {"input": int(get("input_tokens", 0) or 0), "output": int(get("output_tokens", 0) or 0),
            "reasoning": None, "cache_read": int(get("cache_read_tokens", 0) or 0),
            "cache_write": int(get("cache_write_tokens", 0) or 0), "cost_usd": float(get("cost", 0.0) or 0.0)}


class Translator:
    """A bus listener that writes rpc events. `cumulative()` gives the session's usage so far."""

    def __init__(self, write: Write, cumulative: Callable[[], Any]) -> None:
        self.write = write
        self.cumulative = cumulative
        self.images: list[dict[str, Any]] = []     # of the prompt being sent, for `user_message`
        self._turn_open = False                    # turn_start written, turn_end not yet
        self._turn_cut = False                     # the model call ended without a message

    def __call__(self, event: Any) -> None:
        handler = getattr(self, "on_" + event.type, None)
        if handler is not None:
            handler(event)
        if event.type in PASS_THROUGH:
            self.write(event.to_json())

    def on_before_agent_start(self, event: Any) -> None:
        blocks = text_blocks(event.prompt) + [image_block(f"data:{i['mime_type']};base64,{i['data']}")
                                               for i in self.images]
        self.write({"type": "user_message", "content": blocks, "time": now()})

    def on_turn_start(self, event: Any) -> None:
        self._turn_open, self._turn_cut = True, False
        self.write({"type": "turn_start", "step": event.turn})

    def on_message_start(self, event: Any) -> None:
        self.write({"type": "assistant_start"})

    def on_message_update(self, event: Any) -> None:
        self.write({"type": "text_delta", "delta": event.delta})

    def on_message_end(self, event: Any) -> None:
        message = event.message
        self.write({"type": "usage", **usage_fields(event.usage), "cumulative": usage_fields(self.cumulative())})
        self.write({"type": "assistant_message", "content": content_blocks(message), "time": now()})
        calls = message.get("tool_calls") or []
        for block in content_blocks(message):
            if block["type"] == "tool_call":
                self.write({"type": "tool_call", "id": block["id"], "name": block["name"], "args": block["args"]})
        stop = "tool_use" if calls else STOP.get(event.stop_reason, "end_turn")
        self.write({"type": "turn_end", "stop": stop})
        self._turn_open = False

    def on_turn_end(self, event: Any) -> None:
        if self._turn_open:        # no message: cancelled, failed or stopped; agent_end says which
            self._turn_open, self._turn_cut = False, True

    def on_tool_progress(self, event: Any) -> None:
        self.write({"type": "tool_progress", "id": event.id, "text": event.text})

    def on_tool_result(self, event: Any) -> None:
        decision = event.decision or {}
        if event.blocked or decision.get("matches") or decision.get("rewrites"):
            self.write({"type": "tool_decision", "id": event.id, "name": event.name, "blocked": event.blocked,
                        **{k: v for k, v in decision.items() if k != "tool_call_id"}})
        self.write({"type": "tool_result", "id": event.id, "is_error": event.is_error,
                    "content": text_blocks(event.content)})

    def on_agent_end(self, event: Any) -> None:
        if self._turn_cut:
            self._turn_cut = False
            cut: dict[str, Any] = {"type": "turn_end", "stop": "aborted" if event.stop_reason == "cancelled" else "error"}
            if event.error:
                cut["error"] = event.error
            self.write(cut)

    def on_notice(self, event: Any) -> None:
        frame = {"type": "ext_notify", "extension": event.source, "level": event.level, "message": event.text}
        if event.block is not None:
            frame["block"] = event.block     # a styled block: {format, style, subtitle}
        self.write(frame)

    def on_command_output(self, event: Any) -> None:
        extension = event.command.split(":")[0] if ":" in event.command else "zot"
        if event.action == "error" or event.is_error:
            self.write({"type": "error", "message": f"/{event.command}: {event.text or 'failed'}"})
        elif event.action in ("display", "block") and event.text:
            frame = {"type": "ext_display", "extension": extension, "text": event.text}
            if event.block is not None:
                frame["block"] = event.block
            self.write(frame)
        elif event.action in ("notify", "insert") and event.text:
            self.write({"type": "ext_notify", "extension": extension, "level": "info", "message": event.text})
