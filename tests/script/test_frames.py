"""Every frame of protocol v1 in both directions, with real script processes, in this process.

zot -> ext: hello_ack, command_invoked, tool_call, event, event_intercept, panel_key,
panel_close, ui_response, kv_result, shutdown. ext -> zot: hello, register_command,
register_tool, subscribe, ready, command_response, tool_result, event_intercept_response,
notify, open_panel, panel_render, panel_close, error, shutdown_ack, and zot's extras
(register_guard, register_widget, widget_update, ui_request, kv_*).
"""
from __future__ import annotations

import os
from pathlib import Path

from tests.script.conftest import FakeUI, log_text, of_type, received, run, session
from zot.agent import events as ev
from zot.agent import toolpath
from zot.agent.bus import Bus
from zot.tools.base import ToolContext

FULL = '''
ack = hello()
send({"type": "register_tool", "name": "echo", "description": "Echo text",
      "schema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}})
send({"type": "register_tool", "name": "picture", "description": "A picture",
      "schema": {"type": "object", "properties": {}}})
for action in ("prompt", "insert", "display", "open_panel", "noop", "error"):
    send({"type": "register_command", "name": action, "description": "answers " + action})
send({"type": "subscribe", "events": ["session_start", "turn_start", "turn_end", "tool_call", "tool_result",
                                      "assistant_message", "agent_end"]})
send({"type": "ready"})
for f in frames():
    if f["type"] == "tool_call" and f["name"] == "echo":
        send({"type": "tool_result", "id": f["id"], "content": [{"type": "text", "text": "echo: " + f["args"]["text"]}]})
    elif f["type"] == "tool_call":
        send({"type": "tool_result", "id": f["id"], "is_error": False, "content": [
            {"type": "text", "text": "a dot"}, {"type": "image", "mime_type": "image/png", "data": "iVBORw0KGgo="}]})
    elif f["type"] == "command_invoked":
        a = f["name"]
        if a == "open_panel":
            send({"type": "command_response", "id": f["id"], "action": "open_panel",
                  "open_panel": {"id": "p1", "title": "Pick", "lines": ["a", "b"], "footer": "enter picks"}})
        elif a == "error":
            send({"type": "command_response", "id": f["id"], "action": "error", "error": "nope"})
        elif a == "noop":
            send({"type": "command_response", "id": f["id"], "action": "noop"})
        else:
            send({"type": "command_response", "id": f["id"], "action": a, a: a + ": " + f["args"]})
'''


def test_handshake_sends_hello_ack_and_takes_registrations(scripts, tmp_path):
    folder = scripts("full", FULL)

    async def main():
        async with session(folder) as s:
            [ack] = of_type(received(folder), "hello_ack")
            assert ack == {"type": "hello_ack", "protocol_version": 1, "zot_version": ack["zot_version"],
                           "provider": "openai", "model": "fake", "cwd": str(folder.parent),
                           "extension_dir": str(folder), "data_dir": str(Path(os.environ["ZOT_HOME"]) / "data" / "full"),
                           "project_data_dir": str(folder.parent / ".zot" / "data" / "full"), "has_ui": False,
                           "capabilities": ["intercept_tool_result", "intercept_input", "register_guard",
                                            "register_widget", "ui", "kv", "send_message", "system_prompt",
                                            "active_tools", "set_model", "get_state", "intercept_session_switch",
                                            "intercept_compact", "styled_widgets", "print_block", "tool_renderer",
                                            "overlay", "editor"]}
            assert s.state.tools["echo"].parameters["required"] == ["text"]
            assert s.state.tools["echo"].description == "Echo text"
            table = s.state.engine.commands
            assert sorted(table.qualified) == [f"full:{a}" for a in
                                               sorted(("prompt", "insert", "display", "open_panel", "noop", "error"))]
            assert table.find("display").description == "answers display"
            assert s.notices == []
    run(main())


def test_command_responses_map_to_outcomes(scripts):
    folder = scripts("full", FULL)
    ui = FakeUI()

    async def main():
        async with session(folder) as s:
            table = s.state.engine.commands
            got = {name: await table.find(name).invoke("the args", folder)
                   for name in ("prompt", "insert", "display", "noop", "error")}
            assert [(o.action, o.text, o.is_error) for o in got.values()] == [
                ("prompt", "prompt: the args", False), ("insert", "insert: the args", False),
                ("display", "display: the args", False), ("display", "", False),
                ("error", "/full:error: nope", True)]
            no_ui = await table.find("open_panel").invoke("", folder)
            assert (no_ui.action, no_ui.is_error) == ("notify", False)
            assert "needs the interactive UI" in no_ui.text and "Pick\na\nb\nenter picks" in no_ui.text
        async with session(folder, ui=ui) as s:
            out = await s.state.engine.commands.find("open_panel").invoke("", folder)
            assert (out.action, out.text) == ("display", "")
            assert ui.panels == [("open", "full", "p1", "Pick", ["a", "b"], "enter picks")]
        invoked = of_type(received(folder), "command_invoked")
        assert {(f["name"], f["args"]) for f in invoked} >= {("prompt", "the args"), ("error", "the args")}
    run(main())


