"""A streamable HTTP server on 127.0.0.1: its tools, guards on them, headers from the environment."""
from __future__ import annotations

from tests.declarative.conftest import tool_message
from tests.fakellm import call, text, tool_calls
from tests.mcp.conftest import calls

DENY = """
guards:
  no-big-sums:
    tool: web__add
    when: {expr: "args['a'] > 100"}
    action: deny
    reason: "too big"
"""


def test_an_http_servers_tools_are_called_and_guarded(zot, mcp_ext, http_mcp, tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_TOKEN", "t0ken")
    folder, _ = mcp_ext(DENY, servers={"web": {"url": http_mcp, "headers": {"Authorization": "Bearer ${DEMO_TOKEN}"}}})
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("web__add", {"a": 2, "b": 3}, id="t1"), call("web__add", {"a": 200, "b": 3}, id="t2")]),
        text("ok")])
    assert run.code == 0, run.err
    assert tool_message(run.requests[1], "t1") == "5"
    assert "too big" in tool_message(run.requests[1], "t2")
    assert calls(tmp_path / "calls.jsonl") == [{"tool": "add", "args": {"a": 2, "b": 3}}]
    assert set((tmp_path / "calls.jsonl.auth").read_text().split("\n")) - {""} == {"Bearer t0ken"}


def test_a_missing_header_variable_stops_only_that_server(zot, mcp_ext, http_mcp, monkeypatch):
    monkeypatch.delenv("DEMO_TOKEN", raising=False)
    folder, _ = mcp_ext(servers={"web": {"url": http_mcp, "headers": {"Authorization": "Bearer ${DEMO_TOKEN}"}}})
    run = zot("--json", "-e", folder, "go", replies=[text("ok")])
    [notice] = [n for n in run.notices if "MCP server web" in n]
    assert "could not start: the environment variable DEMO_TOKEN is not set" in notice
    assert run.events[-1]["answer"] == "ok"


def test_an_unreachable_http_server_is_reported(zot, mcp_ext):
    import socket

    with socket.socket() as sock:           # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder, _ = mcp_ext(servers={"web": {"url": f"http://127.0.0.1:{port}/mcp", "start_timeout": "5s"}})
    run = zot("--json", "-e", folder, "go", replies=[text("ok")])
    [notice] = [n for n in run.notices if "MCP server web" in n]
    assert "could not start" in notice
    assert run.events[-1]["answer"] == "ok"
