"""What handlers return: command actions, tool content, intercept decisions.

Each is a small immutable value that knows the frame fields it stands for (`fields()`), so the
dispatcher in `extension.py` never guesses. Handlers may also return plain values; how those are
read is documented on `command_reply`, `tool_content` and `intercept_reply`.
"""
from __future__ import annotations

import json

__all__ = [
    "Action", "Answer", "Block", "Decision", "Image", "Modify", "Panel", "ReplaceText", "ToolError",
    "allow", "block", "change_result", "display", "error", "image", "insert", "modify", "noop",
    "prompt", "replace_text", "summary", "text",
]


class ToolError(Exception):
    """Raise from a tool (or command) handler to fail with this message and no traceback.

    A tool replies `is_error: true` with the message as its text; a command replies
    `action: error`.
    """


# --------------------------------------------------------------------------- commands


class Action:
    """A `command_response` action: prompt, insert, display, noop or error."""

    __slots__ = ("action", "value")

    def __init__(self, action: str, value: str = "") -> None:
        self.action = action
        self.value = value

    def fields(self) -> dict:
        if self.action == "noop":
            return {"action": "noop"}
        return {"action": self.action, self.action: str(self.value)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Action) and (self.action, self.value) == (other.action, other.value)

    def __repr__(self) -> str:
        return f"Action({self.action!r}, {self.value!r})"


def prompt(text: str) -> Action:
    """Submit `text` to the model as the user's next message."""
    return Action("prompt", text)


def insert(text: str) -> Action:
    """Put `text` into the user's input editor."""
    return Action("insert", text)


def display(text: str) -> Action:
    """Show `text` to the user; nothing is sent to the model."""
    return Action("display", text)


def noop() -> Action:
    """The command did its work; nothing to show."""
    return Action("noop")


def error(message: str) -> Action:
    """The command failed; `message` is shown to the user."""
    return Action("error", message)


class Panel:
    """An interactive panel: an id, a title, lines of text and a footer (key hints)."""

    __slots__ = ("id", "title", "lines", "footer")

    def __init__(self, id: str, title: str = "", lines=(), footer: str = "") -> None:
        self.id = str(id)
        self.title = str(title)
        self.lines = [str(line) for line in lines]
        self.footer = str(footer)

    def fields(self) -> dict:
        return {"id": self.id, "title": self.title, "lines": list(self.lines), "footer": self.footer}

    def __repr__(self) -> str:
        return f"Panel({self.id!r}, {self.title!r}, {len(self.lines)} lines)"


def command_reply(value) -> dict:
    """The `command_response` fields for what a command handler returned.

    None -> noop; a str -> display; an `Action` -> itself; a `Panel` (from `ctx.open_panel`)
    -> open_panel. Anything else is a bug in the handler: TypeError.
    """
    if value is None:
        return {"action": "noop"}
    if isinstance(value, str):
        return {"action": "display", "display": value}
    if isinstance(value, Action):
        return value.fields()
    if isinstance(value, Panel):
        return {"action": "open_panel", "open_panel": value.fields()}
    raise TypeError(f"a command handler returned {type(value).__name__}; return a str, "
                    "ext.prompt(...), ext.insert(...), ext.display(...), ctx.open_panel(...) or None")


# --------------------------------------------------------------------------- tools


class Image:
    """An image block of a tool result."""

    __slots__ = ("data", "mime_type")

    def __init__(self, data: bytes, mime_type: str = "image/png") -> None:
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("image data must be bytes")
        self.data = bytes(data)
        self.mime_type = mime_type

    def block(self) -> dict:
        import base64
        return {"type": "image", "mime_type": self.mime_type,
                "data": base64.b64encode(self.data).decode("ascii")}


def image(data: bytes, mime_type: str = "image/png") -> Image:
    """An image for a tool result (`data` is the raw bytes; it is base64-encoded for you)."""
    return Image(data, mime_type)


def text(value: str) -> dict:
    """A text block of a tool result."""
    return {"type": "text", "text": str(value)}


