"""The session powers scripts have (tests/script/powers.py), through `-p` and `--json` against the
local model; the same extension runs in rpc (tests/rpc) and the REPL (tests/ui)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.declarative.conftest import sent_to_model, tool_message
from tests.fakellm import call, text, tool_calls
from tests.script.conftest import log_text
from tests.script.powers import powers_folder


@pytest.fixture
def powers(tmp_path: Path):
    return lambda **env: powers_folder(tmp_path / "exts", env=env)


def last_user(body: dict) -> str:
    return sent_to_model(body, "user")[-1]


def test_send_message_starts_a_turn_in_print_mode(zot, powers):
    run = zot("-p", "-e", powers(), "/go say hi", replies=[text("hi there")])
    assert (run.code, run.out) == (0, "hi there\n"), run.err
    assert last_user(run.requests[0]) == "[script] say hi"      # the input intercept sees the source
    assert "go: queued" in log_text("powers")       # the command itself was running: it waited for it


def test_send_message_in_json_mode_is_an_input_from_a_script(zot, powers):
    run = zot("--json", "-e", powers(), "/go say hi", replies=[text("hi there")])
    assert run.code == 0, run.err
    [sent] = run.of("input")
    assert (sent["text"], sent["source"]) == ("say hi", "script")
    assert run.events[-1]["type"] == "agent_end" and run.events[-1]["answer"] == "hi there"


def test_a_message_sent_while_busy_waits_for_the_turn(zot, powers):
    replies = [tool_calls([call("later", {"text": "and then?"}, id="l")]), text("first answer"), text("second answer")]
    run = zot("-p", "-e", powers(), "start", replies=replies)
    assert (run.code, run.out) == (0, "first answer\nsecond answer\n"), run.err
    assert tool_message(run.requests[1], "l") == "message queued"
    assert last_user(run.requests[0]) == "[cli] start"
    assert last_user(run.requests[2]) == "[script] and then?"
    run = zot("--json", "-e", powers(), "start", replies=replies)
    ends = run.of("agent_end")
    assert [e["answer"] for e in ends] == ["first answer", "second answer"]
    assert run.events[-1] == ends[-1] and run.events[-2]["type"] == "session_shutdown"


MODES = pytest.mark.parametrize("mode", ["-p", "--json"])


def shown(run, mode: str) -> str:
    """What the commands showed: stdout in -p, the command_output events in --json."""
    if mode == "-p":
        return run.out
    return "".join(e["text"] + "\n" for e in run.of("command_output") if e["text"])


@MODES
def test_system_prompt_set_append_and_restore(zot, powers, mode):
    run = zot(mode, "-e", powers(), "/persona Speak in rhymes.", replies=[text("arr")])
    assert run.code == 0, run.err
    [system] = sent_to_model(run.requests[0], "system")
    assert system.startswith("You are a pirate.\n")
    assert "Working folder:" in system                       # the folder and the tools stay
    assert system.endswith("Rule from powers: Speak in rhymes.")


@MODES
def test_active_tools_are_all_the_model_is_offered(zot, powers, mode):
    run = zot(mode, "-e", powers(), "/only read,ls,nosuch", replies=[
        tool_calls([call("bash", {"command": "echo hi"}, id="b")]), text("only two")])
    assert run.code == 0, run.err
    assert shown(run, mode).startswith("active: ls,read; unknown: nosuch\n")
    assert sorted(t["function"]["name"] for t in run.requests[0]["tools"]) == ["ls", "read"]
    assert tool_message(run.requests[1], "b").startswith("There is no tool `bash`")   # not callable either


@MODES
def test_get_tools_lists_every_tool_and_whether_it_is_offered(zot, powers, mode):
    run = zot(mode, "-e", powers(), "--tools", "read,echo", "/tools", model=False)
    assert run.code == 0, run.err
    listed = {item[:-1]: item[-1] for item in shown(run, mode).split()}
    assert (listed["read"], listed["echo"], listed["bash"], listed["later"]) == ("+", "+", "-", "-")


@MODES
def test_set_model_switches_the_next_request(zot, powers, mode):
    run = zot(mode, "-e", powers(), "/switch other-model", replies=[text("I am other")])
    assert run.code == 0, run.err
    assert run.requests[0]["model"] == "other-model"
    assert shown(run, mode).startswith("model: openai/other-model\n")
    if mode == "--json":
        [change] = run.of("model_change")
        assert (change["model"], change["previous"]) == ("openai/other-model", "openai/fake")


@MODES
def test_has_ui_and_a_confirm_without_a_ui(zot, powers, mode):
    run = zot(mode, "-e", powers(), "/ui", model=False)
    assert (run.code, shown(run, mode)) == (0, "has_ui: False busy: True\n")   # the command runs in the queue
    run = zot(mode, "-e", powers(), "/ask", model=False)
    assert (run.code, shown(run, mode)) == (0, "answer: cancelled (no ui)\n")


@MODES
def test_a_tool_result_intercept_sets_the_error_flag(zot, powers, mode):
    run = zot(mode, "-e", powers(POWERS_FLIP="1"), "echo", replies=[
        tool_calls([call("echo", {"text": "x"}, id="e")]), text("done")])
    assert run.code == 0, run.err
    assert tool_message(run.requests[1], "e") == "echo: x (flagged)"
    if mode == "--json":
        [result] = run.of("tool_result")
        assert (result["content"], result["is_error"]) == ("echo: x (flagged)", True)


@MODES
def test_a_session_switch_can_be_refused(zot, powers, mode):
    run = zot(mode, "-e", powers(POWERS_LOCK="the plan is not saved"), "/new", model=False)
    assert run.code == 1
    assert "the session was not switched: the plan is not saved (powers)" in run.err + run.out
    run = zot(mode, "-e", powers(), "/new", model=False)
    assert run.code == 0 and "new session" in run.out


def _session_file(project: Path) -> Path:
    from zot.agent.session import list_sessions

    [info] = list_sessions(project)
    return info.path


@MODES
def test_compaction_can_be_replaced_or_cancelled(zot, powers, project, mode):
    run = zot("-p", "first question", replies=[text("first answer")])
    run = zot("-p", "-c", "second question", replies=[text("second answer")])
    assert run.code == 0
    run = zot(mode, "-c", "-e", powers(POWERS_SUMMARY="cancel"), "/compact", model=True)
    assert "the compaction was cancelled: not now" in run.err + run.out and run.requests == []
    run = zot(mode, "-c", "-e", powers(POWERS_SUMMARY="they asked twice"), "/compact")
    assert run.code == 0, run.err
    assert run.requests == []                                   # no model call: the script summarised
    assert shown(run, mode) == "compacted 2 messages (manual)\n"
    records = [json.loads(line) for line in _session_file(project).read_text().splitlines()]
    [compaction] = [r for r in records if r.get("type") == "compaction"]
    assert compaction["summary"] == "they asked twice (2 messages)"


RAW = '''
hello()
send({"type": "register_command", "name": "probe", "description": "asks zot things, raw"})
send({"type": "ready"})
replies = {}
for f in frames():
    if f["type"] == "command_invoked":
        cid = f["id"]
        send({"type": "get_state", "id": "s"})
        send({"type": "set_model", "id": "m", "model": ""})
        send({"type": "set_active_tools", "id": "t", "names": ["read"]})
        send({"type": "send_message", "text": "no id: fire and forget"})
        send({"type": "send_message", "id": "e", "text": "   "})
    elif f["type"] == "host_result":
        replies[f["id"]] = {k: v for k, v in f.items() if k not in ("type", "id")}
        if len(replies) == 4:
            send({"type": "command_response", "id": cid, "action": "display", "display": json.dumps(replies)})
'''


def test_raw_requests_are_answered_with_host_result(zot, scripts):
    folder = scripts("raw", RAW)
    run = zot("-p", "-e", folder, "/probe", replies=[text("fired")])
    assert run.code == 0, run.err
    shown, answer = run.out.splitlines()
    replies = json.loads(shown)
    assert replies["s"]["ok"] is True and replies["s"]["value"]["has_ui"] is False
    assert replies["s"]["value"]["model"] == "openai/fake"
    assert replies["m"] == {"ok": False, "error": "set_model needs a `model` (PROVIDER/NAME)"}
    assert replies["t"] == {"ok": True, "value": {"active": ["read"], "unknown": []}}
    assert replies["e"] == {"ok": False, "error": "send_message needs a non-empty `text`"}
    assert answer == "fired"                         # the message without an id still ran
    assert last_user(run.requests[0]) == "no id: fire and forget"
    assert [t["function"]["name"] for t in run.requests[0]["tools"]] == ["read"]
