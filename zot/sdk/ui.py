"""Presentation for SDK scripts: styled widgets, printed blocks, tool renderers, overlays, the editor.

    @ext.tool_renderer("todo", display_name="Todo", format="markdown")
    def show(event, ctx):                      # event: tool, args, result, is_error, width
        return f"{len(event['args']['items'])} items", "\\n".join(...)   # (header, body) or body

    @ext.editor(keys=["h", "l", "i", "esc"], render={"mode": "NORMAL"})
    def vim(event, ctx):                       # event: key, text, cursor
        if event["key"] == "h":
            return ext.remap("left")
        return ext.passthrough()

    ctx.set_widget("plan", "## Plan\\n- [x] read", placement="above", format="markdown",
                   style={"border": "accent"})
    choice = ctx.overlay("Deploy?", "All **3** services are ready.", actions=["Deploy", "Cancel"])

Each uses a capability zot offers in `hello_ack` (`styled_widgets`, `print_block`,
`tool_renderer`, `overlay`, `editor`); without it the call does nothing and says so once in the
log, so the same script runs under the Go zot. Frames: docs/protocol.md, "Presentation".
Editor keys are handled one at a time, in order, on their own thread: keep the handler quick
(zot lets a key pass after a quarter of a second).
"""
from __future__ import annotations

__all__ = ["EditorAction", "UIMixin", "ContextUI", "passthrough", "consumed", "remap", "submit"]


class EditorAction:
    """What the editor does with a key: passthrough, consumed, remap (to `key`) or submit (`text`).
    `render` changes the mode line with the same answer: {mode, prompt, below, style}."""

    __slots__ = ("action", "key", "text", "render")

    def __init__(self, action: str, key: str = "", text=None, render=None) -> None:
        self.action, self.key, self.text, self.render = action, key, text, render

    def fields(self) -> dict:
        out = {"action": self.action}
        if self.action == "remap":
            out["key"] = self.key
        if self.action == "submit" and self.text is not None:
            out["text"] = str(self.text)
        if self.render is not None:
            out["render"] = dict(self.render)
        return out

    def __repr__(self) -> str:
        return f"EditorAction({self.action!r}, key={self.key!r})"


def passthrough(render=None) -> EditorAction:
    """Let the editor handle the key as usual."""
    return EditorAction("passthrough", render=render)


def consumed(render=None) -> EditorAction:
    """The key is used up: the editor does nothing with it."""
    return EditorAction("consumed", render=render)


def remap(key: str, render=None) -> EditorAction:
    """The editor handles `key` instead (`left`, `delete`, `home`, `ctrl+a`, a character)."""
    return EditorAction("remap", key=str(key), render=render)


def submit(text=None, render=None) -> EditorAction:
    """Send what is in the editor, or `text` instead."""
    return EditorAction("submit", text=text, render=render)


def editor_reply(value) -> dict:
    """A handler's return value as `editor_key_response` fields: an EditorAction, an action name,
    or None (passthrough)."""
    if isinstance(value, EditorAction):
        return value.fields()
    if isinstance(value, str) and value in ("passthrough", "consumed", "submit"):
        return {"action": value}
    return {"action": "passthrough"}


def render_reply(value) -> dict:
    """A renderer's return value: a body (str), (header, body), {header, body} or None (zot's own)."""
    if isinstance(value, tuple) and len(value) == 2:
        header, body = value
    elif isinstance(value, dict):
        header, body = value.get("header"), value.get("body")
    else:
        header, body = None, value
    return {"header": None if header is None else str(header), "body": None if body is None else str(body)}


