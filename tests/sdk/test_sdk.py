"""zot.sdk through a real pipe: tests/sdk/scripts/kitchen.py driven by the fake host."""
from __future__ import annotations

import base64
import json
import time

import pytest


# ---------------------------------------------------------------- start-up


def test_handshake_sends_hello_registrations_subscribe_then_ready(spawn):
    host = spawn()
    assert host.hello == {
        "type": "hello", "name": "kitchen", "version": "2.0.0",
        "capabilities": ["commands", "tools", "events", "intercept", "panels", "ui", "kv", "ready",
                         "register_guard", "register_widget", "extra-cap"]}
    assert host.commands["say"] == {"type": "register_command", "name": "say",
                                    "description": "display the args"}
    assert host.commands["ask-model"]["description"] == "prompt the model"  # from the docstring
    assert "model-only" in host.commands  # added by a setup hook that read ctx.host.model
    assert host.tools["echo"]["schema"] == {"type": "object", "properties": {"text": {"type": "string"}}}
    assert host.tools["pixel"]["schema"] == {"type": "object", "properties": {}}
    assert host.subscribed == {"events": ["turn_end", "turn_start"],
                               "intercept": ["assistant_message", "tool_call", "turn_start"]}
    assert host.guards["no-force-push"]["guard"]["action"] == "deny"
    assert host.widgets["clock"] == {"type": "register_widget", "name": "clock",
                                     "placement": "status", "text": "ready"}
    kinds = [f["type"] for f in host.frames]
    assert kinds[0] == "hello"
    assert kinds.index("subscribe") == kinds.index("ready") - 1
    assert max(i for i, k in enumerate(kinds) if k.startswith("register_")) < kinds.index("subscribe")
    # the ready hook runs after ready
    assert host.expect("widget_update") == {"type": "widget_update", "name": "clock", "text": "started"}


def test_without_zots_additions_guards_and_widgets_are_skipped_and_logged(spawn):
    host = spawn(capabilities=[])
    assert host.guards == {} and host.widgets == {}
    assert host.invoke("widget", "x")["display"] == "not offered"
    assert not [f for f in host.quiet(0.2) if f["type"] == "widget_update"]
    assert host.stderr_has("zot does not offer register_guard; guard no-force-push skipped")


def test_shutdown_before_hello_ack(spawn):
    host = spawn(start=False)
    host.expect("hello")
    assert host.shutdown() == 0


def test_the_host_capabilities_reach_ctx_host(spawn):
    host = spawn(capabilities=["ui", "kv"])
    assert host.invoke("host")["display"] == "0.1.0-test|fake-model|1|kv,ui"


# ---------------------------------------------------------------- commands


@pytest.mark.parametrize("name, args, fields", [
    ("say", "hi there", {"action": "display", "display": "you said hi there"}),
    ("ask-model", "fix it", {"action": "prompt", "prompt": "Please fix it"}),
    ("put", "abc", {"action": "insert", "insert": "ABC"}),
    ("quiet", "", {"action": "noop"}),
    ("fail", "", {"action": "error", "error": "that did not work"}),
    ("crash", "", {"action": "error", "error": "/crash failed: ZeroDivisionError: division by zero"}),
    ("nope", "", {"action": "error", "error": "kitchen has no command 'nope'"}),
    ("/say", "slash", {"action": "display", "display": "you said slash"}),
    ("kitchen:say", "namespaced", {"action": "display", "display": "you said namespaced"}),
])
def test_command_actions(spawn, name, args, fields):
    host = spawn()
    reply = host.invoke(name, args)
    assert reply == dict({"type": "command_response", "id": reply["id"]}, **fields)


def test_a_bad_return_value_is_an_error_reply(spawn):
    reply = spawn().invoke("bad-return")
    assert reply["action"] == "error"
    assert "returned int" in reply["error"]


def test_noop_command_can_notify(spawn):
    host = spawn()
    host.invoke("quiet")
    assert host.expect("notify") == {"type": "notify", "level": "warn", "message": "done quietly"}


def test_a_crash_is_logged_with_its_traceback_and_the_script_lives_on(spawn):
    host = spawn()
    host.invoke("crash")
    assert host.stderr_has("Traceback") and host.stderr_has("ZeroDivisionError")
    assert host.invoke("say", "still here")["display"] == "you said still here"


def test_open_panel_as_the_command_action(spawn):
    reply = spawn().invoke("panel")
    assert reply["action"] == "open_panel"
    assert reply["open_panel"] == {"id": "p1", "title": "Panel one", "lines": ["a", "b"],
                                   "footer": "esc closes"}


