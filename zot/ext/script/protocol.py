"""Frames of the script protocol v1 (docs/protocol.md): one JSON object per line.

Encoding and decoding live here so the size limit and the notion of a well-formed frame are
written once. Decoding never raises anything but `FrameError`: the caller treats it as the
script misbehaving (reported once, pending requests decided by `on_error`, a restart).
"""
from __future__ import annotations

import json
from typing import Any

PROTOCOL_VERSION = 1
MAX_LINE = 4 * 1024 * 1024          # bytes per line, both directions

# what zot offers beyond the Go zot's v1, in hello_ack
CAPABILITIES = ("intercept_tool_result", "intercept_input", "register_guard", "register_widget", "ui", "kv",
                "send_message", "system_prompt", "active_tools", "set_model", "get_state",
                "intercept_session_switch", "intercept_compact")

# ext -> zot frames that answer a request zot made, by the request's frame type
REPLIES = {"command_invoked": "command_response", "tool_call": "tool_result",
           "event_intercept": "event_intercept_response"}

# presentation (zot/ext/script/ui_frames.py): its capabilities and request/answer pairs
CAPABILITIES += ("styled_widgets", "print_block", "tool_renderer", "overlay", "editor")
REPLIES.update({"render_request": "render_response", "editor_key": "editor_key_response"})
REPLY_TYPES = frozenset(REPLIES.values())

NOTIFY_LEVELS = {"info": "info", "warn": "warning", "warning": "warning", "error": "error", "success": "info"}


class FrameError(ValueError):
    """A line that is not a frame: not JSON, not an object, no `type`, or too long."""


class Oversize(FrameError):
    """A line over MAX_LINE: the script is stopped (a stray line of another kind is ignored)."""


def encode(frame: dict[str, Any]) -> bytes:
    """One line, UTF-8, compact. Raises FrameError when it would be over the limit (the caller
    answers the request with an error instead of sending it)."""
    line = json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8") + b"\n"
    if len(line) > MAX_LINE:
        raise FrameError(f"a {frame.get('type')} frame of {len(line):,} bytes is over the {MAX_LINE:,} byte limit")
    return line


def decode(line: bytes) -> dict[str, Any] | None:
    """The frame on `line`, or None for a blank line. Raises FrameError for anything else."""
    if len(line) > MAX_LINE + 1:
        raise Oversize(f"a line of {len(line):,} bytes is over the {MAX_LINE:,} byte limit")
    text = line.strip()
    if not text:
        return None
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FrameError(f"a line is not JSON ({exc}): {preview(text)}") from None
    if not isinstance(frame, dict):
        raise FrameError(f"a frame must be a JSON object: {preview(text)}")
    if not isinstance(frame.get("type"), str):
        raise FrameError(f"a frame has no string `type`: {preview(text)}")
    return frame


def preview(data: bytes | str, limit: int = 80) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


# ---------------------------------------------------------------- field helpers


def text(frame: dict[str, Any], key: str, default: str = "") -> str:
    """A string field; anything else (missing, null, a number) reads as `default` or its str."""
    value = frame.get(key, default)
    if value is None:
        return default
    return value if isinstance(value, str) else str(value)


def flag(frame: dict[str, Any], key: str) -> bool:
    return frame.get(key) is True


def names(frame: dict[str, Any], key: str) -> list[str]:
    """A list of strings (a single string counts as a list of one); other items are dropped."""
    value = frame.get(key)
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str)]


def mapping(frame: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = frame.get(key)
    return value if isinstance(value, dict) else None


def request_id(frame: dict[str, Any]) -> str | None:
    """Ids are compared as strings: a script may echo `7` for `"7"`."""
    value = frame.get("id")
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)
