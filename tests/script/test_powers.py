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


def test_system_prompt_set_append_and_restore(zot, powers):
    run = zot("-p", "-e", powers(), "/persona Speak in rhymes.", replies=[text("arr")])
    assert run.code == 0, run.err
    [system] = sent_to_model(run.requests[0], "system")
    assert system.startswith("You are a pirate.\n")
    assert "Working folder:" in system                       # the folder and the tools stay
    assert system.endswith("Rule from powers: Speak in rhymes.")


def test_active_tools_are_all_the_model_is_offered(zot, powers):
    run = zot("--json", "-e", powers(), "/only read,ls,nosuch", replies=[
        tool_calls([call("bash", {"command": "echo hi"}, id="b")]), text("only two")])
    assert run.code == 0, run.err
    [output] = [e for e in run.of("command_output") if e["command"] == "powers:only"]
    assert output["text"] == "active: ls,read; unknown: nosuch"
    assert sorted(t["function"]["name"] for t in run.requests[0]["tools"]) == ["ls", "read"]
    assert tool_message(run.requests[1], "b").startswith("There is no tool `bash`")   # not callable either


def test_get_tools_lists_every_tool_and_whether_it_is_offered(zot, powers):
    run = zot("-p", "-e", powers(), "--tools", "read,echo", "/tools", model=False)
    assert run.code == 0, run.err
    listed = dict(item[:-1:1] and (item[:-1], item[-1]) for item in run.out.split())
    assert listed["read"] == "+" and listed["echo"] == "+" and listed["bash"] == "-" and listed["later"] == "-"


def test_set_model_switches_the_next_request(zot, powers):
    run = zot("--json", "-e", powers(), "/switch other-model", replies=[text("I am other")])
    assert run.code == 0, run.err
    assert run.requests[0]["model"] == "other-model"
    [change] = run.of("model_change")
    assert (change["model"], change["previous"]) == ("openai/other-model", "openai/fake")


def test_has_ui_and_a_confirm_without_a_ui(zot, powers):
    run = zot("-p", "-e", powers(), "/ui", model=False)
    assert (run.code, run.out) == (0, "has_ui: False busy: True\n")     # the command itself runs in the queue
    run = zot("-p", "-e", powers(), "/ask", model=False)
    assert (run.code, run.out) == (0, "answer: cancelled (no ui)\n")


def test_a_tool_result_intercept_sets_the_error_flag(zot, powers):
    run = zot("--json", "-e", powers(POWERS_FLIP="1"), "echo", replies=[
        tool_calls([call("echo", {"text": "x"}, id="e")]), text("done")])
    assert run.code == 0, run.err
    [result] = run.of("tool_result")
    assert (result["content"], result["is_error"]) == ("echo: x (flagged)", True)


def test_a_session_switch_can_be_refused(zot, powers):
    run = zot("-p", "-e", powers(POWERS_LOCK="the plan is not saved"), "/new", model=False)
    assert run.code == 1
    assert "the session was not switched: the plan is not saved (powers)" in run.err
    run = zot("-p", "-e", powers(), "/new", model=False)
    assert (run.code, run.out) == (0, "new session\n")


def _session_file(project: Path) -> Path:
    from zot.agent.session import list_sessions

    [info] = list_sessions(project)
    return info.path


def test_compaction_can_be_replaced_or_cancelled(zot, powers, project):
    run = zot("-p", "first question", replies=[text("first answer")])
    run = zot("-p", "-c", "second question", replies=[text("second answer")])
    assert run.code == 0
    run = zot("-p", "-c", "-e", powers(POWERS_SUMMARY="cancel"), "/compact", model=True)
    assert "the compaction was cancelled: not now" in run.err and run.requests == []
    run = zot("-p", "-c", "-e", powers(POWERS_SUMMARY="they asked twice"), "/compact")
    assert run.code == 0, run.err
    assert run.requests == []                                   # no model call: the script summarised
    assert run.out == "compacted 2 messages (manual)\n"
    records = [json.loads(line) for line in _session_file(project).read_text().splitlines()]
    [compaction] = [r for r in records if r.get("type") == "compaction"]
    assert compaction["summary"] == "they asked twice (2 messages)"