def test_open_panel_not_returned_is_sent_as_a_frame(spawn):
    host = spawn()
    reply = host.invoke("panel-later")
    assert reply["display"] == "opened"
    assert host.expect("open_panel")["panel"] == {"id": "p2", "title": "Panel two", "lines": ["x"],
                                                  "footer": ""}
    kinds = [f["type"] for f in host.frames]
    assert kinds.index("open_panel") < kinds.index("command_response")


def test_print_and_child_output_go_to_stderr_not_the_protocol(spawn):
    host = spawn()
    assert host.invoke("print")["display"] == "printed"
    assert all(json.loads(line) for line in host.raw_lines)
    assert host.stderr_has("this goes to stderr, not the protocol")
    assert host.stderr_has("child output also goes to stderr")


def test_handlers_run_in_parallel_with_the_reader(spawn):
    host = spawn()
    slow_id = host.next_id()
    host.send({"type": "command_invoked", "id": slow_id, "name": "slow", "args": "1"})
    started = time.monotonic()
    assert host.invoke("say", "quick")["display"] == "you said quick"
    assert time.monotonic() - started < 0.8
    assert host.expect("command_response", id=slow_id)["display"] == "slow done"


# ---------------------------------------------------------------- tools


def test_tool_text(spawn):
    reply = spawn().call_tool("echo", {"text": "hi"})
    assert reply == {"type": "tool_result", "id": reply["id"],
                     "content": [{"type": "text", "text": "hi"}], "is_error": False}


def test_tool_arguments_sent_as_a_json_string(spawn):
    host = spawn()
    rid = host.next_id()
    host.send({"type": "tool_call", "id": rid, "name": "echo", "args": '{"text": "encoded"}'})
    assert host.expect("tool_result", id=rid)["content"] == [{"type": "text", "text": "encoded"}]


def test_tool_image_and_text(spawn):
    content = spawn().call_tool("pixel", {})["content"]
    assert content[0] == {"type": "image", "mime_type": "image/png",
                          "data": base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()}
    assert content[1] == {"type": "text", "text": "one pixel"}


def test_tool_json_value(spawn):
    reply = spawn().call_tool("json", {"values": [1, 2, 3]})
    assert reply["content"] == [{"type": "text", "text": '{\n  "sum": 6\n}'}]


@pytest.mark.parametrize("name, text", [
    ("refuse", "cannot do that"),
    ("explode", "tool explode failed: KeyError: 'boom'"),
    ("missing", "kitchen has no tool 'missing'"),
])
def test_tool_errors(spawn, name, text):
    reply = spawn().call_tool(name, {})
    assert (reply["content"], reply["is_error"]) == ([{"type": "text", "text": text}], True)


def test_a_result_over_the_frame_limit_becomes_an_error(spawn):
    host = spawn()
    reply = host.call_tool("huge", {})
    assert reply["is_error"] is True
    assert "over the 4194304 byte limit" in reply["content"][0]["text"]
    assert max(len(line) for line in host.raw_lines) < 4 * 1024 * 1024


# ---------------------------------------------------------------- events and intercepts


def test_observers_run_in_order_and_a_failing_one_is_only_logged(spawn):
    host = spawn()
    for step in (1, 2):
        host.event("turn_start", step=step)
        host.event("turn_end", step=step, stop="end_turn")
    seen = [host.expect("notify")["message"] for _ in range(4)]
    assert seen == ["seen turn_start 1", "seen turn_end 1", "seen turn_start 2", "seen turn_end 2"]
    assert host.stderr_has("turn_end observer failed") and host.stderr_has("observer bug")
    host.event("mystery_event")  # not subscribed: nothing happens
    assert host.invoke("say", "ok")["display"] == "you said ok"


