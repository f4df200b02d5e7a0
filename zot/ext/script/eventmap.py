"""zot's events as a script sees them: the Go zot's event names and fields (docs/protocol.md).

A script subscribes by Go-zot name (`assistant_message`) or by zot name (`message_end`, any of
`zot.agent.events.EVENT_NAMES`). The six events the Go zot knows carry its field names; every
frame also carries zot's own payload flat, as `zot --json` prints it, so nothing is lost.
"""
from __future__ import annotations

from typing import Any

# Go-zot name -> the zot event it comes from; other names are zot's own
GO_EVENTS = {"assistant_message": "message_end"}

# the events a script may intercept (`subscribe.intercept`); all but the first three are zot's
INTERCEPTS = ("tool_call", "turn_start", "assistant_message", "tool_result", "input", "session_before_switch",
              "before_compact")


def zot_type(name: str) -> str:
    return GO_EVENTS.get(name, name)


def go_fields(name: str, event: dict[str, Any]) -> dict[str, Any]:
    """The Go-zot fields of one zot event payload (`Event.to_json()`)."""
    if name == "session_start":
        return {"session_id": event.get("session_id", ""), "session_path": event.get("session_path") or ""}
    if name == "turn_start":
        return {"step": event.get("turn", 0)}
    if name == "turn_end":     # `stop` is a string, as the Go SDK reads it (a bool fails its decoding)
        return {"step": event.get("turn", 0), "stop": str(event.get("stop") or "end_turn"),
                "error": str(event.get("error") or "")}
    if name == "tool_call":
        return {"tool_id": event.get("id", ""), "tool_name": event.get("name", ""), "tool_args": event.get("args") or {}}
    if name == "tool_result":
        return {"tool_id": event.get("id", ""), "tool_name": event.get("name", ""),
                "text": event.get("content", ""), "is_error": bool(event.get("is_error"))}
    if name == "assistant_message":
        message = event.get("message") or {}
        return {"text": message.get("content") or ""}
    return {}


def event_frame(name: str, event: dict[str, Any]) -> dict[str, Any]:
    """The `event` frame for a subscription `name` and a zot event payload. zot's `id` (a tool
    call's) is left out of the flat part: in a frame, `id` means a request to answer."""
    flat = {k: v for k, v in event.items() if k not in ("type", "id")}
    return {"type": "event", "event": name, **flat, **go_fields(name, event)}
