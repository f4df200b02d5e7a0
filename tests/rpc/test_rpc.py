"""`zot rpc` over pipes: every command, every event (with the Go zot's field names and types), a
guard's deny and confirm, abort, a queued prompt, malformed input, the token, EOF and a crashing
script. The model is the local fake server; nothing needs a key or the internet."""
from __future__ import annotations

import json
import time

from tests.fakellm import call, stall, text, tool_calls, usage
from tests.rpc.conftest import types
from tests.script.conftest import received, write_script

GO_EVENTS = {"turn_start", "user_message", "assistant_start", "text_delta", "tool_call", "tool_progress",
             "tool_result", "assistant_message", "usage", "turn_end", "done", "error", "compact_done"}
USAGE_KEYS = {"input", "output", "reasoning", "cache_read", "cache_write", "cost_usd"}
TEXT_BLOCK = {"type", "text"}

# the fields of each Go event, as the Go zot writes them (docs/rpc.md, its modes/json.go)
FIELDS = {
    "turn_start": {"step": int}, "user_message": {"content": list, "time": str}, "assistant_start": {},
    "text_delta": {"delta": str}, "tool_call": {"id": str, "name": str, "args": dict},
    "tool_result": {"id": str, "is_error": bool, "content": list},
    "assistant_message": {"content": list, "time": str}, "turn_end": {"stop": str}, "done": {},
}


def go_events(frames):
    return [f for f in frames if f["type"] in GO_EVENTS]


def check_fields(frame):
    """Exactly the Go zot's fields, with its types."""
    kind = frame["type"]
    if kind == "usage":
        assert set(frame) == {"type", "cumulative", *USAGE_KEYS}, frame
        for part in (frame, frame["cumulative"]):
            assert set(part) >= USAGE_KEYS
            assert all(isinstance(part[k], int) for k in ("input", "output", "cache_read", "cache_write"))
            assert isinstance(part["cost_usd"], float) and part["reasoning"] is None
        return
    expected = FIELDS[kind]
    assert set(frame) == {"type", *expected}, frame
    for key, kind_of in expected.items():
        assert isinstance(frame[key], kind_of), (key, frame)


