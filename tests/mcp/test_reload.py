"""`/reload-ext` keeps a server whose entry did not change, restarts a changed or failed one,
and stops a removed one."""
from __future__ import annotations

import asyncio
import json

from tests.mcp.conftest import alive, stdio_entry
from zot.agent.agent_session import AgentSession
from zot.agent.options import Options


def test_reload_restarts_changed_and_failed_servers_only(mcp_ext, project, monkeypatch, tmp_path, llm_server):
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("MCP_PIDFILE", str(pidfile))
    servers = {"same": stdio_entry(), "edited": stdio_entry(), "gone": stdio_entry(),
               "broken": stdio_entry(command=["no-such-program-zot"])}
    folder, _ = mcp_ext(servers=servers)
    opts = Options(model="openai/fake", api_base=llm_server.url, api_key="test", no_session=True, no_ext=True,
                   ext_paths=[str(folder)], cwd=project)

    def pid_of(session, name):
        [server] = [s for s in session.state.manager.mcp.servers if s.name == name]
        return server

    async def main():
        session = AgentSession.create(opts)
        notices = []
        session.bus.subscribe(lambda e: notices.append(e.text) if e.type == "notice" else None)
        await session.start()
        before = {n: pid_of(session, n) for n in ("same", "edited", "gone", "broken")}
        assert [before[n].status for n in ("same", "edited", "gone", "broken")] == \
            ["running", "running", "running", "failed"]
        started = [int(p) for p in pidfile.read_text().split()]
        servers.pop("gone")
        servers["edited"] = stdio_entry(prefix="ed_")
        servers["broken"] = stdio_entry()
        (folder / "extension.yaml").write_text((folder / "extension.yaml").read_text().split("mcp: ")[0]
                                               + "mcp: " + json.dumps(servers) + "\n")
        await session.reload_extensions()
        after = {n: pid_of(session, n) for n in ("same", "edited", "broken")}
        states = {n: s.status for n, s in after.items()}
        tools = sorted(session.state.tools)
        await session.close()
        return before, after, states, started, tools, notices

    before, after, states, started, tools, notices = asyncio.run(main())
    [reloaded] = [n for n in notices if n.startswith("reload:")]
    assert "removed MCP server" in reloaded and "(mcp gone)" in reloaded
    assert after["same"] is before["same"]
    assert after["edited"] is not before["edited"]
    assert states == {"same": "running", "edited": "running", "broken": "running"}
    assert before["gone"].status == "stopped"
    assert "ed_echo" in tools and "same__echo" in tools and "broken__echo" in tools
    assert not [t for t in tools if t.startswith(("gone__", "edited__"))]
    all_pids = [int(p) for p in pidfile.read_text().split()]
    assert len(started) == 3 and len(all_pids) == 5           # edited and broken started again
    assert not any(alive(p) for p in all_pids)                 # close stopped everything
