"""What a script's unsolicited frames do: registrations and the services zot offers.

`FrameHandlers` is the half of `ScriptExtension` that reads frames (the other half runs the
process). A frame `T` goes to `_on_T`; an unknown type is logged and ignored, so a script
written for a newer zot still runs. Registrations before `ready` are staged and come into
force together at `ready`; later ones come into force at once. Something a script may not
register is refused: logged, told to the user, and answered with an `error` frame. kv requests
are answered at once; UI requests and panels in the background, so the reader keeps reading.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from zot.ext.script import protocol
from zot.ext.script.adapters import EMPTY_PARAMS, ScriptCommand, ScriptTool, ScriptWidget
from zot.ext.script.eventmap import INTERCEPTS
from zot.ext.script.ui import Panel
from zot.ext.script.ui_frames import UIFrames   # presentation frames (styled widgets, blocks, renderers, editor)

TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")      # what model providers accept
COMMAND_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Registry:
    """What one script process registered."""

    tools: dict[str, ScriptTool] = field(default_factory=dict)
    commands: dict[str, ScriptCommand] = field(default_factory=dict)
    widgets: dict[str, ScriptWidget] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)
    intercepts: set[str] = field(default_factory=set)


class FrameHandlers(UIFrames):
    """Mixed into ScriptExtension, whose attributes (`reg`, `staging`, `guards`, `proc`, `host`,
    `kv`, `spec`, `status`, `_tasks`) and methods (`log`, `notify`, `send`) it uses."""

    def on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        handler = getattr(self, "_on_" + kind, None)
        if handler is None:
            self.log(f"a frame of unknown type `{kind}` was ignored")
            return
        handler(frame)

    @property
    def _target(self) -> Registry:
        """Registrations go to the staging registry until `ready`, then straight into force."""
        running = self.status == "running" and self.proc is not None and self.proc.state == "running"
        return self.reg if running else self.staging

    def _changed(self) -> None:
        if self._target is self.reg:
            self.host.publish(self)

    def _refuse(self, what: str) -> None:
        self.log(what)
        self.notify("warning", f"extension {self.name}: {what}")
        if self.proc is not None:
            self.proc.send({"type": "error", "message": what})

    # ---------------------------------------------------------------- registrations

    def _on_register_tool(self, frame: dict[str, Any]) -> None:
        name = protocol.text(frame, "name")
        schema = frame.get("schema") if frame.get("schema") is not None else frame.get("parameters")
        if not TOOL_NAME.match(name):
            return self._refuse(f"tool name `{name}` is not allowed: use letters, digits, _ and - (at most 64)")
        if schema is None:
            schema = dict(EMPTY_PARAMS)
        problem = _schema_problem(schema)
        if problem:
            return self._refuse(f"tool `{name}` was not registered: its schema {problem}")
        self._target.tools[name] = ScriptTool(self, name, protocol.text(frame, "description"), schema)
        self._changed()

    def _on_register_command(self, frame: dict[str, Any]) -> None:
        name = protocol.text(frame, "name").lstrip("/")
        if not COMMAND_NAME.match(name):
            return self._refuse(f"command name `{name}` is not allowed: use letters, digits, _ . and -")
        self._target.commands[name] = ScriptCommand(self, name, protocol.text(frame, "description"))
        self._changed()

    def _on_subscribe(self, frame: dict[str, Any]) -> None:
        target = self._target
        target.events.update(protocol.names(frame, "events"))
        for name in protocol.names(frame, "intercept"):
            if name in INTERCEPTS:
                target.intercepts.add(name)
            else:
                self._refuse(f"`{name}` cannot be intercepted (only {', '.join(INTERCEPTS)})")

    def _on_register_guard(self, frame: dict[str, Any]) -> None:
        from zot.ext.script.guards import compile_registered

        name, node = protocol.text(frame, "name"), frame.get("guard")
        rule, problems = compile_registered(self, name, node, self.host.tool_params())
        if rule is None:
            return self._refuse(f"guard `{name}` was not registered: " + "; ".join(problems))
        self.guards[name] = rule
        self.host.publish_guards(self)

    def _on_register_widget(self, frame: dict[str, Any]) -> None:
        name = protocol.text(frame, "name")
        if not name:
            return self._refuse("register_widget needs a `name`")
        self._target.widgets[name] = ScriptWidget(self, name, protocol.text(frame, "placement", "status"),
                                                  protocol.text(frame, "text"), self.spec.order)
        self._changed()

    def _on_widget_update(self, frame: dict[str, Any]) -> None:
        name = protocol.text(frame, "name")
        widget = self.reg.widgets.get(name) or self.staging.widgets.get(name)
        if widget is None:
            return self._refuse(f"widget_update for `{name}`, which was not registered")
        widget.last = protocol.text(frame, "text")
        self.host.widget_changed(widget)

    # ---------------------------------------------------------------- messages

    def _on_notify(self, frame: dict[str, Any]) -> None:
        level = protocol.NOTIFY_LEVELS.get(protocol.text(frame, "level", "info"), "info")
        self.notify(level, protocol.text(frame, "message"))

    def _on_error(self, frame: dict[str, Any]) -> None:
        message = protocol.text(frame, "message", "an error")
        self.log(f"the script reported: {message}")
        self.notify("warning", f"extension {self.name} reported an error: {message}")

    def _on_hello(self, frame: dict[str, Any]) -> None:
        self.log("a second hello was ignored")

    def _on_ready(self, frame: dict[str, Any]) -> None:
        self.log("a second ready was ignored")

    # ---------------------------------------------------------------- services: kv, ui, panels

    def _on_kv_get(self, frame: dict[str, Any]) -> None:
        if self.proc is not None:
            self.proc.send(self.kv.answer(frame))

    _on_kv_set = _on_kv_delete = _on_kv_list = _on_kv_get

    def _on_ui_request(self, frame: dict[str, Any]) -> None:
        self._spawn(self._answer_ui(frame, self.proc))

    def _on_open_panel(self, frame: dict[str, Any]) -> None:
        node = protocol.mapping(frame, "panel") or frame
        self._spawn(self.show_panel(Panel.from_frame(node, self.name)))

    def _on_panel_render(self, frame: dict[str, Any]) -> None:
        ui = self.host.ui
        if ui is not None:
            self._spawn(ui.update_panel(Panel.from_frame(frame, self.name)))

    def _on_panel_close(self, frame: dict[str, Any]) -> None:
        ui = self.host.ui
        if ui is not None:
            self._spawn(ui.close_panel(self.name, protocol.text(frame, "panel_id")))

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.log(f"a UI request failed: {task.exception()}")

    async def show_panel(self, panel: Panel) -> bool:
        """Open a panel in the UI; False (and a notice) when there is no UI."""
        ui = self.host.ui
        if ui is None:
            self.notify("info", f"extension {self.name} opened the panel “{panel.title or panel.id}”, "
                        "which needs the interactive UI")
            return False
        await ui.open_panel(panel, self._panel_key, self._panel_closed)
        return True

    def _panel_key(self, panel_id: str, key: str, text: str = "") -> None:
        self.send({"type": "panel_key", "panel_id": panel_id, "key": key, "text": text})

    def _panel_closed(self, panel_id: str) -> None:
        self.send({"type": "panel_close", "panel_id": panel_id})

    async def _answer_ui(self, frame: dict[str, Any], proc: Any) -> None:
        """`ui_request` -> `ui_response`. The intercept clock stops while the person thinks."""
        if proc is None:
            return
        reply: dict[str, Any] = {"type": "ui_response", "id": frame.get("id"), "value": None, "cancelled": True}
        ui = self.host.ui
        if ui is None or not getattr(ui, "can_ask", True):
            reply["no_ui"] = True           # cancelled because nobody can be asked, not by a person
        else:
            proc.holds += 1
            try:
                value = await _ask_ui(ui, self.name, frame)
                if value is not None:
                    reply.update(value=value, cancelled=False)
            except Exception as exc:  # a broken dialog is a cancel, never a hang
                self.log(f"the UI could not ask: {type(exc).__name__}: {exc}")
            finally:
                proc.holds -= 1
        proc.send(reply)


async def _ask_ui(ui, source: str, frame: dict[str, Any]) -> Any:
    kind = protocol.text(frame, "kind", "confirm")
    title, message = protocol.text(frame, "title"), protocol.text(frame, "message")
    if kind == "overlay":
        from zot.ext.script.ui_frames import ask_overlay

        return await ask_overlay(ui, source, frame)
    if kind == "select":
        options = [str(o) for o in frame.get("options") or [] if isinstance(o, (str, int, float))]
        default = frame.get("default")
        return await ui.select(source, title, message, options, None if default is None else str(default))
    if kind == "input":
        return await ui.input(source, title, message, protocol.text(frame, "placeholder"),
                              protocol.text(frame, "default"))
    return await ui.confirm(source, title, message, frame.get("default") is True)


def _schema_problem(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return "is not a JSON object"
    if schema.get("type", "object") != "object":
        return "must describe an object (`type: object`)"
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"is not a valid JSON Schema: {exc.message}"
    return None