@pytest.mark.parametrize("event, fields, expected", [
    ("tool_call", {"tool_name": "bash", "tool_args": {"command": "rm -rf x"}},
     {"block": True, "reason": "no rm here"}),
    # two intercepts chained: the second sees what the first modified
    ("tool_call", {"tool_name": "bash", "tool_args": {"command": "ls"}},
     {"block": False, "modified_args": {"command": "ls -la --color=never"}}),
    ("tool_call", {"tool_name": "bash", "tool_args": '{"command": "ls"}'},
     {"block": False, "modified_args": {"command": "ls -la --color=never"}}),
    ("tool_call", {"tool_name": "bash", "tool_args": {"command": "echo"}}, {"block": False}),
    # a failing intercept blocks unless it asked otherwise (on_error="allow")
    ("tool_call", {"tool_name": "bash", "tool_args": {"command": "crash"}},
     {"block": True, "reason": "tool_call intercept failed: RuntimeError: intercept bug"}),
    ("tool_call", {"tool_name": "bash", "tool_args": {"command": "wrong-type"}},
     {"block": True, "reason": "tool_call intercept failed: TypeError: an intercept handler returned int; return "
                               "ext.block(reason), ext.modify(args), ext.replace_text(text) or None"}),
    ("assistant_message", {"text": "hello"}, {"block": False, "replace_text": "HELLO"}),
    ("assistant_message", {"text": "lenient"}, {"block": False, "replace_text": "LENIENT"}),
    ("turn_start", {"step": 1}, {"block": False}),
    ("turn_start", {"step": 99},
     {"block": True, "reason": "turn_start intercept failed: RuntimeError: strict bug"}),
    ("input", {"text": "not subscribed"}, {"block": False}),
])
def test_intercepts(spawn, event, fields, expected):
    reply = spawn().intercept(event, **fields)
    assert reply == dict({"type": "event_intercept_response", "id": reply["id"]}, **expected)


# ---------------------------------------------------------------- panels


def test_panel_keys_render_close_and_report_errors(spawn):
    host = spawn()
    host.invoke("panel")
    host.key("p1", "down")
    assert host.expect("panel_render") == {"type": "panel_render", "panel_id": "p1",
                                           "title": "Panel one", "lines": ["pressed down"],
                                           "footer": "esc closes"}
    host.key("p1", "boom")
    note = host.expect("notify")
    assert note["level"] == "error" and "key bug" in note["message"]
    host.key("p1", "esc")
    assert host.expect("panel_close") == {"type": "panel_close", "panel_id": "p1"}
    host.key("other", "x")  # the catch-all handler returns a Panel: it is rendered
    assert host.expect("panel_render", panel_id="other")["lines"] == ["x"]


def test_keys_of_one_panel_are_handled_in_order(spawn):
    host = spawn()
    host.invoke("panel")
    for key in "abcdefghij":
        host.key("p1", key)
    lines = [host.expect("panel_render")["lines"][0] for _ in range(10)]
    assert lines == [f"pressed {k}" for k in "abcdefghij"]


def test_the_user_closing_a_panel(spawn):
    host = spawn()
    host.send({"type": "panel_close", "panel_id": "p1"})
    assert host.expect("notify")["message"] == "p1 closed by the user"


# ---------------------------------------------------------------- UI requests


def test_confirm_select_input_round_trips(spawn):
    host = spawn()
    rid = host.next_id()
    host.send({"type": "command_invoked", "id": rid, "name": "confirm", "args": "really?"})
    req = host.expect("ui_request")
    assert {k: req[k] for k in ("kind", "title", "message", "default")} == \
        {"kind": "confirm", "title": "Sure?", "message": "really?", "default": True}
    # the reader keeps going while a handler waits for the user
    assert host.invoke("say", "meanwhile")["display"] == "you said meanwhile"
    host.send({"type": "ui_response", "id": req["id"], "value": True})
    assert host.expect("command_response", id=rid)["display"] == "yes"

    rid = host.next_id()
    host.send({"type": "command_invoked", "id": rid, "name": "select", "args": "red green blue"})
    req = host.answer_ui("green")
    assert (req["kind"], req["options"]) == ("select", ["red", "green", "blue"])
    assert host.expect("command_response", id=rid)["display"] == "'green'"

    rid = host.next_id()
    host.send({"type": "command_invoked", "id": rid, "name": "input", "args": "your name"})
    req = host.answer_ui(cancelled=True)
    assert (req["kind"], req["placeholder"]) == ("input", "your name")
    assert host.expect("command_response", id=rid)["display"] == "None"

    rid = host.next_id()
    host.send({"type": "command_invoked", "id": rid, "name": "confirm", "args": ""})
    host.answer_ui(None, cancelled=True)
    assert host.expect("command_response", id=rid)["display"] == "no"


def test_without_ui_questions_answer_at_once(spawn):
    host = spawn(capabilities=["kv"])
    started = time.monotonic()
    assert host.invoke("confirm", "x", timeout=3)["display"] == "no"
    assert host.invoke("select", "a b", timeout=3)["display"] == "None"
    assert host.invoke("input", "x", timeout=3)["display"] == "None"
    assert time.monotonic() - started < 3
    assert not [f for f in host.frames if f["type"] == "ui_request"]
    assert host.stderr_has("zot does not offer ui")


