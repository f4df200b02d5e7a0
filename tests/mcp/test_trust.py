"""An MCP server is a program that runs: from an untrusted project it waits for `zot trust`,
which lists its command; an installed pack's consent lists it too."""
from __future__ import annotations

import json
import sys
import textwrap

from tests.fakellm import text
from tests.mcp.conftest import SERVER

TEAM = f"""
schema: zot/extension/v1
name: team
version: 1.0.0
description: the team's MCP server
mcp:
  demo:
    command: [{json.dumps(sys.executable)}, {json.dumps(str(SERVER))}]
    env: [MCP_PIDFILE]
"""


def test_an_untrusted_projects_server_waits_for_trust(zot, project, monkeypatch, tmp_path):
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("MCP_PIDFILE", str(pidfile))
    folder = project / ".zot" / "extensions" / "team"
    folder.mkdir(parents=True)
    (folder / "extension.yaml").write_text(textwrap.dedent(TEAM).lstrip())

    run = zot("--json", "go", replies=[text("ok")], shipped=True)
    assert run.code == 0, run.err
    assert not [t for t in run.requests[0].get("tools", []) if t["function"]["name"].startswith("demo__")]
    assert not pidfile.exists()
    [line] = [n for n in run.notices if "trust" in n]
    assert "project .zot/ is not trusted" in line

    trusting = zot("trust", "--yes", model=False, shipped=True)
    assert trusting.code == 0, trusting.err
    assert f"    MCP server {sys.executable} {SERVER}; env MCP_PIDFILE (mcp demo)\n" in trusting.out

    run = zot("--json", "go", replies=[text("ok")], shipped=True)
    assert "demo__echo" in [t["function"]["name"] for t in run.requests[0]["tools"]]
    assert pidfile.exists()


def test_installing_an_extension_with_a_server_lists_it_in_the_consent(zot, tmp_path):
    source = tmp_path / "source" / "team"
    source.mkdir(parents=True)
    (source / "extension.yaml").write_text(textwrap.dedent(TEAM).lstrip())
    run = zot("ext", "install", str(source), "--yes", model=False, shipped=True)
    assert run.code == 0, run.err
    assert f"MCP server {sys.executable} {SERVER}; env MCP_PIDFILE (mcp demo)" in run.out


def test_a_changed_server_file_asks_for_trust_again(zot, project):
    folder = project / ".zot" / "extensions" / "local"
    folder.mkdir(parents=True)
    tools = project / "tools"
    tools.mkdir()
    (tools / "server.py").write_text("print('v1')\n")
    (folder / "extension.yaml").write_text(textwrap.dedent("""\
        schema: zot/extension/v1
        name: local
        version: 1.0.0
        description: a server kept beside the project's code
        mcp: {mine: {command: [python3, tools/server.py]}}
        """))
    assert zot("trust", "--yes", model=False, shipped=True).code == 0
    (tools / "server.py").write_text("print('v2')\n")
    run = zot("--json", "go", replies=[text("ok")], shipped=True)
    [line] = [n for n in run.notices if "trust" in n]
    assert "changed since you trusted it (1 modified (tools/server.py)" in line