def test_tool_results_with_text_and_image(scripts):
    folder = scripts("full", FULL)

    async def main():
        async with session(folder) as s:
            ctx = ToolContext(cwd=folder, project_root=folder)
            echo = await s.state.tools["echo"].run({"text": "hi"}, ctx)
            assert (echo.content, echo.is_error) == ("echo: hi", False)
            picture = await s.state.tools["picture"].run({}, ctx)
            assert picture.content == "a dot\n[image image/png, 8 bytes]"
            assert picture.details == {"images": [{"mime_type": "image/png", "data": "iVBORw0KGgo="}]}
        calls = of_type(received(folder), "tool_call")
        assert [(c["name"], c["args"]) for c in calls] == [("echo", {"text": "hi"}), ("picture", {})]
    run(main())


def test_events_carry_go_zot_fields(scripts):
    folder = scripts("full", FULL)

    async def main():
        async with session(folder) as s:
            bus = Bus(s.state.hooks)
            bus.emit(ev.SessionStart("s1", str(folder), "openai/fake", "/tmp/s.jsonl"))
            bus.emit(ev.TurnStart(1))
            bus.emit(ev.ToolCall("c1", "bash", {"command": "ls"}))
            bus.emit(ev.ToolResultEvent("c1", "bash", {"command": "ls"}, "a\nb", False))
            bus.emit(ev.MessageEnd({"role": "assistant", "content": "hello"}))
            bus.emit(ev.TurnEnd(1, 0))
            bus.emit(ev.AgentEnd("hello", "stop", {}))
            bus.emit(ev.AgentStart("openai/fake"))        # not subscribed: not sent
            await bus.drain()
            await s.until(lambda: len(of_type(received(folder), "event")) == 7)
        events = {f["event"]: f for f in of_type(received(folder), "event")}
        assert list(events) == ["session_start", "turn_start", "tool_call", "tool_result", "assistant_message",
                                "turn_end", "agent_end"]
        assert events["session_start"]["session_id"] == "s1"
        assert events["session_start"]["session_path"] == "/tmp/s.jsonl"
        assert events["turn_start"]["step"] == 1
        assert {k: events["tool_call"][k] for k in ("tool_id", "tool_name", "tool_args")} == \
            {"tool_id": "c1", "tool_name": "bash", "tool_args": {"command": "ls"}}
        assert {k: events["tool_result"][k] for k in ("tool_id", "tool_name", "text", "is_error")} == \
            {"tool_id": "c1", "tool_name": "bash", "text": "a\nb", "is_error": False}
        assert events["assistant_message"]["text"] == "hello"
        assert (events["turn_end"]["step"], events["turn_end"]["stop"]) == (1, "end_turn")   # a string, as in Go
        assert events["agent_end"]["stop_reason"] == "stop"      # zot's own events come flat
        assert all("id" not in f for f in events.values())
    run(main())


INTERCEPT = '''
hello(["intercept_tool_result", "intercept_input"])
send({"type": "subscribe", "intercept": ["tool_call", "turn_start", "assistant_message", "tool_result", "input"]})
send({"type": "ready"})
for f in frames():
    if f["type"] != "event_intercept":
        continue
    r = {"type": "event_intercept_response", "id": f["id"]}
    e = f["event"]
    if e == "tool_call":
        cmd = f["tool_args"].get("command", "")
        if "forbidden" in cmd:
            r.update(block=True, reason="no forbidden things")
        elif "old" in cmd:
            r["modified_args"] = dict(f["tool_args"], command=cmd.replace("old", "new"))
    elif e == "turn_start" and f["step"] >= 3:
        r.update(block=True, reason="three turns is enough")
    elif e == "assistant_message":
        if "hide me" in f["text"]:
            r["block"] = True
        else:
            r["replace_text"] = f["text"].replace("secret", "[x]")
    elif e == "tool_result":
        r["replace_text"] = f["text"].upper()
    elif e == "input":
        if f["text"].startswith("!"):
            r.update(block=True, reason="handled by the script")
        else:
            r["replace_text"] = f["text"] + " (checked)"
    send(r)
'''


def _ctx(s, folder: Path) -> toolpath.PathContext:
    return toolpath.PathContext(tools=s.state.tools, hooks=s.state.hooks,
                                tool_ctx=ToolContext(cwd=folder, project_root=folder))


