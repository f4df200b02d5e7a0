"""Servers that crash, fail to start or start slowly: reported once, tools withdrawn, the agent
goes on; and servers that run are stopped in order at the end."""
from __future__ import annotations

from tests.declarative.conftest import tool_message
from tests.fakellm import call, text, tool_calls
from tests.mcp.conftest import alive, calls, stdio_entry


def offered(request: dict) -> set[str]:
    return {t["function"]["name"] for t in request.get("tools") or []}


def test_a_crashing_server_is_withdrawn_and_the_run_continues(zot, mcp_ext):
    folder, record = mcp_ext()
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__crash", {}, id="t1")]),
        tool_calls([call("read", {"path": "missing.txt"}, id="t2")]),
        text("carried on")])
    assert run.code == 0, run.err
    assert "demo__crash" in offered(run.requests[0])
    assert tool_message(run.requests[1], "t1").startswith("The MCP server `demo` gave no result for `crash`")
    assert not {n for n in offered(run.requests[1]) if n.startswith("demo__")}
    assert "read" in offered(run.requests[1])
    errors = [n for n in run.notices if "MCP server demo" in n]
    assert len(errors) == 1 and errors[0].startswith("error: MCP server demo (tools) stopped working")
    assert "its tools are withdrawn" in errors[0] and "mcp-tools-demo.log" in errors[0]
    assert run.events[-1]["answer"] == "carried on"
    assert calls(record) == [{"tool": "crash", "args": {}}]


def test_a_server_that_cannot_start_is_reported_once_and_offers_nothing(zot, mcp_ext, monkeypatch):
    monkeypatch.setenv("MCP_FAIL_START", "1")
    folder, _ = mcp_ext()
    run = zot("--json", "-e", folder, "go", replies=[text("fine without it")])
    assert run.code == 0, run.err
    assert not {n for n in offered(run.requests[0]) if n.startswith("demo__")}
    [notice] = [n for n in run.notices if "MCP server demo" in n]
    assert notice.startswith("error: MCP server demo (tools) could not start: ")
    assert "its tools are not offered" in notice
    assert run.events[-1]["answer"] == "fine without it"


def test_a_server_that_does_not_start_in_time_is_given_up(zot, mcp_ext, monkeypatch):
    monkeypatch.setenv("MCP_START_DELAY", "30")
    folder, _ = mcp_ext(servers={"demo": stdio_entry(start_timeout="1s")})
    run = zot("--json", "-e", folder, "go", replies=[text("ok")])
    [notice] = [n for n in run.notices if "MCP server demo" in n]
    assert "did not start and list its tools within 1s" in notice
    assert run.events[-1]["answer"] == "ok"


def test_a_missing_program_or_variable_is_named(zot, mcp_ext, monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    folder, _ = mcp_ext(servers={"nope": {"command": ["no-such-program-zot"]},
                                 "vars": {"command": ["python3", "x.py"], "env": ["T=${NOT_SET_ANYWHERE}"]}})
    run = zot("--json", "-e", folder, "go", replies=[text("ok")])
    notices = sorted(n for n in run.notices if "MCP server" in n)
    assert "the program `no-such-program-zot` was not found" in notices[0]
    assert "the environment variable NOT_SET_ANYWHERE is not set" in notices[1]


def test_a_slow_call_times_out_and_the_server_stays(zot, mcp_ext):
    folder, record = mcp_ext(servers={"demo": stdio_entry(timeout="1s")})
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__slow", {"seconds": 5}, id="t1")]),
        tool_calls([call("demo__echo", {"text": "still here"}, id="t2")]), text("ok")])
    assert tool_message(run.requests[1], "t1") == "The MCP server `demo` gave no result for `slow`: it did not " \
                                                  "answer within 1s."
    assert tool_message(run.requests[2], "t2") == "echo: still here"


def test_servers_are_stopped_when_the_run_ends(zot, mcp_ext, monkeypatch, tmp_path):
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("MCP_PIDFILE", str(pidfile))
    folder, _ = mcp_ext()
    run = zot("-p", "-e", folder, "go", replies=[text("ok")])
    assert run.code == 0, run.err
    [pid] = [int(p) for p in pidfile.read_text().split()]
    assert not alive(pid)


def test_the_failure_says_what_the_server_said(zot, mcp_ext, monkeypatch):
    monkeypatch.setenv("MCP_FAIL_START", "1")
    folder, _ = mcp_ext()
    run = zot("--json", "-e", folder, "go", replies=[text("ok")])
    [notice] = [n for n in run.notices if "MCP server demo" in n]
    assert "it exited before it was ready (it said: demo server: refusing to start (MCP_FAIL_START))" in notice
