"""An MCP tool call passes the same rewrites, guards, confirmation and result hooks as a
built-in's, and is written to the decision log; a blocked call never reaches the server."""
from __future__ import annotations

import json

from tests.declarative.conftest import tool_message
from tests.fakellm import call, text, tool_calls
from tests.mcp.conftest import calls

RULES = """
guards:
  no-secrets:
    tool: demo__echo
    when: {arg: text, regex: password}
    action: deny
    reason: "do not echo passwords"
  ask-adding:
    tool: "demo__add"
    action: confirm
    reason: "adding needs a yes"
  shout:
    tool: demo__echo
    when: {arg: text, regex: '^hello'}
    action: rewrite
    rewrite: [{arg: text, set: "{{ args.text | upper }}"}]
hooks:
  - on: tool_result
    tool: "demo__*"
    redact: ['AKIA[0-9A-Z]{16}']
"""


def test_a_denied_call_never_reaches_the_server_and_the_model_is_told(zot, mcp_ext):
    folder, record = mcp_ext(RULES)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__echo", {"text": "my password is x"}, id="t1")]), text("ok")])
    assert run.code == 0, run.err
    told = tool_message(run.requests[1], "t1")
    assert told.startswith("Blocked: the demo__echo call was not run because it is not allowed.")
    assert "`tools:no-secrets`" in told and "do not echo passwords" in told
    assert calls(record) == []
    assert run.events[-1]["refused"][0]["rules"] == ["tools:no-secrets"]


def test_confirm_without_a_ui_blocks_unless_yes(zot, mcp_ext):
    folder, record = mcp_ext(RULES)
    blocked = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__add", {"a": 1, "b": 2}, id="t1")]), text("ok")])
    assert "no one could be asked" in tool_message(blocked.requests[1], "t1")
    assert calls(record) == []
    allowed = zot("--json", "--yes", "-e", folder, "go", replies=[
        tool_calls([call("demo__add", {"a": 1, "b": 2}, id="t1")]), text("ok")])
    assert tool_message(allowed.requests[1], "t1") == "3"
    assert calls(record) == [{"tool": "add", "args": {"a": 1, "b": 2}}]


def test_a_rewrite_changes_what_the_server_receives_and_is_logged(zot, mcp_ext, isolated_home):
    folder, record = mcp_ext(RULES)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__echo", {"text": "hello there"}, id="t1")]), text("ok")])
    assert calls(record) == [{"tool": "echo", "args": {"text": "HELLO THERE"}}]
    assert tool_message(run.requests[1], "t1") == "echo: HELLO THERE"
    [result] = run.of("tool_result")
    assert result["decision"]["original_args"] == {"text": "hello there"}
    assert result["decision"]["final_args"] == {"text": "HELLO THERE"}
    [logged] = [json.loads(line) for line in (isolated_home / ".zot" / "logs" / "decisions.jsonl").read_text()
                .splitlines()]
    assert (logged["tool"], logged["final_args"], logged["rewrites"][0]["rule"]) == \
        ("demo__echo", {"text": "HELLO THERE"}, "shout")


def test_a_redaction_hook_edits_the_servers_result(zot, mcp_ext):
    folder, record = mcp_ext(RULES)
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("demo__secret", {}, id="t1")]), text("ok")])
    assert tool_message(run.requests[1], "t1") == "key=[REDACTED] region=eu"
    assert "AKIA" not in run.tool_results()["t1"]["content"]
    assert calls(record) == [{"tool": "secret", "args": {}}]


def test_arguments_are_checked_against_the_servers_schema_before_it_is_called(zot, mcp_ext):
    folder, record = mcp_ext()
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__add", {"a": "one", "b": 2}, id="t1")]), text("ok")])
    assert tool_message(run.requests[1], "t1") == \
        "Invalid arguments for demo__add: argument 'a' must be of type integer, got string \"one\""
    assert calls(record) == []