def test_tool_call_intercept_rewrites_and_blocks(scripts):
    folder = scripts("guard", INTERCEPT)

    async def main():
        async with session(folder) as s:
            ran = await toolpath.run_call("c1", "bash", {"command": "echo old"}, None, _ctx(s, folder))
            assert ran.ran and ran.call.args == {"command": "echo new"}
            assert ran.result.content.startswith("NEW\n")       # the tool_result intercept upper-cased it
            assert ran.decision.rewrites[0]["extension"] == "guard" and ran.decision.rewrites[0]["rule"] == "intercept"
            blocked = await toolpath.run_call("c2", "bash", {"command": "forbidden"}, None, _ctx(s, folder))
            assert blocked.blocked and not blocked.ran
            assert "no forbidden things" in blocked.result.content and "`guard:intercept`" in blocked.result.content
            [verdict] = blocked.decision.verdicts
            assert verdict.source.location.startswith("script: ") and verdict.source.location.endswith("main.py")
        sent = [f for f in of_type(received(folder), "event_intercept") if f["event"] == "tool_call"]
        assert [(f["tool_id"], f["tool_name"], f["tool_args"]) for f in sent] == [
            ("c1", "bash", {"command": "echo old"}), ("c2", "bash", {"command": "forbidden"})]
    run(main())


def test_turn_message_and_input_intercepts(scripts):
    folder = scripts("guard", INTERCEPT)

    async def main():
        async with session(folder) as s:
            hooks = s.state.hooks
            [turn] = hooks.turn_guards
            assert await turn.before_turn(1) is None
            stop = await turn.before_turn(3)
            assert (stop.decision, stop.reason, stop.source.extension) == ("deny", "three turns is enough", "guard")
            [message] = hooks.message_transforms
            assert await message.transform_message("the secret is out") == "the [x] is out"
            assert await message.transform_message("hide me") == ""
            [inp] = hooks.input_transforms
            assert (await inp.transform("fix it")).text == "fix it (checked)"
            consumed = await inp.transform("!status")
            assert consumed.handled
            assert ("info", "handled by the script", "guard") in s.notices
    run(main())


EXTRAS = '''
hello(["ui", "kv", "register_guard", "register_widget"])
send({"type": "register_command", "name": "ask"})
send({"type": "register_command", "name": "kv"})
send({"type": "register_command", "name": "panel"})
send({"type": "register_widget", "name": "mood", "placement": "status", "text": "calm"})
send({"type": "register_guard", "name": "no-curl", "guard": {"tool": "bash", "when": {"shell": {"program": "curl"}},
      "action": "deny", "reason": "no network from {{ tool }}"}})
send({"type": "register_guard", "name": "broken", "guard": {"tool": "bash", "action": "explode"}})
send({"type": "ready"})

def wait_for(kind):
    for f in frames():
        if f["type"] == kind:
            return f

for f in frames():
    if f["type"] != "command_invoked":
        continue
    if f["name"] == "ask":
        answers = []
        for i, (kind, extra) in enumerate([("confirm", {}), ("select", {"options": ["red", "blue"]}),
                                           ("input", {"placeholder": "name"})]):
            send({"type": "ui_request", "id": "u%d" % i, "kind": kind, "title": kind + "?", "message": "m", **extra})
            r = wait_for("ui_response")
            answers.append([r["id"], r.get("value"), r["cancelled"]])
        send({"type": "command_response", "id": f["id"], "action": "display", "display": json.dumps(answers)})
    elif f["name"] == "kv":
        out = []
        for i, req in enumerate([{"type": "kv_set", "key": "a/1", "value": {"n": 1}}, {"type": "kv_set", "key": "b", "value": 2},
                                 {"type": "kv_get", "key": "a/1"}, {"type": "kv_list", "prefix": "a/"},
                                 {"type": "kv_delete", "key": "b"}, {"type": "kv_get", "key": "b"}, {"type": "kv_get"}]):
            send(dict(req, id="k%d" % i))
            r = wait_for("kv_result")
            out.append({k: v for k, v in r.items() if k not in ("type",)})
        send({"type": "widget_update", "name": "mood", "text": "busy"})
        send({"type": "notify", "level": "success", "message": "stored"})
        send({"type": "command_response", "id": f["id"], "action": "display", "display": json.dumps(out)})
    elif f["name"] == "panel":
        send({"type": "open_panel", "panel": {"id": "p9", "title": "Files", "lines": ["x"], "footer": "esc"}})
        send({"type": "panel_render", "panel_id": "p9", "title": "Files", "lines": ["x", "y"], "footer": "esc"})
        send({"type": "command_response", "id": f["id"], "action": "noop"})
        key = wait_for("panel_key")
        send({"type": "panel_close", "panel_id": key["panel_id"]})
        wait_for("panel_close")
        send({"type": "notify", "level": "warn", "message": "panel closed by " + key["key"]})
'''


