"""Write a zot script extension in Python: decorate handlers, call `run()`.

    #!/usr/bin/env python3
    from zot.sdk import Extension, ToolError

    ext = Extension("calc", version="1.0.0")

    @ext.command("hello", description="say hello")
    def hello(args: str, ctx):
        return f"hello {args or 'world'}"          # shown to the user

    @ext.tool("add", description="add two numbers",
              schema={"type": "object", "properties": {"a": {"type": "number"},
                                                       "b": {"type": "number"}}})
    def add(args: dict, ctx):
        return str(args["a"] + args["b"])          # what the model receives

    ext.run()

The script speaks protocol v1 (docs/protocol.md) on stdin/stdout, so it also runs under the Go
zot; what zot adds (UI questions, the kv store, guards, widgets) is used only when zot offers it
in `hello_ack`, and degrades otherwise (`ctx.confirm` is False, `ctx.kv` is a local JSON file).

Decorators: `@ext.command(name, description)`, `@ext.tool(name, description, schema)`,
`@ext.on(*events)` (observe), `@ext.intercept(*events, on_error="block")`,
`@ext.panel_key(panel_id)`, `@ext.panel_closed(panel_id)`, `@ext.setup`, `@ext.on_ready`,
`@ext.on_shutdown`; `ext.guard(name, guard)` and `ext.widget(name, text, placement)`.

Returns: a command returns a str (displayed), `ext.prompt/insert/display/error(text)`,
`ctx.open_panel(...)` or None; a tool returns a str, `ext.image(bytes, mime)`, a list of those
or any JSON value, and raises `ToolError(message)` to fail; an intercept returns None (allow),
`ext.block(reason)`, `ext.modify(args)` or `ext.replace_text(text)`. An intercept that raises or
returns anything else is decided by its `on_error`: "block" by default (it fails closed, like a
manifest guard and like zot's own `script.on_error: deny`), or "allow" when the author says so.

The session (zot's capabilities; None and a log line under the Go zot): `ctx.send_message(text,
trigger_turn=True)` starts a turn (queued when zot is busy), `ctx.set_system_prompt(text)` /
`ctx.append_system_prompt(text)` for the next turn, `ctx.get_tools()` / `ctx.set_active_tools(names)`,
`ctx.set_model(name)`, `ctx.session_state()` and `ctx.has_ui`; also on `ext` for your own threads.
`ctx.confirm_result(...)` tells "no" from "cancelled". Intercepts may also answer
`ext.change_result(text, is_error)` (a tool_result), `ext.summary(text)` (before_compact, a custom
compaction) and `ext.block(reason)` for `session_before_switch` and `before_compact` (cancel).

`ctx` (any thread): `ctx.host` (the hello_ack: zot_version, model, cwd, capabilities, ...),
`ctx.notify(message, level)`, `ctx.open_panel/render_panel/close_panel`, `ctx.confirm(title,
message) -> bool`, `ctx.select(title, options) -> str | None`, `ctx.input(title, placeholder)
-> str | None`, `ctx.kv.get/set/delete/list`, `ctx.widget_update(name, text)`, `ctx.data_dir`
(zot's folder for the extension), `ctx.project_data_dir` (this project's `.zot/data/NAME`, which
trust does not hash), `ctx.log(message)`.

Presentation (zot/sdk/ui.py): `ctx.set_widget(id, text, placement, format, style, priority,
max_height)`, `ctx.remove_widget(id)`, `ctx.print_block(text, format, style, subtitle)`,
`ctx.overlay(title, text, actions) -> {action, index, cancelled}`, `@ext.tool_renderer(tool)`,
`@ext.editor(keys, render)` returning `ext.passthrough()`, `ext.consumed()`, `ext.remap(key)` or
`ext.submit(text)`, `ext.reset_editor()`, `ctx.editor_render(render)`, `ctx.set_editor_text(text)`.

This package uses the standard library only and imports in a few milliseconds: it must not import
litellm, prompt_toolkit, jinja2 or jsonschema (tests/sdk/test_import.py checks).
"""
from __future__ import annotations

from .context import Context, FileKV, Host, HostKV, KVError
from .extension import Extension
from .results import (
    Action, Answer, Decision, Image, Panel, ToolError, allow, block, change_result, display, error,
    image, insert, modify, noop, prompt, replace_text, summary, text,
)
from .session import HostError
from .ui import EditorAction, consumed, passthrough, remap, submit
from .wire import MAX_FRAME

__all__ = [
    "Action", "Answer", "Context", "Decision", "EditorAction", "Extension", "FileKV", "Host", "HostError",
    "HostKV", "Image", "KVError", "MAX_FRAME", "Panel", "ToolError", "allow", "block", "change_result",
    "display", "error", "image", "insert", "modify", "noop", "prompt", "replace_text", "summary", "text",
    "consumed", "passthrough", "remap", "submit",
]
