"""In a real pseudo-terminal: a slow MCP server does not delay the REPL's prompt; the first
prompt waits for it, so the model is offered its tools."""
from __future__ import annotations

import time

from tests.fakellm import FakeLLMServer, call, text, tool_calls
from tests.mcp.conftest import calls
from tests.ui.term import Term

DELAY = 10.0


def test_a_slow_server_does_not_delay_the_prompt(mcp_ext, tmp_path, isolated_home, monkeypatch):
    monkeypatch.setenv("MCP_START_DELAY", str(DELAY))
    folder, record = mcp_ext()
    project = tmp_path / "proj"
    project.mkdir()
    with FakeLLMServer() as server:
        server.enqueue(tool_calls([call("demo__echo", {"text": "late but here"}, id="t1")]), text("echoed it"))
        term = Term(["-e", str(folder), "--model", "openai/fake", "--api-base", server.url, "--api-key", "t"],
                    project, isolated_home)
        try:
            term.ready()
            painted = time.monotonic() - term.started
            assert painted < DELAY - 3, f"the prompt took {painted:.1f}s"
            assert "starting scripts" in term.display()      # the server is still starting
            term.type("echo something")
            term.wait_for("echoed it", timeout=DELAY + 30)
            assert "demo__echo" in [t["function"]["name"] for t in server.requests[0]["tools"]]
            assert calls(record) == [{"tool": "echo", "args": {"text": "late but here"}}]
        finally:
            term.close()
