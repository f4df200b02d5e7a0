"""The tool-call path with hooks: rewrites, guards, confirmation, and the decision log.

A blocked call never runs, the model is told plainly why and by which rule, and the decision
(original and final arguments, who decided) lands in `$ZOT_HOME/logs/decisions.jsonl`.
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.agent.conftest import of_type, sent
from tests.fakellm import call, text, tool_calls
from zot.agent import events as ev
from zot.ext.hooks import CallInfo, ConfirmRequest, Hooks, Rewrite, Source, Verdict


@dataclass
class Guard:
    """Gives `decision` to every call of `tool`."""

    tool: str
    decision: str
    reason: str
    rule: str = "no-bash"
    priority: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)

    async def judge(self, call: CallInfo) -> list[Verdict]:
        self.seen.append(dict(call.args))
        if call.tool != self.tool:
            return []
        return [Verdict(self.decision, self.reason, Source("test-ext", self.rule, "extension.yaml:7"))]


@dataclass
class Rewriter:
    """Replaces `old` by `new` in bash commands."""

    old: str
    new: str
    priority: int = 0

    async def rewrite(self, call: CallInfo) -> Rewrite | None:
        if call.tool != "bash" or self.old not in call.args["command"]:
            return None
        args = {**call.args, "command": call.args["command"].replace(self.old, self.new)}
        return Rewrite(args, Source("test-ext", "swap", "extension.yaml:12"))


class BrokenGuard:
    priority = 0

    async def judge(self, call: CallInfo) -> list[Verdict]:
        raise RuntimeError("guard exploded")


def decisions() -> list[dict[str, Any]]:
    path = Path(os.environ["ZOT_HOME"]) / "logs" / "decisions.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def run_bash(agent, command: str, hooks: Hooks, n: int = 1, **state_kw: Any):
    agent.server.enqueue(tool_calls([call("bash", {"command": command}, id=f"c{i}") for i in range(n)]),
                         text("done"))
    return agent.run("do it", agent.state(hooks=hooks, **state_kw))


def test_a_denying_guard_blocks_the_call_and_tells_the_model_why(agent):
    hooks = Hooks(guards=[Guard("bash", "deny", "shell commands are not allowed here")])
    end, events = run_bash(agent, "touch marker.txt", hooks)
    assert not (agent.project / "marker.txt").exists()
    assert not of_type(events, ev.ToolExecutionStart)
    content = sent(agent.server, 1)[-1]["content"]
    assert content.startswith("Blocked: the bash call was not run")
    assert "test-ext:no-bash" in content and "extension.yaml:7" in content
    assert "shell commands are not allowed here" in content
    [result] = of_type(events, ev.ToolResultEvent)
    assert result.blocked and result.is_error
    [record] = decisions()
    assert record["tool"] == "bash" and record["decision"] == "deny"
    assert record["original_args"] == record["final_args"] == {"command": "touch marker.txt"}
    assert record["matches"][0]["rule"] == "no-bash"
    assert record["cwd"] == str(agent.project)
    assert end.stop_reason == "stop"


def test_a_guard_on_another_tool_lets_bash_run(agent):
    hooks = Hooks(guards=[Guard("write", "deny", "read-only project")])
    run_bash(agent, "touch marker.txt", hooks)
    assert (agent.project / "marker.txt").exists()
    assert decisions()[0]["decision"] == "allow"


def test_a_crashing_guard_denies(agent):
    run_bash(agent, "touch marker.txt", Hooks(guards=[BrokenGuard()]))
    assert not (agent.project / "marker.txt").exists()
    assert "guard exploded" in sent(agent.server, 1)[-1]["content"]


def test_a_rewriter_changes_what_runs_and_both_versions_are_recorded(agent):
    guard = Guard("write", "deny", "unused")
    hooks = Hooks(rewriters=[Rewriter("old.txt", "new.txt")], guards=[guard])
    _, events = run_bash(agent, "touch old.txt", hooks)
    assert (agent.project / "new.txt").exists() and not (agent.project / "old.txt").exists()
    assert guard.seen == [{"command": "touch new.txt"}]          # guards judge the final arguments
    [start] = of_type(events, ev.ToolExecutionStart)
    assert (start.args, start.original_args) == ({"command": "touch new.txt"}, {"command": "touch old.txt"})
    [record] = decisions()
    assert record["original_args"] == {"command": "touch old.txt"}
    assert record["final_args"] == {"command": "touch new.txt"}
    [change] = record["rewrites"]
    assert (change["before"], change["after"], change["rule"]) == (
        {"command": "touch old.txt"}, {"command": "touch new.txt"}, "swap")


CONFIRM = Guard("bash", "confirm", "this runs a shell command", rule="ask-bash")


@pytest.mark.parametrize("auto_yes, runs", [(False, False), (True, True)])
def test_confirm_without_a_ui_denies_unless_auto_yes(agent, auto_yes, runs):
    run_bash(agent, "touch marker.txt", Hooks(guards=[CONFIRM]), auto_yes=auto_yes)
    assert (agent.project / "marker.txt").exists() is runs
    [record] = decisions()
    assert record["answered"] == ("auto-yes" if auto_yes else "no-ui")
    if not runs:
        content = sent(agent.server, 1)[-1]["content"]
        assert "needs confirmation" in content and "--yes" in content


@pytest.mark.parametrize("answer, asked, ran", [("yes", 2, 2), ("no", 2, 0), ("always", 1, 2)])
def test_confirm_asks_the_ui(agent, answer, asked, ran):
    requests: list[ConfirmRequest] = []

    async def ask(request: ConfirmRequest) -> str:
        requests.append(request)
        return answer

    hooks = Hooks(guards=[CONFIRM], confirm=ask)
    agent.server.enqueue(tool_calls([call("bash", {"command": "echo x >> ran.txt"}, id="a"),
                                     call("bash", {"command": "echo y >> ran.txt"}, id="b")]),
                         text("done"))
    agent.run("go", agent.state(hooks=hooks))
    assert len(requests) == asked
    assert requests[0].tool == "bash" and requests[0].reasons == ["this runs a shell command"]
    path = agent.project / "ran.txt"
    assert (len(path.read_text().splitlines()) if path.exists() else 0) == ran
    if answer == "no":
        assert "the user declined it" in sent(agent.server, 1)[-1]["content"]
    assert [r["answered"] for r in decisions()] == [answer, "always" if answer == "always" else answer]


class Redact:
    priority = 0

    async def transform(self, call: CallInfo, result):
        return dataclasses.replace(result, content=result.content.replace("hunter2", "[redacted]"))


def test_a_result_transform_changes_what_the_model_sees(agent):
    (agent.project / ".env").write_text("PASSWORD=hunter2\n")
    agent.server.enqueue(tool_calls([call("read", {"path": ".env"}, id="r")]), text("ok"))
    agent.run("show .env", agent.state(hooks=Hooks(result_transforms=[Redact()])))
    content = sent(agent.server, 1)[-1]["content"]
    assert "PASSWORD=[redacted]" in content and "hunter2" not in content