def test_a_two_turn_task_streams_the_go_zot_events_and_every_command_answers(rpc):
    (rpc.project / "a.txt").write_text("alpha\n")
    client = rpc(replies=[tool_calls([call("read", {"path": "a.txt"}, id="r1")], usage=usage(20, 4)),
                          text("It says alpha.", chunks=3, usage=usage(30, 5)), text("yes"),
                          text("Summary: the user read a.txt, which says alpha."), text("still here")])
    client.send(id="h", type="hello")
    hello = client.response("h")
    assert hello["success"] is True and hello["command"] == "hello"
    assert hello["data"]["protocol_version"] == 1
    assert (hello["data"]["provider"], hello["data"]["model"]) == ("openai", "fake")
    assert isinstance(hello["data"]["version"], str)

    client.send(id="1", type="prompt", message="read a.txt")
    frames = client.until("done")
    assert frames[0] == {"type": "response", "command": "prompt", "success": True, "id": "1",
                         "data": {"started": True}}
    events = go_events(frames)
    kinds = types(events)
    deltas = kinds.count("text_delta")
    assert deltas >= 2
    assert kinds == ["user_message", "turn_start", "assistant_start", "usage", "assistant_message", "tool_call",
                     "turn_end", "tool_result", "turn_start", "assistant_start", *["text_delta"] * deltas, "usage",
                     "assistant_message", "turn_end", "done"]
    for event in events:
        check_fields(event)
    by_type = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event)
    assert by_type["user_message"][0]["content"] == [{"type": "text", "text": "read a.txt"}]
    assert [e["step"] for e in by_type["turn_start"]] == [1, 2]
    assert [e["stop"] for e in by_type["turn_end"]] == ["tool_use", "end_turn"]
    assert by_type["tool_call"] == [{"type": "tool_call", "id": "r1", "name": "read", "args": {"path": "a.txt"}}]
    assert by_type["tool_result"] == [{"type": "tool_result", "id": "r1", "is_error": False,
                                       "content": [{"type": "text", "text": "alpha"}]}]
    assert by_type["assistant_message"][0]["content"] == [
        {"type": "tool_call", "id": "r1", "name": "read", "args": {"path": "a.txt"}}]
    assert by_type["assistant_message"][1]["content"] == [{"type": "text", "text": "It says alpha."}]
    assert "".join(e["delta"] for e in by_type["text_delta"]) == "It says alpha."
    first, second = by_type["usage"]
    assert (first["input"], first["output"], second["cumulative"]["input"], second["cumulative"]["output"]) == \
        (20, 4, 50, 9)
    # zot's own events come along under names a Go client does not know
    assert {"session_start", "tool_execution_start", "tool_execution_end", "agent_end"} <= set(types(frames))

    client.send(id="s", type="get_state")
    state = client.response("s")["data"]
    assert {k: state[k] for k in ("provider", "model", "message_count", "busy")} == \
        {"provider": "openai", "model": "fake", "message_count": 4, "busy": False}
    assert state["cwd"] == str(rpc.project)
    assert (state["usage"]["input"], state["usage"]["output"]) == (50, 9) and set(state["usage"]) == USAGE_KEYS

    client.send(id="m", type="get_messages")
    messages = client.response("m")["data"]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "assistant"]
    assert messages[0]["content"] == [{"type": "text", "text": "read a.txt"}]
    assert messages[2]["content"] == [{"type": "tool_result", "call_id": "r1", "is_error": False,
                                       "content": [{"type": "text", "text": "alpha"}]}]
    assert all(set(m) == {"role", "content", "time"} for m in messages)

    client.send(id="p", type="ping")
    assert client.response("p")["data"] == {"pong": True}
    client.send(id="g", type="get_models")
    models = client.response("g")["data"]["models"]
    assert models and all(set(m) == {"id", "provider", "context_window", "max_output", "reasoning"} for m in models)
    assert {m["provider"] for m in models} == {"openai"} and any(m["id"] == "gpt-4o" for m in models)
    assert all(isinstance(m["context_window"], int) and isinstance(m["reasoning"], bool) for m in models)

    client.send(id="2", type="prompt", message="anything else?")
    client.until("done")
    client.send(id="c", type="compact")
    compacted = client.until("compact_done")
    assert compacted[0]["id"] == "c" and compacted[0]["data"] == {"started": True}
    assert compacted[-1]["summary"] == "Summary: the user read a.txt, which says alpha."
    assert "done" not in types(compacted)                      # as the Go zot: compact ends with compact_done

    client.send(id="sm", type="set_model", model="other")
    assert client.response("sm")["data"] == {"model": "other"}
    client.send(id="sr", type="set_reasoning", reasoning="high")
    assert client.response("sr")["data"] == {"reasoning": "high"}
    client.send(id="s2", type="get_state")
    assert client.response("s2")["data"]["model"] == "other"
    client.send(id="3", type="prompt", message="are you there?")
    client.until("done")
    assert rpc.server.requests[-1]["model"] == "other"
    summary_sent = [m["content"] for m in rpc.server.requests[-1]["messages"] if m["role"] == "user"]
    assert "Summary: the user read a.txt" in summary_sent[0]

    client.send(id="cl", type="clear")
    assert client.response("cl")["success"] is True
    client.send(id="s3", type="get_state")
    assert client.response("s3")["data"]["message_count"] == 0
    assert client.close() == 0
    assert client.garbage == []


GUARDS = """
guards:
  no-rm:
    tool: bash
    when: {shell: {program: rm}}
    action: deny
    reason: removing files is not allowed here
  ask-touch:
    tool: bash
    when: {shell: {program: touch}}
    action: confirm
    reason: touching files needs a yes
"""


def guarded_turn(name: str):
    return [tool_calls([call("bash", {"command": "rm keep.txt"}, id=f"d-{name}"),
                        call("bash", {"command": f"touch {name}"}, id=f"c-{name}")]),
            text(f"finished {name}")]