def test_a_ui_answer_with_an_unknown_id_is_ignored(spawn):
    host = spawn()
    host.send({"type": "ui_response", "id": "nobody", "value": "x"})
    assert host.invoke("say", "fine")["display"] == "you said fine"


# ---------------------------------------------------------------- kv


def test_kv_through_the_host(spawn, tmp_path):
    host = spawn(capabilities=["kv"])
    assert host.invoke("kv", "set a [1, 2]")["display"] == "ok"
    assert host.kv == {"a": [1, 2]}
    assert host.invoke("kv", "set b {'x': None}")["display"] == "ok"
    assert host.invoke("kv", "get a")["display"] == "[1, 2]"
    assert host.invoke("kv", "list ")["display"] == "['a', 'b']"
    assert host.invoke("kv", "del a")["display"] == "ok"
    assert host.invoke("kv", "get a")["display"] == "'<none>'"
    assert [f["type"] for f in host.kv_log] == ["kv_set", "kv_set", "kv_get", "kv_list",
                                                "kv_delete", "kv_get"]
    reply = host.invoke("kv", "bad k")
    assert reply["action"] == "error" and "kv values must be JSON" in reply["error"]
    assert not (tmp_path / "data" / "kv.json").exists()


def test_kv_falls_back_to_a_file_in_the_data_dir(spawn, tmp_path):
    host = spawn(capabilities=["ui"])
    assert host.invoke("kv", "set note 'hi'")["display"] == "ok"
    assert host.invoke("kv", "set n/1 1")["display"] == "ok"
    assert host.invoke("kv", "list n/")["display"] == "['n/1']"
    assert json.loads((tmp_path / "data" / "kv.json").read_text()) == {"n/1": 1, "note": "hi"}
    assert host.invoke("kv", "del note")["display"] == "ok"
    assert host.kv_log == []
    assert host.shutdown() == 0
    again = spawn(capabilities=[])
    assert again.invoke("kv", "get n/1")["display"] == "1"


def test_the_data_dir_defaults_to_zot_home(spawn, isolated_home):
    host = spawn(capabilities=[], data_dir=None)
    assert host.invoke("env-data-dir")["display"] == str(isolated_home / ".zot" / "data" / "kitchen")


# ---------------------------------------------------------------- widgets


def test_widget_update(spawn):
    host = spawn()
    host.expect("widget_update")  # from the ready hook
    assert host.invoke("widget", "12:00")["display"] == "sent"
    assert host.expect("widget_update") == {"type": "widget_update", "name": "clock", "text": "12:00"}


# ---------------------------------------------------------------- robustness and the end


def test_bad_frames_are_reported_and_skipped(spawn):
    host = spawn()
    host.send_raw(b"this is not json\n")
    assert "not JSON" in host.expect("error")["message"]
    host.send_raw(b'["no", "type"]\n\n')
    assert "no type" in host.expect("error")["message"]
    host.send({"type": "mystery", "id": "1"})
    host.send({"type": "error", "message": "zot had a problem"})
    assert host.invoke("say", "alive")["display"] == "you said alive"
    assert host.stderr_has("ignoring mystery frames")
    assert host.stderr_has("zot reported: zot had a problem")


def test_an_oversized_line_is_skipped(spawn):
    host = spawn()
    host.send_raw(b'{"type": "command_invoked", "id": "big", "name": "say", "args": "'
                  + b"x" * (4 * 1024 * 1024 + 10) + b'"}\n')
    assert "over 4194304 bytes was skipped" in host.expect("error")["message"]
    assert host.invoke("say", "after")["display"] == "you said after"
    assert not [f for f in host.frames if f.get("id") == "big"]


def test_shutdown_acks_runs_the_hook_and_exits_0(spawn, tmp_path):
    host = spawn()
    assert host.shutdown() == 0
    assert (tmp_path / "data" / "shutdown.txt").read_text() == "bye"


def test_shutdown_releases_a_handler_waiting_for_the_user(spawn):
    host = spawn()
    host.send({"type": "tool_call", "id": "w", "name": "wait-ui", "args": {}})
    host.expect("ui_request")
    started = time.monotonic()
    assert host.shutdown() == 0
    assert time.monotonic() - started < 2


def test_end_of_input_exits_0(spawn, tmp_path):
    host = spawn()
    assert host.close_stdin() == 0
    assert (tmp_path / "data" / "shutdown.txt").read_text() == "bye"


def test_end_of_input_before_hello_ack(spawn):
    host = spawn(start=False)
    host.expect("hello")
    assert host.close_stdin() == 0
