"""Harness for the declarative-extension tests: small extensions written into tmp_path, run
through the real CLI entry point (`zot.cli.main`, in this process so litellm is imported once)
or the real console script in a subprocess, against the local fake model server.

    def test_x(zot, ext):
        folder = ext("demo", TOOLS)
        run = zot("--json", "-e", folder, "go", replies=[tool_calls([...]), text("done")])
        run.events, run.requests, run.out, run.err, run.code
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.fakellm import FakeLLMServer, Reply, llm_server  # noqa: F401 - the fixture is used by name

ZOT = Path(sys.executable).with_name("zot")
REPO = Path(__file__).resolve().parents[2]
HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: A test extension\n"


@dataclass
class Run:
    code: int
    out: str
    err: str
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.startswith("{")]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]

    @property
    def notices(self) -> list[str]:
        return [f"{e['level']}: {e['text']}" for e in self.of("notice")]

    def tool_results(self) -> dict[str, dict[str, Any]]:
        return {e["id"]: e for e in self.of("tool_result")}


def model_flags(server: FakeLLMServer) -> list[str]:
    return ["--model", "openai/fake", "--api-base", server.url, "--api-key", "test"]


def sent_to_model(body: dict[str, Any], role: str) -> list[str]:
    """The contents of the messages with this role in one request the server received."""
    return [m.get("content") or "" for m in body["messages"] if m["role"] == role]


def tool_message(body: dict[str, Any], call_id: str) -> str:
    [content] = [m["content"] for m in body["messages"] if m["role"] == "tool" and m["tool_call_id"] == call_id]
    return content


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh `git init` project to run zot in."""
    root = tmp_path / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    return root


@pytest.fixture
def ext(tmp_path: Path) -> Callable[..., Path]:
    """Write an extension folder under tmp_path: `ext("name", "yaml body without the head")`."""

    def write(name: str, body: str, head: bool = True) -> Path:
        folder = tmp_path / "exts" / name
        folder.mkdir(parents=True, exist_ok=True)
        text = (HEAD.format(name=name) if head else "") + textwrap.dedent(body)
        (folder / "extension.yaml").write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def zot(project: Path, llm_server: FakeLLMServer, capsys, monkeypatch) -> Callable[..., Run]:  # noqa: F811
    """Run the real CLI in this process, in `project`: `zot(*args, replies=[...], model=True)`.
    With `model`, the fake server's flags are added; `replies` are enqueued first. Unless
    `shipped`, `--no-ext` keeps the shipped extensions out (reading their manifests costs a third
    of a second per run, and the safety extension's redactions would mix with the tests' own)."""
    from zot.cli import main

    def run(*args: Any, replies: list[Reply] = (), model: bool = True, cwd: Path | None = None,
            shipped: bool = False) -> Run:
        llm_server.requests.clear()
        llm_server.enqueue(*replies)
        monkeypatch.chdir(cwd or project)
        argv = [str(a) for a in args] + (model_flags(llm_server) if model else [])
        argv += [] if shipped else ["--no-ext"]
        capsys.readouterr()
        code = main(argv)
        out, err = capsys.readouterr()
        return Run(code, out, err, list(llm_server.requests))

    return run


def zot_subprocess(*args: Any, cwd: Path, timeout: float = 60, env: dict[str, str] | None = None
                   ) -> subprocess.CompletedProcess:
    """The installed console script, as a user runs it (HOME and ZOT_HOME from conftest)."""
    return subprocess.run([str(ZOT), *map(str, args)], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


@dataclass
class HTTPServer:
    """A tiny local HTTP server: answers every request with JSON describing it; a path containing
    `missing` gets 404. `seen` holds (method, path, headers, body) of each request."""

    url: str
    seen: list[tuple[str, str, dict[str, str], str]]


@pytest.fixture
def http_server():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            seen.append((self.command, self.path, dict(self.headers), body))
            data = json.dumps({"method": self.command, "path": self.path, "token": self.headers.get("X-Token"),
                               "body": body}).encode()
            self.send_response(404 if "missing" in self.path else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield HTTPServer(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()