def test_a_guard_denies_and_a_confirm_is_a_request_answer_pair(rpc, ext):
    (rpc.project / "keep.txt").write_text("keep me\n")
    folder = ext("guardtest", GUARDS)
    client = rpc("-e", str(folder), replies=[*guarded_turn("nobody"), *guarded_turn("yes"), *guarded_turn("no"),
                                             *guarded_turn("late")])
    # a client that did not opt in is never asked: the confirm denies, as in -p
    client.send(id="1", type="prompt", message="go")
    frames = client.until("done")
    assert "ui_request" not in types(frames)
    results = {f["id"]: f for f in frames if f["type"] == "tool_result"}
    assert results["d-nobody"]["is_error"] and "not allowed here" in results["d-nobody"]["content"][0]["text"]
    assert "no one could be asked" in results["c-nobody"]["content"][0]["text"]
    decisions = {f["id"]: f for f in frames if f["type"] == "tool_decision"}
    assert decisions["d-nobody"]["decision"] == "deny" and decisions["d-nobody"]["blocked"] is True
    assert decisions["c-nobody"]["answered"] == "no-ui"

    client.send(id="h", type="hello", ui=True)
    assert client.response("h")["data"]["ui"] is True
    for answer, runs in (("yes", True), ("no", False)):
        client.send(id=answer, type="prompt", message="go")
        asked = client.until("ui_request")[-1]
        assert asked["kind"] == "tool_confirm" and asked["tool"] == "bash"
        assert asked["args"] == {"command": f"touch {answer}"} and asked["default"] == "no"
        assert asked["reasons"] == ["touching files needs a yes"]
        [rule] = asked["rules"]
        assert (rule["extension"], rule["rule"]) == ("guardtest", "ask-touch") and rule["location"].endswith(":12")
        assert asked["options"] == ["yes", "no", "always"]
        client.send(id=f"a-{answer}", type="ui_response", request_id=asked["request_id"], value=answer)
        frames = client.until("done")
        assert {"type": "response", "command": "ui_response", "success": True, "id": f"a-{answer}"} in frames
        result = next(f for f in frames if f["type"] == "tool_result" and f["id"] == f"c-{answer}")
        assert result["is_error"] is not runs
        assert (rpc.project / answer).exists() is runs
    assert (rpc.project / "keep.txt").exists()

    # no answer in time: the guard's default (no)
    client.send(id="t", type="hello", ui=True, ui_timeout=0.5)
    client.response("t")
    client.send(id="late", type="prompt", message="go")
    asked = client.until("ui_request")[-1]
    closed = client.until("ui_request_closed")[-1]
    assert closed == {"type": "ui_request_closed", "request_id": asked["request_id"], "reason": "timeout"}
    frames = client.until("done")
    assert next(f for f in frames if f["type"] == "tool_result" and f["id"] == "c-late")["is_error"] is True
    assert not (rpc.project / "late").exists()
    client.send(id="x", type="ui_response", request_id=asked["request_id"], value="yes")
    refused = client.response("x")
    assert refused["success"] is False and "no question" in refused["error"]
    assert client.close() == 0


def test_abort_stops_the_stream_and_a_second_prompt_waits_its_turn(rpc):
    client = rpc(replies=[text("word " * 300, chunks=300, delay=0.03), text("second answer")])
    client.send(id="1", type="prompt", message="talk a lot")
    client.until("text_delta")
    client.send(id="2", type="prompt", message="then this")
    queued = client.until("prompt_queued")[-1]
    assert queued == {"type": "prompt_queued", "id": "2", "position": 1}
    for request_id, command in (("b1", "set_model"), ("b2", "clear")):
        client.send(id=request_id, type=command, model="x")
        busy = client.response(request_id)
        assert (busy["success"], busy["error"]) == (False, "agent is busy")
    client.send(id="s", type="get_state")
    assert client.response("s")["data"]["busy"] is True
    pressed = time.monotonic()
    client.send(id="a", type="abort")
    frames = client.until("done")
    assert time.monotonic() - pressed < 10
    assert {"type": "response", "command": "abort", "success": True, "id": "a"} in frames
    assert frames[-2:][0] == {"type": "turn_end", "stop": "aborted"} or \
        {"type": "turn_end", "stop": "aborted"} in frames
    assert "error" not in types(frames)
    assert not any(f["type"] == "response" and f.get("id") == "2" for f in frames)   # it has not started yet
    second = client.until("done")
    assert second[0] == {"type": "response", "command": "prompt", "success": True, "id": "2", "data": {"started": True}}
    assert "".join(f["delta"] for f in second if f["type"] == "text_delta") == "second answer"
    sent = [m["content"] for m in rpc.server.requests[-1]["messages"] if m["role"] in ("user", "assistant")]
    assert sent == ["talk a lot", "then this"]                  # the cut answer is not sent back
    assert client.close() == 0