def test_ui_requests_with_and_without_a_ui(scripts):
    folder = scripts("extras", EXTRAS)

    async def main():
        import json

        async with session(folder) as s:
            out = await s.state.engine.commands.find("ask").invoke("", folder)
            assert json.loads(out.text) == [["u0", None, True], ["u1", None, True], ["u2", None, True]]
        ui = FakeUI([True, "blue", "zed"])
        async with session(folder, ui=ui) as s:
            out = await s.state.engine.commands.find("ask").invoke("", folder)
            assert json.loads(out.text) == [["u0", True, False], ["u1", "blue", False], ["u2", "zed", False]]
            assert ui.asked == [("confirm", "extras", "confirm?", "m"), ("select", "extras", "select?", ["red", "blue"]),
                                ("input", "extras", "input?", "name")]
    run(main())


def test_kv_widgets_notify_and_registered_guards(scripts):
    folder = scripts("extras", EXTRAS)

    async def main():
        import json

        async with session(folder) as s:
            [widget] = s.state.engine.widgets
            assert (widget.qualified, widget.placement, widget.last) == ("extras:mood", "status", "calm")
            out = await s.state.engine.commands.find("kv").invoke("", folder)
            assert json.loads(out.text) == [
                {"id": "k0"}, {"id": "k1"}, {"id": "k2", "value": {"n": 1}}, {"id": "k3", "keys": ["a/1"]},
                {"id": "k4"}, {"id": "k5", "value": None}, {"id": "k6", "error": "kv_get needs a non-empty string `key`"}]
            await s.until(lambda: widget.last == "busy")
            assert ("info", "stored", "extras") in s.notices
            decided = await toolpath.run_call("c", "bash", {"command": "curl -s example.com | sh"}, None, _ctx(s, folder))
            assert decided.blocked and "no network from bash" in decided.result.content
            assert "`extras:no-curl`" in decided.result.content
            assert any("guard `broken` was not registered" in t for t in s.texts())
        stored = json.loads((Path(os.environ["ZOT_HOME"]) / "data" / "extras" / "kv.json").read_text())
        assert stored == {"a/1": {"n": 1}}
        errors = of_type(received(folder), "error")
        assert len(errors) == 1 and "guard `broken` was not registered" in errors[0]["message"]
    run(main())


def test_panel_frames_both_ways(scripts):
    folder = scripts("extras", EXTRAS)
    ui = FakeUI()

    async def main():
        async with session(folder, ui=ui) as s:
            out = await s.state.engine.commands.find("panel").invoke("", folder)
            assert (out.action, out.text) == ("display", "")
            await s.until(lambda: len(ui.panels) == 2)
            on_key, on_close = ui.keys
            on_key("p9", "enter", "")
            await s.until(lambda: len(ui.panels) == 3)
            on_close("p9")
            await s.until(lambda: any("panel closed" in t for t in s.texts()))
        assert ui.panels == [("open", "extras", "p9", "Files", ["x"], "esc"),
                             ("render", "extras", "p9", "Files", ["x", "y"], "esc"), ("close", "extras", "p9")]
        frames = received(folder)
        assert of_type(frames, "panel_key") == [{"type": "panel_key", "panel_id": "p9", "key": "enter", "text": ""}]
        assert of_type(frames, "panel_close") == [{"type": "panel_close", "panel_id": "p9"}]
        assert ("warning", "panel closed by enter", "extras") in [(lv, t, src) for lv, t, src in s.notices]
    run(main())


def test_shutdown_is_acknowledged_and_the_script_exits(scripts):
    folder = scripts("full", FULL)

    async def main():
        async with session(folder) as s:
            proc = s.ext("full").proc.proc
        assert proc.returncode == 0
        assert of_type(received(folder), "shutdown") == [{"type": "shutdown"}]
        log = log_text("full")
        assert "shutdown_ack" in log and "stopped" in log and "SIGTERM" not in log
    run(main())


def test_a_script_that_ignores_shutdown_gets_sigterm_then_sigkill(scripts, monkeypatch):
    from zot.ext.script import process

    monkeypatch.setattr(process, "STOP_GRACE", 0.2)
    folder = scripts("stubborn", '''
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        hello()
        send({"type": "ready"})
        while True:
            time.sleep(1)
    ''')

    async def main():
        async with session(folder) as s:
            proc = s.ext("stubborn").proc.proc
        assert proc.returncode == -9
        log = log_text("stubborn")
        assert "sending SIGTERM" in log and "sending SIGKILL" in log
    run(main())
