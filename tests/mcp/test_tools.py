"""MCP tools through the real agent loop: `zot --json -e EXT ...` against the local model."""
from __future__ import annotations

from tests.declarative.conftest import tool_message
from tests.fakellm import call, text, tool_calls
from tests.mcp.conftest import calls


def test_the_model_is_offered_the_servers_tools_and_calls_one(zot, mcp_ext):
    folder, record = mcp_ext()
    run = zot("--json", "-e", folder, "say hi",
              replies=[tool_calls([call("demo__echo", {"text": "hi"}, id="t1")]), text("done")])
    assert run.code == 0, run.err
    offered = {t["function"]["name"]: t["function"] for t in run.requests[0]["tools"]}
    assert {"demo__echo", "demo__add", "demo__crash"} <= set(offered)
    assert offered["demo__echo"]["description"] == "Echo the text back."
    assert offered["demo__echo"]["parameters"]["required"] == ["text"]
    assert tool_message(run.requests[1], "t1") == "echo: hi"
    assert calls(record) == [{"tool": "echo", "args": {"text": "hi"}}]
    assert run.events[-1]["answer"] == "done"
