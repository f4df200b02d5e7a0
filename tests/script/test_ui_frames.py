"""Presentation frames (zot/ext/script/ui_frames.py) with real script processes, in-process host."""
from __future__ import annotations

import asyncio

from tests.script.conftest import FakeUI, of_type, received, run, session


class RichUI(FakeUI):
    """FakeUI plus what the REPL offers for presentation frames."""

    def __init__(self, answers=None) -> None:
        super().__init__(answers)
        self.editor = None
        self.events: list[tuple] = []
        self.changed = 0

    async def overlay(self, source, spec):
        self.asked.append(("overlay", source, spec["title"], spec["text"], spec["actions"]))
        return self.answers.pop(0) if self.answers else {"action": "", "index": -1, "cancelled": True}

    def set_editor(self, source, interceptor):
        self.editor = interceptor
        self.events.append(("set_editor", source))

    def reset_editor(self, source):
        self.events.append(("reset_editor", source))

    def editor_render(self, source, render):
        self.events.append(("render", source, render))

    def set_editor_text(self, source, text, cursor):
        self.events.append(("text", source, text, cursor))

    def widget_changed(self):
        self.changed += 1


WIDGETS = '''
hello()
send({"type": "register_command", "name": "board", "description": "widgets"})
send({"type": "set_widget", "id": "plan", "placement": "above", "text": "## Plan\\n- [ ] one",
      "format": "markdown", "style": {"border": "accent"}, "priority": 2, "max_height": 4})
send({"type": "ready"})
for f in frames():
    if f["type"] == "command_invoked":
        if f["args"] == "update":
            send({"type": "set_widget", "id": "plan", "placement": "above", "text": "two", "priority": 2})
        elif f["args"] == "remove":
            send({"type": "remove_widget", "id": "plan"})
        elif f["args"] == "bad":
            send({"type": "set_widget", "id": "x", "placement": "sideways", "text": "?"})
            send({"type": "set_widget", "id": "y", "text": "?", "style": {"border": "purplish"}})
        elif f["args"] == "block":
            send({"type": "print_block", "text": "**done**", "format": "markdown",
                  "style": {"border": "success"}, "subtitle": "deploy"})
        send({"type": "command_response", "id": f["id"], "action": "noop"})
'''


def test_widgets_are_set_updated_and_removed_by_id(scripts):
    folder = scripts("board", WIDGETS)
    ui = RichUI()

    async def main():
        async with session(folder, ui=ui) as s:
            engine = s.state.engine
            [widget] = engine.widgets
            assert (widget.qualified, widget.placement, widget.last, widget.format, widget.style, widget.priority,
                    widget.max_height) == ("board:plan", "above", "## Plan\n- [ ] one", "markdown",
                                           {"border": "accent"}, 2, 4)
            command = engine.commands.find("board")
            await command.invoke("update", s.state.cwd)
            await s.until(lambda: widget.last == "two")
            assert engine.widgets == [widget] and widget.format == "text" and ui.changed >= 1
            await command.invoke("remove", s.state.cwd)
            await s.until(lambda: engine.widgets == [])
            await command.invoke("bad", s.state.cwd)
            await s.until(lambda: len(of_type(received(folder), "error")) == 2)
            errors = [f["message"] for f in of_type(received(folder), "error")]
            assert errors == ["widget `x` was not set: `placement` must be one of header, above, below, status, "
                              "footer, not `sideways`",
                              "widget `y` was not set: `style.border`: `purplish` is not a colour: use a theme role "
                              "(text, muted, accent, heading, link, code, success, warning, error, info, panel, "
                              "status_fg, status_bg, status_dim, status_accent, menu_fg, menu_bg, selection_fg, "
                              "selection_bg) or a hex colour like `#a6e3a1` or `none`"]
            assert engine.widgets == []
    run(main())


def test_a_printed_block_reaches_the_bus_with_its_look(scripts):
    folder = scripts("board", WIDGETS)

    async def main():
        from zot.agent.bus import Bus

        events = []
        async with session(folder) as s:
            bus = Bus()
            bus.subscribe(events.append)
            s.host.attach(bus.notify)
            await s.state.engine.commands.find("board").invoke("block", s.state.cwd)
            await s.until(lambda: events)
        [notice] = events
        assert (notice.text, notice.source, notice.block) == (
            "**done**", "board", {"format": "markdown", "style": {"border": "success"}, "subtitle": "deploy"})
        assert notice.to_json()["block"]["subtitle"] == "deploy"
    run(main())


RENDERER = '''
import time
hello()
send({"type": "register_renderer", "tool": "read", "display_name": "Reader", "format": "markdown",
      "collapsed": 2, "colors": {"success": "accent"}})
send({"type": "register_renderer", "tool": "bad", "colors": {"success": "grean"}})
send({"type": "ready"})
for f in frames():
    if f["type"] == "render_request":
        if f["result"] == "slow":
            time.sleep(1.0)
        send({"type": "render_response", "id": f["id"], "header": f["args"]["path"] + "!",
              "body": "**" + f["result"] + "**"})
'''


