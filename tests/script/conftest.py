"""Harness for the script-extension tests: real subprocesses speaking the raw protocol.

Each test writes a small Python script (json + sys.stdin, no SDK) into an extension folder:
`PRELUDE` gives it `send`, `recv` (which also records every frame zot sent to
`received.jsonl` in the folder), `hello` and `frames()` (which answers `shutdown` with
`shutdown_ack` and exits). Then either

- `session(folder, ...)`: the real ExtensionManager and ScriptHost in this process, on an
  AgentState, for frame-level tests (`async with session(...) as s:`), or
- the `zot` fixture (tests/declarative): the real CLI against the local fake model.
"""
from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.declarative.conftest import project, zot  # noqa: F401 - fixtures used by name
from tests.fakellm import llm_server  # noqa: F401

PRELUDE = '''\
import json, os, sys, time
RECORD = os.path.join(os.environ.get("ZOT_EXTENSION_DIR", "."), "received.jsonl")

def send(frame):
    sys.stdout.write(json.dumps(frame) + "\\n")
    sys.stdout.flush()

def recv():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    frame = json.loads(line)
    with open(RECORD, "a") as fh:
        fh.write(json.dumps(frame) + "\\n")
    return frame

def hello(caps=None):
    send({"type": "hello", "name": NAME, "version": "1.0", **({"capabilities": caps} if caps else {})})
    return recv()

def frames():
    while True:
        frame = recv()
        if frame["type"] == "shutdown":
            send({"type": "shutdown_ack"})
            sys.exit(0)
        yield frame

'''

HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: a script under test\n"
FAST = {"timeouts": {"hello": "3s", "ready": "3s", "intercept": "2s", "tool": "5s", "command": "5s"},
        "restart": {"max": 2, "backoff": "100ms"}}


def merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def write_script(root: Path, name: str, body: str, script: dict | None = None, yaml: str = "") -> Path:
    """root/name/{main.py, extension.yaml}: the prelude plus `body`; `script` overrides FAST."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.py").write_text(f"NAME = {name!r}\n" + PRELUDE + textwrap.dedent(body), encoding="utf-8")
    node = merge({"exec": sys.executable, "args": ["main.py"], **FAST}, script or {})
    text = HEAD.format(name=name) + "script: " + json.dumps(node) + "\n" + textwrap.dedent(yaml)
    (folder / "extension.yaml").write_text(text, encoding="utf-8")
    return folder


def received(folder: Path) -> list[dict[str, Any]]:
    path = folder / "received.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def of_type(frames: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == kind]


def log_text(name: str) -> str:
    from zot.ext.script.process import log_path

    path = log_path(name)
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@pytest.fixture
def scripts(tmp_path: Path):
    """`scripts("name", BODY, script={...}, yaml="...")` -> the extension folder."""
    root = tmp_path / "scripts"

    def make(name: str, body: str, script: dict | None = None, yaml: str = "") -> Path:
        return write_script(root, name, body, script, yaml)

    return make


@dataclass
class Session:
    state: Any
    notices: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def host(self):
        return self.state.manager.host

    def ext(self, name: str):
        return next(e for e in self.host.exts if e.name == name)

    def texts(self) -> list[str]:
        return [text for _, text, _ in self.notices]

    async def until(self, check, timeout: float = 5.0) -> None:
        """Wait until `check()` is true (a frame to arrive, a restart to happen)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not check():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("timed out waiting")
            await asyncio.sleep(0.01)


@asynccontextmanager
async def session(*folders: Path, ui: Any = None, project: Path | None = None):
    """The extensions in `folders` loaded as `-e` would, scripts started, shut down at the end."""
    from zot.agent.loop import AgentState
    from zot.agent.setup import Options, load_engine, start_scripts, stop_scripts
    from zot.config import Settings
    from zot.llm import ModelConfig
    from zot.tools import builtin_tools

    root = project or folders[0].parent
    state = AgentState(model=ModelConfig(model="openai/fake"), tools={t.name: t for t in builtin_tools()},
                       cwd=root, project_root=root)
    problems = load_engine(Options(ext_paths=[str(f) for f in folders], no_ext=True), state, Settings())
    s = Session(state, [("warning", p, "zot") for p in problems])
    await start_scripts(state, lambda level, text, source: s.notices.append((level, text, source)), ui)
    try:
        yield s
    finally:
        await stop_scripts(state)


def run(coro):
    return asyncio.run(coro)


class FakeUI:
    """A UIPort that answers from lists and records what it was asked and shown."""

    def __init__(self, answers: list[Any] | None = None) -> None:
        self.answers = list(answers or [])
        self.asked: list[tuple] = []
        self.panels: list[tuple] = []
        self.notes: list[tuple] = []
        self.keys = None

    async def confirm(self, source, title, message, default=False):
        self.asked.append(("confirm", source, title, message))
        return self.answers.pop(0) if self.answers else None

    async def select(self, source, title, message, options, default=None):
        self.asked.append(("select", source, title, options))
        return self.answers.pop(0) if self.answers else None

    async def input(self, source, title, message, placeholder="", default=""):
        self.asked.append(("input", source, title, placeholder))
        return self.answers.pop(0) if self.answers else None

    async def open_panel(self, panel, on_key, on_close):
        self.panels.append(("open", panel.source, panel.id, panel.title, list(panel.lines), panel.footer))
        self.keys = (on_key, on_close)

    async def update_panel(self, panel):
        self.panels.append(("render", panel.source, panel.id, panel.title, list(panel.lines), panel.footer))

    async def close_panel(self, source, panel_id):
        self.panels.append(("close", source, panel_id))

    def notify(self, level, text, source):
        self.notes.append((level, text, source))