class UIMixin:
    """Part of `Extension`."""

    def _ui_init(self) -> None:
        self._renderers: dict = {}
        self._editor = None            # (handler, keys, render)
        self._styled: dict = {}        # widgets set before run(), sent at start

    # ------------------------------------------------------------------ decorators

    def tool_renderer(self, tool: str, display_name: str = "", format: str = "text", collapsed: int = 3,
                      colors: dict | None = None):
        """Render the results of `tool` (any tool: built-in, zot's or another extension's). The
        handler gets {tool, args, result, is_error, width} and returns the body (str), a
        (header, body) pair, or None for zot's own rendering. It has half a second."""
        def add(fn):
            self._renderers[tool] = (fn, {"tool": tool, "display_name": display_name, "format": format,
                                          "collapsed": int(collapsed), "colors": dict(colors or {})})
            if self._registered:
                self._send_renderer(tool)
            return fn
        return add

    def editor(self, keys=None, render: dict | None = None):
        """Install an editor interceptor (one per zot: a newer one replaces it). The handler gets
        {key, text, cursor} for each key in `keys` (all keys when None) and returns
        `ext.passthrough()`, `ext.consumed()`, `ext.remap(key)` or `ext.submit(text)`."""
        def add(fn):
            self._editor = (fn, None if keys is None else [str(k) for k in keys], dict(render or {}))
            if self._registered:
                self._send_editor()
            return fn
        return add

    passthrough = staticmethod(passthrough)
    consumed = staticmethod(consumed)
    remap = staticmethod(remap)
    submit = staticmethod(submit)

    # ------------------------------------------------------------------ any thread

    def set_widget(self, id: str, text: str = "", placement: str = "above", format: str = "text",
                   style: dict | None = None, priority: int = 0, max_height: int = 10) -> bool:
        """Create or replace a widget (header, above, below, status, footer)."""
        frame = {"type": "set_widget", "id": id, "text": str(text), "placement": placement, "format": format,
                 "style": dict(style or {}), "priority": int(priority), "max_height": int(max_height)}
        if not self._registered:
            self._styled[id] = frame
            return True
        return self._offered("styled_widgets", f"widget {id}") and self._send(frame)

    def remove_widget(self, id: str) -> bool:
        self._styled.pop(id, None)
        return self._offered("styled_widgets", f"widget {id}") and self._send({"type": "remove_widget", "id": id})

    def print_block(self, text: str, format: str = "text", style: dict | None = None, subtitle: str = "") -> bool:
        """A styled block in the transcript (text with ANSI colour, or Markdown)."""
        if not self._offered("print_block", "print_block"):
            return self.notify(text)
        return self._send({"type": "print_block", "text": str(text), "format": format,
                           "style": dict(style or {}), "subtitle": str(subtitle)})

    def reset_editor(self) -> bool:
        self._editor = None
        return self._offered("editor", "the editor") and self._send({"type": "reset_editor"})

    def editor_render(self, render: dict) -> bool:
        """Change the interceptor's mode line: {mode, prompt, below, style}."""
        if self._editor is not None:
            self._editor = (self._editor[0], self._editor[1], dict(render))
        return self._offered("editor", "the editor") and self._send({"type": "editor_render", "render": dict(render)})

    def set_editor_text(self, text: str, cursor: int | None = None) -> bool:
        frame = {"type": "set_editor_text", "text": str(text)}
        if cursor is not None:
            frame["cursor"] = int(cursor)
        return self._offered("editor", "the editor") and self._send(frame)

    def overlay(self, title: str, text: str, actions=(), format: str = "markdown", width: int | None = None,
                style: dict | None = None, timeout: float | None = None) -> dict:
        """Show an overlay and wait: {action, index, cancelled} (cancelled without a UI)."""
        frame = {"kind": "overlay", "title": title, "text": str(text), "actions": [str(a) for a in actions],
                 "format": format, "style": dict(style or {})}
        if width:
            frame["width"] = int(width)
        value = self._ui(frame, timeout) if self._offered("overlay", "overlays") else None
        if not isinstance(value, dict):
            return {"action": "", "index": -1, "cancelled": True}
        return {"action": str(value.get("action") or ""), "index": int(value.get("index", -1)), "cancelled": False}

    # ------------------------------------------------------------------ registration (serve.py)

    def _send_ui_registrations(self) -> None:
        for tool in list(self._renderers):
            self._send_renderer(tool)
        if self._editor is not None:
            self._send_editor()
        for frame in list(self._styled.values()):
            if self._offered("styled_widgets", f"widget {frame['id']}"):
                self._send(frame)
        self._styled.clear()

    def _send_renderer(self, tool: str) -> None:
        if self._offered("tool_renderer", f"renderer {tool}"):
            self._send({"type": "register_renderer", **self._renderers[tool][1]})

    def _send_editor(self) -> None:
        _, keys, render = self._editor
        frame = {"type": "set_editor", "render": render}
        if keys is not None:
            frame["keys"] = keys
        if self._offered("editor", "the editor"):
            self._send(frame)


class ContextUI:
    """Part of `Context`: the same calls from inside a handler."""

    def set_widget(self, id: str, text: str = "", **fields) -> bool:
        return self.ext.set_widget(id, text, **fields)

    def remove_widget(self, id: str) -> bool:
        return self.ext.remove_widget(id)

    def print_block(self, text: str, **fields) -> bool:
        return self.ext.print_block(text, **fields)

    def overlay(self, title: str, text: str, actions=(), **fields) -> dict:
        return self.ext.overlay(title, text, actions, **fields)

    def editor_render(self, render: dict) -> bool:
        return self.ext.editor_render(render)

    def set_editor_text(self, text: str, cursor: int | None = None) -> bool:
        return self.ext.set_editor_text(text, cursor)
