"""Rules read the session and the repository, and the model is told only the rules that decided.

Manifest rules compiled from YAML (as a session loads them) judge real tool calls of the agent
loop against the local fake model; what the model is told is read from the next request.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from tests.fakellm import call, text, tool_calls
from zot.ext.engine import build_engine
from zot.ext.facts import empty_session, session_facts
from zot.ext.loader import load_extensions
from zot.llm.types import Usage
from zot.tools import builtin_tools

RULES = """\
schema: zot/extension/v1
name: house
version: 1.0.0
description: Rules that read the session and git
guards:
  at-most-two-calls:
    tool: "*"
    when: {expr: "session.tool_calls >= 2"}
    action: deny
    reason: "two calls are enough ({{ session.tool_calls }} so far)."
  push-on-main:
    tool: bash
    when:
      all:
        - shell: {program: git, subcommand: push}
        - expr: "git.branch == 'main' and session.tools.bash >= 0"
    action: confirm
    reason: "push to {{ git.branch }}?"
  note-pushes:
    tool: bash
    when: {shell: {program: git, subcommand: push}}
    action: warn
    reason: a push
"""


def hooks_for(project: Path, tmp_path: Path):
    folder = tmp_path / "house"
    folder.mkdir()
    (folder / "extension.yaml").write_text(RULES)
    exts = load_extensions(project, (folder,), discover_scopes=False)
    assert [e.state for e in exts] == ["loaded"], [d.message for e in exts for d in e.diagnostics]
    return build_engine(exts, project, {t.name: t for t in builtin_tools()}).hooks


def told(agent, call_id: str) -> str:
    for request in agent.server.requests:
        for message in request.get("messages", []):
            if message.get("role") == "tool" and message.get("tool_call_id") == call_id:
                return message["content"]
    raise AssertionError(f"the model was never told about {call_id}")


def test_a_rule_counts_the_session_s_tool_calls(agent, tmp_path):
    hooks = hooks_for(agent.project, tmp_path)
    agent.server.enqueue(
        tool_calls([call("bash", {"command": "echo one"}, id="c1")]),
        tool_calls([call("bash", {"command": "echo two"}, id="c2"), call("ls", {}, id="c3")]),
        text("done"))

    end, _ = agent.run("go", agent.state(hooks=hooks))

    assert "one" in told(agent, "c1") and "two" in told(agent, "c2")
    assert told(agent, "c3") == (
        "Blocked: the ls call was not run because it is not allowed. Rule `house:at-most-two-calls` "
        f"({tmp_path}/house/extension.yaml:6): two calls are enough (2 so far). Do not retry the same call; "
        "choose another way or ask the user.")
    assert [r["rules"] for r in end.refused] == [["house:at-most-two-calls"]]


def test_a_rule_reads_the_branch_and_the_model_hears_only_the_deciding_rule(agent, tmp_path):
    subprocess.run(["git", "init", "-q", "-b", "main", str(agent.project)], check=True)
    hooks = hooks_for(agent.project, tmp_path)
    agent.server.enqueue(tool_calls([call("bash", {"command": "git push origin main"}, id="p1")]), text("ok"))

    agent.run("push", agent.state(hooks=hooks))

    said = told(agent, "p1")
    assert said.startswith("Blocked: the bash call was not run because it needs confirmation and no one could "
                           "be asked")
    assert "Rule `house:push-on-main`" in said and "push to main?" in said
    assert "note-pushes" not in said and "at-most-two-calls" not in said and ".." not in said


def test_on_another_branch_the_rule_does_not_match(agent, tmp_path):
    subprocess.run(["git", "init", "-q", "-b", "feature", str(agent.project)], check=True)
    hooks = hooks_for(agent.project, tmp_path)
    agent.server.enqueue(tool_calls([call("bash", {"command": "git push origin feature"}, id="p1")]), text("ok"))

    agent.run("push", agent.state(hooks=hooks))

    assert not told(agent, "p1").startswith("Blocked")


def test_session_facts_count_turns_calls_and_tools_from_the_history():
    messages = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "a", "function": {"name": "bash", "arguments": "{}"}},
            {"id": "b", "function": {"name": "read", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "a", "content": "x"},
        {"role": "tool", "tool_call_id": "b", "content": "y"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c", "function": {"name": "bash"}}]},
        {"role": "tool", "tool_call_id": "c", "content": "z"},
        {"role": "assistant", "content": "done"},
    ]
    facts = session_facts(messages, Usage(100, 20, cost=0.5), ["bash", "read", "write"])

    assert {k: facts[k] for k in ("turns", "tool_calls", "tools", "tokens", "cost", "messages")} == {
        "turns": 3, "tool_calls": 3, "tools": {"bash": 2, "read": 1, "write": 0}, "tokens": 120, "cost": 0.5,
        "messages": 7}
    assert facts["usage"]["input_tokens"] == 100
    assert empty_session()["tool_calls"] == 0 and empty_session()["usage"]["output_tokens"] == 0