def test_malformed_lines_get_an_error_response_and_the_process_keeps_serving(rpc):
    client = rpc()
    bad = [
        ("not json", "line 1: malformed json"),
        ("[1, 2]", "line 2: expected a JSON object"),
        ('{"id": "x"}', 'line 3: missing "type"'),
        ('{"id": "p", "type": "prompt", "message": 5}', "`message` must be a string"),
        ('{"id": "q", "type": "prompt", "message": "hi", "images": "cat.png"}', "`images` must be a list"),
        ('{"id": "r", "type": "prompt", "message": "", "images": [{"mime_type": "image/png", "data": "%%"}]}',
         "`images[0].data` is not base64"),
        ('{"id": "m", "type": "set_model"}', "`model` must be a non-empty string"),
        ('{"id": "e", "type": "set_reasoning", "reasoning": "extreme"}', "`reasoning` must be one of"),
        ('{"id": "u", "type": "ui_response", "request_id": "q9", "value": "yes"}', "no question 'q9' is waiting"),
        ('{"id": "t", "type": "promt", "message": "hi"}', "unknown command 'promt': did you mean `prompt`?"),
    ]
    for line, _ in bad:
        client.raw(line)
    client.send(id="ok", type="ping")
    frames = client.until(lambda f: f.get("id") == "ok")
    errors = [f for f in frames if f["type"] == "response" and not f["success"]]
    assert len(errors) == len(bad)
    for (_, needle), frame in zip(bad, errors):
        assert needle in frame["error"], (needle, frame)
    assert frames[-1]["data"] == {"pong": True}
    assert client.close() == 0 and client.garbage == []
    assert rpc.server.requests == []


def test_with_a_token_nothing_happens_before_the_right_hello(rpc):
    env = {"ZOTCORE_RPC_TOKEN": "s3cret"}
    wrong = rpc(env=env)
    wrong.send(id="1", type="ping")
    assert wrong.response("1") == {"type": "response", "command": "ping", "success": False, "id": "1",
                                   "error": "auth required: send hello with token first"}
    wrong.send(id="0", type="hello", token="guess")
    assert wrong.response("0")["error"] == "invalid token"
    assert wrong.close() == 1
    assert [f["type"] for f in wrong.frames] == ["response", "response"]     # no event leaked

    right = rpc("--tools", "read,nosuchtool", env=env)
    time.sleep(1.5)                      # start-up notices are held, not written
    right.send(id="0", type="hello", token="s3cret")
    first = right.next()
    assert first["type"] == "response" and first["success"] is True and first["data"]["protocol_version"] == 1
    notice = right.until("ext_notify")[-1]
    assert "no tool named nosuchtool" in notice["message"] and notice["level"] == "warning"
    right.send(id="1", type="ping")
    assert right.response("1")["success"] is True
    assert right.close() == 0


