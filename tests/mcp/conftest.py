"""Harness for the MCP tests: the small server in server.py (the official SDK), over stdio or
streamable HTTP on 127.0.0.1, declared in an extension written into tmp_path.

    def test_x(zot, mcp_ext):
        folder, record = mcp_ext()                       # server `demo`, its calls in `record`
        run = zot("--json", "-e", folder, "go", replies=[...])
        calls(record)                                    # what reached the server
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.declarative.conftest import project, zot  # noqa: F401 - fixtures used by name
from tests.fakellm import llm_server  # noqa: F401

SERVER = Path(__file__).resolve().with_name("server.py")
HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: MCP under test\n"


def calls(record: Path) -> list[dict[str, Any]]:
    """Every tool call the server received, in order."""
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines() if line.strip()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stdio_entry(**extra: Any) -> dict[str, Any]:
    return {"command": [sys.executable, str(SERVER)], "env": ["MCP_RECORD", "MCP_START_DELAY", "MCP_FAIL_START", "MCP_PIDFILE"],
            "start_timeout": "20s", **extra}


@pytest.fixture
def mcp_ext(tmp_path: Path, monkeypatch) -> Callable[..., tuple[Path, Path]]:
    """Write an extension declaring MCP servers (default: `demo` on stdio) plus `yaml`; returns
    its folder and the file where the server records the calls it receives."""
    record = tmp_path / "calls.jsonl"
    monkeypatch.setenv("MCP_RECORD", str(record))

    def write(yaml: str = "", servers: dict[str, Any] | None = None, name: str = "tools") -> tuple[Path, Path]:
        folder = tmp_path / "exts" / name
        folder.mkdir(parents=True, exist_ok=True)
        servers = {"demo": stdio_entry()} if servers is None else servers
        text = HEAD.format(name=name) + "mcp: " + json.dumps(servers) + "\n" + textwrap.dedent(yaml)
        (folder / "extension.yaml").write_text(text, encoding="utf-8")
        return folder, record

    return write


@pytest.fixture
def http_mcp(tmp_path: Path):
    """The demo server on streamable HTTP at 127.0.0.1 (a port it chose); yields its URL."""
    env = {**os.environ, "MCP_RECORD": str(tmp_path / "calls.jsonl")}
    proc = subprocess.Popen([sys.executable, str(SERVER), "--http"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        port = proc.stdout.readline().strip()
        assert port.isdigit(), proc.stderr.read()
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
