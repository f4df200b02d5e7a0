"""`zot rpc` as a client runs it: the console script as a subprocess over pipes, the model being
the local fake server.

    def test_x(rpc):
        client = rpc(replies=[text("hi")])
        client.send(type="prompt", message="hello", id="1")
        frames = client.until("done")
        client.close() == 0

The model comes from the environment and the settings file (ZOT_MODEL, `api_base`, `api_key`),
as the Go zot's reference clients spawn `zot rpc` without flags.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.fakellm import FakeLLMServer, Reply, llm_server  # noqa: F401 - the fixture is used by name

BIN = Path(sys.executable).parent
ZOT = BIN / "zot"
TIMEOUT = 60.0
HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: A test extension\n"


class Client:
    """One `zot rpc` process: `send` frames, read frames with `next` / `until`."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.frames: list[dict[str, Any]] = []          # every frame read so far
        self.lines: queue.Queue = queue.Queue()
        self.garbage: list[str] = []                    # stdout lines that were no JSON object
        threading.Thread(target=self._pump, daemon=True).start()
        self._seen = 0

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, **frame: Any) -> None:
        self.raw(json.dumps(frame))

    def raw(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def next(self, timeout: float = TIMEOUT) -> dict[str, Any] | None:
        """The next frame (None at the end of stdout)."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no frame within {timeout:.0f}s; the last frames: {self.tail()}") from None
            if line is None:
                self.lines.put(None)
                return None
            try:
                frame = json.loads(line)
            except ValueError:
                self.garbage.append(line)
                continue
            if not isinstance(frame, dict):
                self.garbage.append(line)
                continue
            self.frames.append(frame)
            return frame

    def until(self, match: str | Callable[[dict[str, Any]], bool], timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """Frames up to and including the first that matches (a type name, or a predicate)."""
        check = (lambda f: f.get("type") == match) if isinstance(match, str) else match
        deadline = time.monotonic() + timeout
        got: list[dict[str, Any]] = []
        while True:
            frame = self.next(max(0.1, deadline - time.monotonic()))
            if frame is None:
                raise AssertionError(f"stdout ended before {match!r}; the last frames: {self.tail()}; "
                                     f"stderr: {self.stderr()[-2000:]}")
            got.append(frame)
            if check(frame):
                return got

    def tail(self, n: int = 8) -> str:
        return "\n".join(json.dumps(f)[:300] for f in self.frames[-n:])

    def response(self, request_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        [frame] = self.until(lambda f: f.get("type") == "response" and f.get("id") == request_id, timeout)[-1:]
        return frame

    def close(self, timeout: float = TIMEOUT) -> int:
        """Close stdin, read what is left, return the exit code."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while self.next(max(0.1, deadline - time.monotonic())) is not None:
            pass
        return self.proc.wait(timeout=max(1, deadline - time.monotonic()))

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read() if self.proc.stderr else ""


def model_env(server: FakeLLMServer, home: Path) -> dict[str, str]:
    """ZOT_MODEL plus a settings file with the fake server's URL: no flags needed."""
    (home / ".zot").mkdir(parents=True, exist_ok=True)
    (home / ".zot" / "settings.yaml").write_text(f"api_base: {server.url}\napi_key: test\nmax_retries: 1\n")
    return {"ZOT_MODEL": "openai/fake", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    return root


@pytest.fixture
def ext(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, body: str) -> Path:
        folder = tmp_path / "exts" / name
        folder.mkdir(parents=True)
        (folder / "extension.yaml").write_text(HEAD.format(name=name) + body)
        return folder
    return write


@pytest.fixture
def rpc(llm_server: FakeLLMServer, project: Path, isolated_home: Path):  # noqa: F811
    """Start `zot rpc [flags]` in the project; every client is closed (or killed) at the end."""
    started: list[Client] = []

    def start(*flags: str, replies: list[Reply] = (), env: dict[str, str] | None = None,
              command: tuple[str, ...] = ("rpc",)) -> Client:
        llm_server.enqueue(*replies)
        full = {**os.environ, **model_env(llm_server, isolated_home), **(env or {})}
        proc = subprocess.Popen([str(ZOT), *command, *flags], cwd=project, env=full, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        client = Client(proc)
        started.append(client)
        return client

    start.server = llm_server
    start.project = project
    yield start
    for client in started:
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait()


def types(frames: list[dict[str, Any]]) -> list[str]:
    return [f["type"] for f in frames]