def test_eof_lets_the_prompt_finish_then_stops_the_scripts_and_saves_the_session(rpc, tmp_path, isolated_home):
    script = write_script(tmp_path / "scripts", "watcher", '''
hello()
send({"type": "subscribe", "events": ["session_start"]})
send({"type": "ready"})
for f in frames():
    pass
''')
    client = rpc("-e", str(script), "--save-session", replies=[text("all done", chunks=4, delay=0.05)])
    client.send(id="1", type="prompt", message="quick one")
    client.proc.stdin.close()                               # right away
    deadline = time.monotonic() + 60
    while client.next(max(0.1, deadline - time.monotonic())) is not None:
        pass
    assert client.proc.wait(timeout=30) == 0
    kinds = types(client.frames)
    assert kinds[0] == "response" and kinds.count("done") == 1 and kinds[-1] in ("done", "session_shutdown")
    assert "".join(f["delta"] for f in client.frames if f["type"] == "text_delta") == "all done"
    got = [f["type"] for f in received(script)]
    assert "shutdown" in got                                # stopped in order, not killed
    [saved] = list((isolated_home / ".zot" / "sessions").glob("*/*.jsonl"))
    records = [json.loads(line) for line in saved.read_text().splitlines()]
    assert [r["message"]["content"] for r in records if r.get("type") == "message"] == ["quick one", "all done"]


PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_images_go_with_the_prompt_and_sessions_are_off_by_default(rpc, isolated_home):
    client = rpc(replies=[text("a single pixel")])
    client.send(id="1", type="prompt", message="what is this?", images=[{"mime_type": "image/png", "data": PIXEL}])
    frames = client.until("done")
    user = next(f for f in frames if f["type"] == "user_message")
    assert user["content"] == [{"type": "text", "text": "what is this?"},
                               {"type": "image", "mime_type": "image/png", "bytes": 70}]
    [sent] = [m["content"] for m in rpc.server.requests[0]["messages"] if m["role"] == "user"]
    assert sent[0] == {"type": "text", "text": "what is this?"}
    assert sent[1]["image_url"]["url"] == f"data:image/png;base64,{PIXEL}"
    client.send(id="m", type="get_messages")
    first = client.response("m")["data"]["messages"][0]
    assert first["content"][1] == {"type": "image", "mime_type": "image/png", "bytes": 70}
    assert client.close() == 0
    assert not list((isolated_home / ".zot" / "sessions").glob("*/*.jsonl"))


CRASHER = '''
hello()
send({"type": "register_tool", "name": "boom", "description": "misbehaves"})
send({"type": "ready"})
for f in frames():
    if f["type"] == "tool_call":
        sys.exit(3)
'''


def test_a_script_that_crashes_mid_run_is_reported_and_the_session_goes_on(rpc, tmp_path):
    script = write_script(tmp_path / "scripts", "crashy", CRASHER)
    client = rpc("-e", str(script), replies=[tool_calls([call("boom", {}, id="b1")]), text("it broke"),
                                             text("still serving")])
    client.send(id="1", type="prompt", message="use boom")
    frames = client.until("done")
    result = next(f for f in frames if f["type"] == "tool_result")
    assert result["is_error"] is True and "exited with code 3" in result["content"][0]["text"]
    crash = [f for f in frames if f["type"] == "ext_notify" and f["level"] == "error"]
    assert crash and "exited with code 3" in crash[0]["message"]
    assert "error" not in types(frames)
    client.send(id="2", type="prompt", message="are you ok?")
    assert "".join(f["delta"] for f in client.until("done") if f["type"] == "text_delta") == "still serving"
    assert client.close() == 0


def test_slash_commands_work_in_rpc_as_everywhere(rpc, ext):
    folder = ext("cmds", 'commands:\n  hi:\n    description: greet\n    display: "hello from a command"\n')
    client = rpc("-e", str(folder), replies=[stall(after_chunks=1, seconds=0.1, content="x")])
    client.send(id="1", type="prompt", message="/hi")
    frames = client.until("done")
    assert {"type": "ext_display", "extension": "cmds", "text": "hello from a command"} in frames
    client.send(id="2", type="prompt", message="/model")
    frames = client.until("done")
    shown = next(f for f in frames if f["type"] == "ext_display")
    assert shown["extension"] == "zot" and "model: openai/fake" in shown["text"]
    client.send(id="3", type="prompt", message="/nope")
    frames = client.until("done")
    error = next(f for f in frames if f["type"] == "error")
    assert "there is no command /nope" in error["message"] and "/hi" in error["message"]
    assert client.close() == 0
    assert rpc.server.requests == []


