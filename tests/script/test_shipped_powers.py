"""The two shipped examples built on the session powers, through the real loop: plan-mode (read-only
planning, then an execution turn it starts itself) and file-trigger (a watched file's text starts a
turn). The REPL and rpc sides are in tests/ui/test_script_powers.py and tests/rpc/test_script_powers.py."""
from __future__ import annotations

import json
from pathlib import Path

from tests.declarative.conftest import REPO, sent_to_model
from tests.fakellm import call, text, tool_calls

PLAN_MODE = REPO / "extensions" / "plan-mode"
FILE_TRIGGER = REPO / "extensions" / "file-trigger"
PLAN = "Plan:\n1. Write hello.txt with a greeting."


def tool_names(body: dict) -> list[str]:
    return sorted(t["function"]["name"] for t in body.get("tools") or [])


def test_plan_mode_plans_read_only_then_executes_when_approved(zot, project):
    run = zot("-p", "-e", PLAN_MODE, "/plan add a greeting to hello.txt", replies=[
        tool_calls([call("write", {"path": "hello.txt", "content": "no"}, id="w")]), text(PLAN)])
    assert (run.code, run.out) == (0, PLAN + "\n"), run.err
    first = run.requests[0]
    assert tool_names(first) == ["find", "grep", "ls", "read"]
    assert sent_to_model(first, "system")[0].endswith("not available until the user approves the plan.")
    assert sent_to_model(first, "user")[-1] == "add a greeting to hello.txt"
    assert "There is no tool `write`" in [m["content"] for m in run.requests[1]["messages"] if m["role"] == "tool"][0]
    assert not (project / "hello.txt").exists()
    state = json.loads((project / ".zot" / "data" / "plan-mode" / "state.json").read_text())
    assert state == {"active": True, "plan": PLAN}

    run = zot("--json", "-c", "-e", PLAN_MODE, "/plan approve", replies=[
        tool_calls([call("write", {"path": "hello.txt", "content": "hello\n"}, id="w")]), text("done")])
    assert run.code == 0, run.err
    execute = run.requests[0]
    assert {"write", "edit", "bash"} <= set(tool_names(execute))
    assert "plan mode" not in sent_to_model(execute, "system")[0]
    assert sent_to_model(execute, "user")[-1] == "The plan is approved. Execute it now, step by step:\n\n" + PLAN
    assert [e["source"] for e in run.of("input")] == ["script"]
    assert run.events[-1]["answer"] == "done"
    assert (project / "hello.txt").read_text() == "hello\n"


def test_plan_mode_off_and_status(zot, project):
    zot("-p", "-e", PLAN_MODE, "/plan", model=False)
    run = zot("-p", "-e", PLAN_MODE, "look around", replies=[text("looked")])     # a new start keeps plan mode
    assert tool_names(run.requests[0]) == ["find", "grep", "ls", "read"]
    assert "You are in plan mode" in sent_to_model(run.requests[0], "system")[0]
    run = zot("-p", "-e", PLAN_MODE, "/plan status", model=False)
    assert run.out == "plan mode on; no plan yet\n"
    run = zot("-p", "-e", PLAN_MODE, "/plan approve", model=False)
    assert run.out == "there is no plan yet: ask for one first\n"
    run = zot("-p", "-e", PLAN_MODE, "/plan off", model=False)
    assert run.out == "plan mode off\n"
    run = zot("-p", "-e", PLAN_MODE, "hi", replies=[text("hello")])
    assert "plan mode" not in sent_to_model(run.requests[0], "system")[0]


def test_file_trigger_says_where_it_watches(zot, project):
    run = zot("-p", "-e", FILE_TRIGGER, "/trigger", model=False)
    inbox = project / ".zot" / "data" / "file-trigger" / "inbox.md"
    assert run.out == f"watching {inbox}\nnothing sent yet\n"
    assert inbox.exists()
