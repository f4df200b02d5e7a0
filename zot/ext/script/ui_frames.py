"""Presentation frames of scripts (zot's additions, docs/protocol.md "Presentation"): styled
widgets set and removed by id, printed blocks, tool renderers, overlays and the editor interceptor.

`UIFrames` is mixed into FrameHandlers (zot/ext/script/frames.py): a frame `T` goes to `_on_T`
as every other frame does. What is drawn is the UI's business: the REPL answers the methods of
`RichUI` below; a mode without them (or without a UI) ignores what it cannot show, answers an
overlay `cancelled`, and a render request falls back to zot's own rendering. Nothing here waits
on the person except an overlay (whose clock, like a `ui_request`'s, pauses intercepts). The
capabilities (`styled_widgets`, `print_block`, `tool_renderer`, `overlay`, `editor`) and the
request/answer pairs are declared with the others in protocol.py.

| frame (ext → zot) | what it does |
|---|---|
| `set_widget {id, placement, text, format, style, priority, max_height}` | create or replace a widget |
| `remove_widget {id}` | take it away |
| `print_block {text, format, style, subtitle}` | a styled block in the transcript |
| `register_renderer {tool, display_name, format, collapsed, colors}` | zot asks `render_request` for that tool's results |
| `set_editor {keys, render}` / `reset_editor {}` | install / remove the editor interceptor |
| `editor_render {render}` / `set_editor_text {text, cursor}` | change the mode line / the editor's text |

zot → ext requests: `render_request {id, tool, args, result, is_error, width}` answered by
`render_response {id, header, body}`, and `editor_key {id, key, text, cursor}` answered by
`editor_key_response {id, action, key, text, render}`.
"""
from __future__ import annotations

from typing import Any, Protocol

from zot.ext import colors
from zot.ext.script import protocol

PLACEMENTS = ("header", "above", "below", "status", "footer")
FORMATS = ("text", "markdown")
STYLE_KEYS = {"border": True, "color": False, "background": False}   # key -> may be `none`


class RichUI(Protocol):
    """What a UI implements to show these frames (zot/ui/port.py). All optional."""

    def widget_changed(self) -> None: ...

    async def overlay(self, source: str, spec: dict[str, Any]) -> dict[str, Any]: ...

    def set_editor(self, source: str, interceptor: Any) -> None: ...

    def reset_editor(self, source: str) -> None: ...

    def editor_render(self, source: str, render: dict[str, Any]) -> None: ...

    def set_editor_text(self, source: str, text: str, cursor: int | None) -> None: ...


def style_problem(style: Any) -> str | None:
    """What is wrong with a `style` object, or None."""
    if style is None:
        return None
    if not isinstance(style, dict):
        return "`style` must be an object like {border: accent}"
    for key, value in style.items():
        if key in ("bold", "italic"):
            if not isinstance(value, bool):
                return f"`style.{key}` must be true or false"
        elif key in STYLE_KEYS:
            problem = colors.problem(value, allow_none=STYLE_KEYS[key])
            if problem:
                return f"`style.{key}`: {problem}"
        else:
            return f"`style` has no key `{key}` (keys: border, color, background, bold, italic)"
    return None


def block_of(frame: dict[str, Any]) -> dict[str, Any]:
    """The drawing fields of a block-like frame, as the bus carries them."""
    return {"format": protocol.text(frame, "format", "text"), "style": dict(frame.get("style") or {}),
            "subtitle": protocol.text(frame, "subtitle")}


