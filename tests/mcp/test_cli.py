"""`zot mcp list|tools|logs`, the servers in `zot ext list` and `/ext`, and `zot ext import-mcp`."""
from __future__ import annotations

import json
import sys

from tests.fakellm import text
from tests.mcp.conftest import SERVER, stdio_entry

CLAUDE = {"mcpServers": {
    "GitHub": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
               "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_0123456789abcdefghijklmnopqrstuv"}},
    "docs": {"type": "http", "url": "https://mcp.example.com/mcp",
             "headers": {"Authorization": "Bearer sk-live-secret", "X-Client": "zot"}},
    "local": {"command": "python3", "args": ["server.py"], "env": {"TOKEN": "${MY_TOKEN}", "LEVEL": "debug"}},
    "old": {"type": "sse", "url": "https://example.com/sse"},
}}

IMPORTED = """\
schema: zot/extension/v1
name: mcp
version: 0.1.0
description: "MCP servers imported from .mcp.json"
mcp:
  github:
    command: ["npx", "-y", "@modelcontextprotocol/server-github"]
    env: ["GITHUB_PERSONAL_ACCESS_TOKEN"]
  docs:
    url: "https://mcp.example.com/mcp"
    headers: {"Authorization": "Bearer ${DOCS_AUTHORIZATION}", "X-Client": "zot"}
  local:
    command: ["python3", "server.py"]
    env: ["TOKEN=${MY_TOKEN}", "LEVEL=debug"]
"""


def test_import_mcp_writes_an_equivalent_manifest_without_secrets(zot, project):
    (project / ".mcp.json").write_text(json.dumps(CLAUDE))
    run = zot("ext", "import-mcp", ".mcp.json", model=False, shipped=True)
    assert run.code == 0, run.err
    written = (project / ".zot" / "extensions" / "mcp" / "extension.yaml").read_text()
    assert written.split("schema: zot/extension/v1")[1] == IMPORTED.split("schema: zot/extension/v1")[1]
    assert "ghp_" not in written and "sk-live" not in written
    notes = [line for line in run.out.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: GitHub: named `github` in zot (lower-case letters, digits, - and _); its tools are github__TOOL",
        "note: github: the value of GITHUB_PERSONAL_ACCESS_TOKEN was not copied (no secrets in a manifest): set "
        "GITHUB_PERSONAL_ACCESS_TOKEN in your environment; zot passes it to the server",
        "note: docs: the Authorization header was not copied (no secrets in a manifest): set DOCS_AUTHORIZATION "
        "to the token",
        "note: old: an SSE server is not imported: zot speaks stdio and streamable HTTP (a server that offered "
        "SSE usually serves streamable HTTP at /mcp too)"]
    assert run.out.splitlines()[-1] == "the project's servers start once you trust it: run `zot trust`, then " \
                                       "`zot mcp list`"
    assert zot("ext", "validate", str(project / ".zot" / "extensions" / "mcp"), model=False, shipped=True).code == 0
    again = zot("ext", "import-mcp", ".mcp.json", model=False, shipped=True)
    assert again.code == 1 and "already exists" in again.err and "--force" in again.err


def test_import_mcp_refuses_what_it_cannot_read(zot, project):
    (project / "bad.json").write_text("{nope")
    bad = zot("ext", "import-mcp", "bad.json", model=False, shipped=True)
    assert bad.code == 2 and "bad.json is not JSON" in bad.err
    (project / "empty.json").write_text(json.dumps({"mcpServers": {"x": {"type": "sse", "url": "https://a/sse"}}}))
    empty = zot("ext", "import-mcp", "empty.json", model=False, shipped=True)
    assert empty.code == 1 and "declares no server zot can import" in empty.err


def test_imported_servers_run(zot, project, mcp_ext):
    """A Claude Code configuration of the test server, imported, trusted and used."""
    config = {"mcpServers": {"demo": {"command": sys.executable, "args": [str(SERVER)],
                                      "env": {"MCP_RECORD": "${MCP_RECORD}"}}}}
    (project / ".mcp.json").write_text(json.dumps(config))
    assert zot("ext", "import-mcp", ".mcp.json", model=False, shipped=True).code == 0
    assert zot("trust", "--yes", model=False, shipped=True).code == 0
    run = zot("--json", "go", shipped=True, replies=[text("ok")])
    assert "demo__echo" in [t["function"]["name"] for t in run.requests[0]["tools"]]


def test_mcp_list_and_tools(zot, mcp_ext):
    folder, _ = mcp_ext(servers={"demo": stdio_entry(tools={"include": ["echo", "add"]}),
                                 "broken": {"command": ["no-such-program-zot"]}})
    listed = zot("mcp", "list", "-e", folder, model=False, shipped=True)
    assert listed.code == 1                       # a server failed
    lines = listed.out.splitlines()          # by extension, then server
    assert lines[0].startswith("mcp broken: failed (could not start: the program `no-such-program-zot` was not found")
    assert lines[1] == f"mcp demo: running, 2 tools  [tools]  stdio: {sys.executable} {SERVER}"
    as_json = json.loads(zot("mcp", "list", "-e", folder, "--format", "json", model=False, shipped=True).out)
    assert [(r["name"], r["status"], r["tools"]) for r in as_json] == [
        ("broken", "failed", []), ("demo", "running", ["demo__add", "demo__echo"])]

    tools = zot("mcp", "tools", "demo", "-e", folder, model=False, shipped=True)
    assert tools.code == 0, tools.err
    assert tools.out == ("demo__add  Add two whole numbers.\n    a: integer (required)\n    b: integer (required)\n"
                         "demo__echo  Echo the text back.\n    text: string (required)\n")
    unknown = zot("mcp", "tools", "dmo", "-e", folder, model=False, shipped=True)
    assert unknown.code == 2 and "no MCP server `dmo` here" in unknown.err and "did you mean" in unknown.err
    log = zot("mcp", "logs", "demo", "-e", folder, model=False, shipped=True)
    assert "zot: running: 8 tool(s) listed, 2 offered" in log.out


def test_ext_list_and_slash_ext_show_each_server(zot, mcp_ext, isolated_home):
    folder, _ = mcp_ext(servers={"demo": stdio_entry(), "broken": {"command": ["no-such-program-zot"]}})
    shown = zot("-p", "-e", folder, "/ext", model=False)
    lines = [line.strip() for line in shown.out.splitlines() if "mcp " in line]
    assert lines[0].startswith("mcp broken: failed (could not start: the program `no-such-program-zot`")
    assert lines[1] == "mcp demo: running, 8 tools"

    home_ext = isolated_home / ".zot" / "extensions" / "tools"      # `zot ext list` starts nothing
    home_ext.parent.mkdir(parents=True, exist_ok=True)
    folder.rename(home_ext)
    listed = [line.strip() for line in zot("ext", "list", model=False, shipped=True).out.splitlines()
              if line.strip().startswith("mcp ")]
    assert listed == ["mcp broken (stdio: no-such-program-zot): tools known when it runs",
                      f"mcp demo (stdio: {sys.executable} {SERVER}): tools known when it runs"]