def test_a_script_renderer_answers_render_requests_and_falls_back_on_timeout(scripts):
    folder = scripts("rend", RENDERER)

    async def main():
        async with session(folder) as s:
            renderers = s.state.engine.renderers
            assert set(renderers) == {"read"}
            read = renderers["read"]
            assert (read.display_name, read.format, read.collapsed, read.colors) == ("Reader", "markdown", 2,
                                                                                     {"success": "accent"})
            answer = await read.render({"path": "a.md"}, "hi", False, 80)
            assert answer == ("a.md!", "**hi**")
            started = asyncio.get_running_loop().time()
            assert await read.render({"path": "a.md"}, "slow", False, 80) == (None, None)
            assert asyncio.get_running_loop().time() - started < 0.9
            assert any("did not render a `read` result within 0.5s" in t for t in s.texts())
            request = of_type(received(folder), "render_request")[0]
            assert request == {"type": "render_request", "id": request["id"], "tool": "read",
                               "args": {"path": "a.md"}, "result": "hi", "is_error": False, "width": 80}
            errors = [f["message"] for f in of_type(received(folder), "error")]
            assert errors and errors[0].startswith("renderer for `bad` was not registered: `colors.success`")
    run(main())


def test_a_script_renderer_stands_in_for_a_manifest_one_until_the_script_stops(scripts):
    folder = scripts("rend", RENDERER, yaml='renderers:\n  read: {display_name: "From YAML"}\n')

    async def main():
        async with session(folder) as s:
            renderers = s.state.engine.renderers
            assert renderers["read"].display_name == "Reader"
            s.host.withdraw(s.ext("rend"))
            assert renderers["read"].display_name == "From YAML"
    run(main())


EDITOR = '''
hello()
send({"type": "register_command", "name": "vi", "description": "editor frames"})
send({"type": "set_editor", "keys": ["h", "i", "enter"], "render": {"mode": "NORMAL", "prompt": "N> "}})
send({"type": "ready"})
for f in frames():
    if f["type"] == "editor_key":
        k = f["key"]
        if k == "h":
            send({"type": "editor_key_response", "id": f["id"], "action": "remap", "key": "left"})
        elif k == "i":
            send({"type": "editor_key_response", "id": f["id"], "action": "consumed",
                  "render": {"mode": "INSERT"}})
        elif k == "enter":
            send({"type": "editor_key_response", "id": f["id"], "action": "submit", "text": f["text"] + "!"})
    elif f["type"] == "command_invoked":
        send({"type": "editor_render", "render": {"mode": "VISUAL"}})
        send({"type": "set_editor_text", "text": "abc", "cursor": 1})
        send({"type": "reset_editor"})
        send({"type": "command_response", "id": f["id"], "action": "noop"})
'''


def test_the_editor_interceptor_round_trip(scripts):
    folder = scripts("vi", EDITOR)
    ui = RichUI()

    async def main():
        async with session(folder, ui=ui) as s:
            editor = ui.editor
            assert ui.events == [("set_editor", "vi")]
            assert editor.wants("h") and not editor.wants("x") and editor.render == {"mode": "NORMAL", "prompt": "N> "}
            assert await editor.key("h", "hello", 5) == {"action": "remap", "key": "left"}
            assert await editor.key("i", "hello", 4) == {"action": "consumed"}
            assert editor.render == {"mode": "INSERT"}
            assert await editor.key("enter", "hello", 5) == {"action": "submit", "text": "hello!"}
            sent = of_type(received(folder), "editor_key")[0]
            assert sent == {"type": "editor_key", "id": sent["id"], "key": "h", "text": "hello", "cursor": 5}
            await s.state.engine.commands.find("vi").invoke("", s.state.cwd)
            await s.until(lambda: len(ui.events) == 4)
            assert ui.events[1:] == [("render", "vi", {"mode": "VISUAL"}), ("text", "vi", "abc", 1),
                                     ("reset_editor", "vi")]
            s.host.withdraw(s.ext("vi"))          # a stopped script never keeps the editor
            assert ui.events[-1] == ("reset_editor", "vi")
            await s.ext("vi").stop()             # and a key already on its way passes through
            assert await editor.key("h", "x", 1) == {"action": "passthrough"}
    run(main())


OVERLAY = '''
hello()
send({"type": "register_command", "name": "ov", "description": "overlay"})
send({"type": "ready"})
for f in frames():
    if f["type"] == "command_invoked":
        send({"type": "ui_request", "id": "q1", "kind": "overlay", "title": "Deploy", "text": "All **3** ready",
              "actions": ["Go", "Stop"], "width": 50, "style": {"border": "success"}})
        answer = recv()
        send({"type": "command_response", "id": f["id"], "action": "display", "display": json.dumps(answer)})
'''


def test_an_overlay_is_a_ui_request_answered_with_the_chosen_button(scripts):
    import json

    folder = scripts("ov", OVERLAY)
    ui = RichUI(answers=[{"action": "Stop", "index": 1, "cancelled": False}])

    async def main():
        async with session(folder, ui=ui) as s:
            outcome = await s.state.engine.commands.find("ov").invoke("", s.state.cwd)
            assert json.loads(outcome.text) == {"type": "ui_response", "id": "q1",
                                                "value": {"action": "Stop", "index": 1}, "cancelled": False}
            assert ui.asked == [("overlay", "ov", "Deploy", "All **3** ready", ["Go", "Stop"])]
            outcome = await s.state.engine.commands.find("ov").invoke("", s.state.cwd)
            assert json.loads(outcome.text)["cancelled"] is True
    run(main())


def test_without_a_ui_an_overlay_is_cancelled(scripts):
    import json

    folder = scripts("ov", OVERLAY)

    async def main():
        async with session(folder) as s:
            outcome = await s.state.engine.commands.find("ov").invoke("", s.state.cwd)
            assert json.loads(outcome.text)["cancelled"] is True
    run(main())
