"""`mcp_start: lazy`: known tools are offered without starting the server, which starts at the
first call; the listing of a run is cached and known to the next run and to `zot ext validate`."""
from __future__ import annotations

import json

from tests.declarative.conftest import tool_message
from tests.fakellm import call, text, tool_calls
from tests.mcp.conftest import calls, stdio_entry

DECLARED = {"declared": {"echo": {"description": "Echo (declared)",
                                  "parameters": {"type": "object", "properties": {"text": {"type": "string"}},
                                                 "required": ["text"]}}}}


def lazy(isolated_home) -> None:
    (isolated_home / ".zot").mkdir(exist_ok=True)
    (isolated_home / ".zot" / "settings.yaml").write_text("mcp_start: lazy\n")


def pids(path) -> list[int]:
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_declared_tools_are_offered_and_the_server_starts_at_the_first_call(zot, mcp_ext, isolated_home,
                                                                             monkeypatch, tmp_path):
    lazy(isolated_home)
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("MCP_PIDFILE", str(pidfile))
    folder, record = mcp_ext(servers={"demo": stdio_entry(tools=DECLARED)})
    idle = zot("--json", "-e", folder, "hello", replies=[text("hi")])
    offered = {t["function"]["name"]: t["function"] for t in idle.requests[0]["tools"]}
    assert offered["demo__echo"]["description"] == "Echo (declared)"
    assert "demo__add" not in offered              # not known until it runs
    assert pids(pidfile) == []

    used = zot("--json", "-e", folder, "echo", replies=[
        tool_calls([call("demo__echo", {"text": "late"}, id="t1")]), text("ok")])
    assert tool_message(used.requests[1], "t1") == "echo: late"
    assert len(pids(pidfile)) == 1
    assert "demo__add" in [t["function"]["name"] for t in used.requests[1]["tools"]]   # the live listing now
    assert calls(record) == [{"tool": "echo", "args": {"text": "late"}}]


def test_a_server_with_unknown_tools_starts_before_the_first_prompt_and_is_cached(zot, mcp_ext, isolated_home,
                                                                                   monkeypatch, tmp_path):
    lazy(isolated_home)
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("MCP_PIDFILE", str(pidfile))
    folder, _ = mcp_ext()
    assert zot("-p", "-e", folder, "/help", model=False).code == 0
    assert pids(pidfile) == []                     # a command needs no tools
    first = zot("--json", "-e", folder, "hello", replies=[text("hi")])
    assert "demo__echo" in [t["function"]["name"] for t in first.requests[0]["tools"]]
    assert len(pids(pidfile)) == 1
    cached = json.loads((isolated_home / ".zot" / "cache" / "mcp" / "tools" / "demo.json").read_text())
    assert "echo" in [t["name"] for t in cached["tools"]]

    second = zot("--json", "-e", folder, "hello", replies=[text("hi")])
    assert "demo__echo" in [t["function"]["name"] for t in second.requests[0]["tools"]]
    assert len(pids(pidfile)) == 1                 # offered from the cache, not started


def test_validate_knows_the_arguments_of_a_cached_or_declared_listing(zot, mcp_ext, tmp_path):
    guard = """
    guards:
      careful:
        tool: demo__echo
        when: {arg: txt, regex: x}
        action: deny
        reason: no
    """
    folder, _ = mcp_ext(guard)
    before = zot("ext", "validate", str(folder), model=False, shipped=True)
    assert before.code == 0, before.out
    assert "there is no tool `demo__echo` yet (fine if the MCP server `demo` offers it" in before.out

    zot("--json", "-e", folder, "hello", replies=[text("hi")])       # lists and caches the tools
    after = zot("ext", "validate", str(folder), model=False, shipped=True)
    assert after.code == 1
    assert "error[unknown-argument]: the tool `demo__echo` has no argument `txt`" in after.out
    assert "did you mean `text`?" in after.out


def test_an_unknown_start_setting_is_said_and_servers_start_at_start_up(zot, mcp_ext, isolated_home):
    (isolated_home / ".zot").mkdir(exist_ok=True)
    (isolated_home / ".zot" / "settings.yaml").write_text("mcp_start: eager\n")
    folder, _ = mcp_ext()
    run = zot("--json", "-e", folder, "hello", replies=[text("hi")])
    assert "warning: settings: `mcp_start: eager` is not one of startup, lazy; MCP servers start at start-up" \
        in run.notices
    assert "demo__echo" in [t["function"]["name"] for t in run.requests[0]["tools"]]