WIDGETS = """
widgets:
  counter:
    placement: status
    run: {argv: [cat, counter.txt]}
    text: "count={{ stdout | trim }}"
    refresh: {on: [turn_end]}
"""


def test_widgets_are_events_when_their_text_changes(rpc, ext):
    (rpc.project / "counter.txt").write_text("1\n")
    folder = ext("board", WIDGETS)
    client = rpc("-e", str(folder), replies=[tool_calls([call("write", {"path": "counter.txt", "content": "2\n"})]),
                                             text("counted")])
    first = client.until("widget")[-1]
    assert first == {"type": "widget", "extension": "board", "name": "counter", "placement": "status",
                     "text": "count=1", "error": None, "lines": ["count=1"], "format": "text", "style": {},
                     "priority": 0, "max_height": 10}
    client.send(id="1", type="prompt", message="count up")
    client.until("done")
    if not any(f["type"] == "widget" and f["text"] == "count=2" for f in client.frames):
        client.until(lambda f: f["type"] == "widget" and f["text"] == "count=2")
    assert client.close() == 0
    assert [f["text"] for f in client.frames if f["type"] == "widget"] == ["count=1", "count=2"]


OVERLAY = """
commands:
  pick:
    description: Choose
    overlay:
      title: Deploy
      text: "All **3** ready"
      actions: [{label: First, display: "picked the first"}, {label: Second, display: "picked the second"}]
"""


def test_a_commands_overlay_is_a_ui_request_for_a_client_that_asks(rpc, ext):
    client = rpc("-e", str(ext("ov", OVERLAY)))
    client.send(id="1", type="prompt", message="/pick")
    shown = client.until("ext_display")[-1]
    assert shown["text"] == ("Deploy\nAll **3** ready\n[/ov:pick opened an overlay, which needs the interactive UI; "
                             "its buttons: First · Second]")
    client.send(id="h", type="hello", ui=True)
    client.response("h")
    for value, said in (("Second", "picked the second"), (0, "picked the first")):
        client.send(id=f"p{value}", type="prompt", message="/pick")
        asked = client.until("ui_request")[-1]
        assert (asked["kind"], asked["title"], asked["text"], asked["actions"]) == (
            "overlay", "Deploy", "All **3** ready", ["First", "Second"])
        client.send(id=f"a{value}", type="ui_response", request_id=asked["request_id"], value=value)
        assert client.until("ext_display")[-1]["text"] == said
    client.send(id="bad", type="prompt", message="/pick")
    asked = client.until("ui_request")[-1]
    client.send(id="b", type="ui_response", request_id=asked["request_id"], value={"index": 1})
    assert "a button's label, its index or null" in client.response("b")["error"]
    client.send(id="c", type="ui_response", request_id=asked["request_id"], value=None)
    client.response("c")
    assert client.close() == 0


def test_a_long_bash_call_sends_tool_progress_that_shows_no_output(rpc):
    """While a command runs, `tool_progress` says how long and how much output, with the call's id;
    the output itself (which result hooks may redact) only comes in `tool_result`."""
    secret = "AKIA" + "ABCDEFGHIJKLMNOP"
    command = f"echo {secret}; echo two; sleep 2.4"
    client = rpc(replies=[tool_calls([call("bash", {"command": command}, id="b1")]), text("done")])
    client.send(id="1", type="prompt", message="run it")
    frames = client.until("done")
    progress = [f for f in frames if f["type"] == "tool_progress"]
    assert len(progress) >= 2, types(frames)
    assert all(set(f) == {"type", "id", "text"} and f["id"] == "b1" for f in progress)
    assert progress[0]["text"].startswith("running for 1 s, 2 lines of output")
    assert all(secret not in f["text"] for f in progress)
    kinds = types(frames)
    assert kinds.index("tool_call") < kinds.index("tool_progress") < kinds.index("tool_result")
    assert client.close() == 0
