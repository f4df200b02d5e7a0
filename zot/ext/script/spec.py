"""What a script extension is made of: the program, its folder, its limits, its place in order.

Built from a loaded extension's `script:` section (an `extension.yaml`, or an `extension.json`
that the loader turned into the same shape), with the defaults of docs/protocol.md.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.ext.durations import seconds

# `exec: python3` (or python, python3.12) and `#!/usr/bin/env python3` scripts run with zot's own
# interpreter, so `from zot.sdk import ...` works however zot was installed (pipx, a venv that is
# not activated) and whatever PATH says. A path to another interpreter is used as written.
PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
ENV_PYTHON = re.compile(rb"^#!\s*/usr/bin/env\s+(-S\s+)?python(3(\.\d+)?)?(\s|$)")


@dataclass(frozen=True)
class Timeouts:
    hello: float = 5.0
    ready: float = 3.0                # the longest zot waits for `ready` before going on without it
    grace: float = 0.25               # a script that says nothing this long after its last frame is ready
    intercept: float = 5.0
    tool: float = 60.0
    command: float = 30.0

    @classmethod
    def from_node(cls, node: Any) -> "Timeouts":
        node = node if isinstance(node, dict) else {}
        base = cls()
        return cls(**{key: seconds(node.get(key), getattr(base, key)) for key in base.__dataclass_fields__})


@dataclass
class ScriptSpec:
    name: str                         # the extension's name: logs, data folder, sources
    folder: Path                      # the working directory of the script
    exec: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    on_error: str = "deny"            # what a failed intercept decides
    timeouts: Timeouts = field(default_factory=Timeouts)
    restart_max: int = 3
    backoff: float = 1.0
    priority: int = 0
    order: int = 0                    # load order (scope, then name), as the engine's
    scope: str = "cli"
    ext: Any = None                   # the ExtCtx of its manifest, for register_guard

    @property
    def label(self) -> str:
        """`script: python3 main.py`: where a decision came from, as Source.location."""
        return "script: " + " ".join([self.exec, *self.args])

    @property
    def project_data_dir(self) -> str:
        """This project's data folder for the extension (`.zot/data/NAME`), not hashed by trust."""
        return str(getattr(self.ext, "data_dir", "") or "")

    def command(self) -> list[str] | None:
        """The argv that starts the script (None when the program is not found); Python runs
        with zot's interpreter (see PYTHON)."""
        if PYTHON.match(self.exec):
            return [sys.executable, *self.args]
        program = self.program()
        if program is None:
            return None
        if _env_python(program):
            return [sys.executable, program, *self.args]
        return [program, *self.args]

    def program(self) -> str | None:
        """The program to start: a path relative to the folder when it names one (`./x`,
        `bin/x`), else looked up on PATH, else a file of that name in the folder."""
        if os.sep in self.exec or (os.altsep and os.altsep in self.exec):
            path = Path(self.exec).expanduser()
            path = path if path.is_absolute() else self.folder / path
            return str(path) if path.is_file() else None
        found = shutil.which(self.exec)
        if found:
            return found
        local = self.folder / self.exec
        return str(local) if local.is_file() else None


def spec_of(name: str, folder: Path, node: dict[str, Any], order: int = 0, scope: str = "cli",
            ext: Any = None) -> ScriptSpec:
    restart = node.get("restart") if isinstance(node.get("restart"), dict) else {}
    max_restarts = restart.get("max", 3)
    return ScriptSpec(
        name=name, folder=folder, exec=str(node["exec"]), args=[str(a) for a in node.get("args") or []],
        env={str(k): str(v) for k, v in (node.get("env") or {}).items()},
        on_error="allow" if node.get("on_error") == "allow" else "deny",
        timeouts=Timeouts.from_node(node.get("timeouts")),
        restart_max=max_restarts if isinstance(max_restarts, int) and max_restarts >= 0 else 3,
        backoff=seconds(restart.get("backoff"), 1.0), priority=int(node.get("priority") or 0),
        order=order, scope=scope, ext=ext)


def _env_python(path: str) -> bool:
    """A file whose first line is `#!/usr/bin/env python3` (or python)."""
    try:
        with open(path, "rb") as fh:
            return bool(ENV_PYTHON.match(fh.readline(200)))
    except OSError:
        return False