def _block(item) -> dict:
    if isinstance(item, Image):
        return item.block()
    if isinstance(item, str):
        return text(item)
    if isinstance(item, dict) and item.get("type") in ("text", "image"):
        return dict(item)
    return text(json.dumps(item, indent=2, ensure_ascii=False, default=str))


def tool_content(value) -> list:
    """The `content` list for what a tool handler returned.

    A str -> one text block; an `Image` -> one image block; a list or tuple of those (or of
    content-block dicts) -> those blocks; None -> an empty text block; any other JSON value
    (a dict, a number) -> its JSON as text.
    """
    if value is None:
        return [text("")]
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (str, Image)) or (isinstance(v, dict) and v.get("type") in ("text", "image"))
            for v in value):
        return [_block(v) for v in value]
    return [_block(value)]


# --------------------------------------------------------------------------- questions


class Answer:
    """A confirm's answer that tells "no" from "cancelled": `value` True / False (None when
    cancelled), `cancelled` True when the person dismissed it (Esc), nobody could be asked
    (`no_ui`), or zot does not offer questions. `bool(answer)` is True only for a yes."""

    __slots__ = ("value", "cancelled", "no_ui")

    def __init__(self, value=None, cancelled: bool = False, no_ui: bool = False) -> None:
        self.value = value
        self.cancelled = bool(cancelled)
        self.no_ui = bool(no_ui)

    def __bool__(self) -> bool:
        return self.value is True

    def __repr__(self) -> str:
        return f"Answer(value={self.value!r}, cancelled={self.cancelled}, no_ui={self.no_ui})"


# --------------------------------------------------------------------------- intercepts


class Decision:
    """An `event_intercept_response`: allow (all fields empty), block, modify or replace; for a
    tool result also its error flag, for a compaction a summary."""

    __slots__ = ("block", "reason", "modified_args", "replace_text", "is_error", "summary")

    def __init__(self, block: bool = False, reason: str = "", modified_args=None,
                 replace_text=None, is_error=None, summary=None) -> None:
        self.block = bool(block)
        self.reason = str(reason or "")
        self.modified_args = modified_args
        self.replace_text = replace_text
        self.is_error = is_error
        self.summary = summary

    def fields(self) -> dict:
        out: dict = {"block": self.block}
        for key in ("modified_args", "replace_text", "is_error", "summary"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.reason:
            out["reason"] = self.reason
        return out

    def __repr__(self) -> str:
        return f"Decision({self.fields()!r})"


Block = Modify = ReplaceText = Decision  # names for readers of type hints


def allow() -> Decision:
    """Let the event through unchanged (the same as returning None)."""
    return Decision()


def block(reason: str) -> Decision:
    """Refuse: a tool call does not run and the model is told `reason`."""
    return Decision(block=True, reason=reason)


def modify(args: dict, reason: str = "") -> Decision:
    """Run the tool call with these arguments instead (`modified_args`)."""
    if not isinstance(args, dict):
        raise TypeError("modify() takes the new arguments as a dict")
    return Decision(modified_args=args, reason=reason)


def replace_text(value: str) -> Decision:
    """Replace the event's text (an assistant message, a tool result, the user's input)."""
    return Decision(replace_text=str(value))


def change_result(text: str | None = None, is_error: bool | None = None) -> Decision:
    """A `tool_result` intercept's answer: what the model sees instead (`text`) and/or whether
    the result counts as an error (`is_error`); what is left as None stays."""
    return Decision(replace_text=None if text is None else str(text),
                    is_error=None if is_error is None else bool(is_error))


def summary(text: str) -> Decision:
    """A `before_compact` intercept's answer: use `text` as the summary instead of asking the
    model (a custom compaction). `block(reason)` cancels the compaction instead."""
    return Decision(summary=str(text))


def intercept_reply(value) -> Decision:
    """The decision for what an intercept handler returned: None -> allow; a `Decision`."""
    if value is None:
        return Decision()
    if isinstance(value, Decision):
        return value
    raise TypeError(f"an intercept handler returned {type(value).__name__}; return "
                    "ext.block(reason), ext.modify(args), ext.replace_text(text) or None")