class UIFrames:
    """Mixed into FrameHandlers; uses its `_target`, `reg`, `staging`, `host`, `_refuse`,
    `_changed`, `_spawn`, `proc`, `name`, `spec`, `log`."""

    # ---------------------------------------------------------------- widgets

    def _on_set_widget(self, frame: dict[str, Any]) -> None:
        from zot.ext.script.adapters import ScriptWidget

        wid = protocol.text(frame, "id") or protocol.text(frame, "name")
        placement = protocol.text(frame, "placement", "above")
        fmt = protocol.text(frame, "format", "text")
        problem = (("set_widget needs an `id`" if not wid else None)
                   or (f"`placement` must be one of {', '.join(PLACEMENTS)}, not `{placement}`"
                       if placement not in PLACEMENTS else None)
                   or (f"`format` must be text or markdown, not `{fmt}`" if fmt not in FORMATS else None)
                   or style_problem(frame.get("style")))
        if problem:
            return self._refuse(f"widget `{wid}` was not set: {problem}")
        fields = dict(placement=placement, last=protocol.text(frame, "text"), format=fmt,
                      style=dict(frame.get("style") or {}), priority=_int(frame.get("priority"), 0),
                      max_height=max(1, min(100, _int(frame.get("max_height"), 10))))
        widget = self.reg.widgets.get(wid) or self.staging.widgets.get(wid)
        if widget is None:
            self._target.widgets[wid] = ScriptWidget(self, wid, order=self.spec.order, **fields)
            self._changed()
            return
        moved = (widget.placement, widget.priority) != (fields["placement"], fields["priority"])
        for key, value in fields.items():
            setattr(widget, key, value)
        if moved:
            self._changed()
        self.host.widget_changed(widget)

    def _on_remove_widget(self, frame: dict[str, Any]) -> None:
        wid = protocol.text(frame, "id") or protocol.text(frame, "name")
        found = [r.widgets.pop(wid, None) for r in (self.staging, self.reg)]   # the same registry once ready
        if any(found) and self._target is self.reg:
            self.host.publish(self)
            self.host.widget_changed(None)

    # ---------------------------------------------------------------- tool renderers

    def _on_register_renderer(self, frame: dict[str, Any]) -> None:
        from zot.ext.script.ui_adapters import ScriptRenderer, publish_renderer

        tool = protocol.text(frame, "tool")
        fmt = protocol.text(frame, "format", "text")
        colors_node = frame.get("colors") if isinstance(frame.get("colors"), dict) else {}
        bad = next((f"`colors.{k}`: {colors.problem(v)}" for k, v in colors_node.items()
                    if k not in ("success", "error", "background") or colors.problem(v)), None)
        if not tool or fmt not in (*FORMATS, "diff") or bad:
            why = "it needs a `tool`" if not tool else bad or f"`format` must be text, markdown or diff, not `{fmt}`"
            return self._refuse(f"renderer for `{tool}` was not registered: {why}")
        collapsed = _int(frame.get("collapsed"), 3)
        publish_renderer(self.host.live, ScriptRenderer(self, tool, protocol.text(frame, "display_name"), fmt,
                                                        max(0, collapsed), dict(colors_node)))

    # ---------------------------------------------------------------- the editor interceptor

    def _on_set_editor(self, frame: dict[str, Any]) -> None:
        from zot.ext.script.ui_adapters import EditorInterceptor

        keys = frame.get("keys")
        if keys is not None and not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
            return self._refuse("set_editor: `keys` must be a list of key names (or left out for every key)")
        render = frame.get("render") if isinstance(frame.get("render"), dict) else {}
        ui = self._rich_ui("set_editor")
        if ui is not None:
            ui.set_editor(self.name, EditorInterceptor(self, frozenset(keys) if keys is not None else None, render))

    def _on_reset_editor(self, frame: dict[str, Any]) -> None:
        ui = self._rich_ui("reset_editor")
        if ui is not None:
            ui.reset_editor(self.name)

    def _on_editor_render(self, frame: dict[str, Any]) -> None:
        ui = self._rich_ui("editor_render")
        if ui is not None and isinstance(frame.get("render"), dict):
            ui.editor_render(self.name, dict(frame["render"]))

    def _on_set_editor_text(self, frame: dict[str, Any]) -> None:
        ui = self._rich_ui("set_editor_text")
        cursor = frame.get("cursor")
        if ui is not None:
            ui.set_editor_text(self.name, protocol.text(frame, "text"), cursor if isinstance(cursor, int) else None)

    def _rich_ui(self, method: str) -> Any:
        """The UI when it has `method` (the REPL); else None: the frame means nothing without an editor."""
        ui = self.host.ui
        return ui if ui is not None and hasattr(ui, method) else None

    # ---------------------------------------------------------------- printed blocks

    def _on_print_block(self, frame: dict[str, Any]) -> None:
        problem = style_problem(frame.get("style"))
        fmt = protocol.text(frame, "format", "text")
        if problem or fmt not in FORMATS:
            return self._refuse(f"print_block was not printed: {problem or f'`format` must be text or markdown'}")
        self.host.notify("info", protocol.text(frame, "text"), self.name, block_of(frame))


async def ask_overlay(ui: Any, source: str, frame: dict[str, Any]) -> dict[str, Any] | None:
    """`ui_request` with `kind: overlay` ({title, text, format, width, style, actions}): the chosen
    button as `{action, index}` (index -1: closed without a button), or None when cancelled or
    when the UI cannot show overlays."""
    show = getattr(ui, "overlay", None)
    fmt = protocol.text(frame, "format", "markdown")
    if show is None or style_problem(frame.get("style")) or fmt not in FORMATS:
        return None
    actions = [str(a) for a in frame.get("actions") or [] if isinstance(a, (str, int, float))]
    spec = {"title": protocol.text(frame, "title"), "text": protocol.text(frame, "text") or protocol.text(frame, "message"),
            "format": fmt, "width": _int(frame.get("width"), 0) or None, "style": dict(frame.get("style") or {}),
            "actions": actions}
    answer = await show(source, spec)
    if not isinstance(answer, dict) or answer.get("cancelled"):
        return None
    return {"action": answer.get("action", ""), "index": answer.get("index", -1)}


def withdraw_ui(host: Any, ext: Any) -> None:
    """A script stopped: its renderers go (the manifest ones come back) and its editor interceptor
    is removed, so the editor never waits on a script that is gone."""
    from zot.ext.script.ui_adapters import withdraw_renderers

    if hasattr(host.live, "renderers"):
        withdraw_renderers(host.live, ext)
    reset = getattr(host.ui, "reset_editor", None)
    if reset is not None:
        reset(ext.name)


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
