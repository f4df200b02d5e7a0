"""The MCP SDK takes about a second to import: only a session with MCP servers imports it.
`zot --version`, `zot ext validate` (even of a manifest with `mcp:`), `zot ext list` and a run
without servers never do. Each case runs in a fresh interpreter."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.declarative.conftest import model_flags
from tests.fakellm import text

REPO = Path(__file__).resolve().parents[2]
MANIFEST = """\
schema: zot/extension/v1
name: remote
version: 1.0.0
description: an MCP server that is never started here
mcp: {gh: {command: [npx, -y, "@modelcontextprotocol/server-github"], env: [GITHUB_TOKEN]}}
"""


def imports_mcp(argv: list[str], cwd: Path) -> tuple[bool, int]:
    code = textwrap.dedent(f"""
        import json, sys
        from zot.cli import main
        try:
            code = main({argv!r})
        except SystemExit as exc:
            code = exc.code
        print(json.dumps({{"mcp": "mcp" in sys.modules, "code": code}}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    last = json.loads(proc.stdout.splitlines()[-1])
    return last["mcp"], last["code"]


@pytest.fixture
def remote(tmp_path) -> Path:
    folder = tmp_path / "remote"
    folder.mkdir()
    (folder / "extension.yaml").write_text(MANIFEST)
    return folder


@pytest.mark.parametrize("argv", [["--version"], ["ext", "validate", "REMOTE"], ["ext", "list"],
                                  ["mcp", "list"]])
def test_commands_that_start_no_server_do_not_import_the_sdk(argv, remote, project):
    argv = [str(remote) if a == "REMOTE" else a for a in argv]
    imported, code = imports_mcp(argv, project)
    assert code == 0 and not imported


def test_a_run_without_servers_does_not_import_the_sdk_and_one_with_servers_does(project, llm_server, mcp_ext):
    llm_server.enqueue(text("plain"), text("with servers"))
    assert imports_mcp(["-p", "--no-ext", *model_flags(llm_server), "hi"], project) == (False, 0)
    folder, _ = mcp_ext()
    assert imports_mcp(["-p", "--no-ext", "-e", str(folder), *model_flags(llm_server), "hi"], project) == (True, 0)
