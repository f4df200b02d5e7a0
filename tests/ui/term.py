"""A real terminal for the REPL tests: the `zot` console script in a pseudo-terminal (pexpect),
its output fed to a pyte screen, so tests assert on what a person would see.

The screen answers cursor-position requests like a real terminal does (prompt_toolkit asks).
`wait_for` polls the screen until a condition holds, with a generous timeout; on failure the
assertion shows the screen.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pexpect
import pyte

REPO = Path(__file__).resolve().parents[2]
KEYS = {"enter": "\r", "esc": "\x1b", "ctrl-c": "\x03", "ctrl-d": "\x04", "ctrl-o": "\x0f", "ctrl-j": "\n",
        "tab": "\t", "up": "\x1b[A", "down": "\x1b[B", "alt-enter": "\x1b\r", "backspace": "\x7f",
        "ctrl-r": "\x12", "space": " ", "right": "\x1b[C", "left": "\x1b[D", "ctrl-g": "\x07", "f2": "\x1bOQ"}
TIMEOUT = 40.0


def zot_command() -> list[str]:
    script = Path(sys.executable).parent / "zot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zot.cli"]


class _Screen(pyte.HistoryScreen):
    """Answers the terminal's reports (cursor position) to the program."""

    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines, history=2000)
        self.child: pexpect.spawn | None = None

    def write_process_input(self, data: str) -> None:
        if self.child is not None and self.child.isalive():
            self.child.send(data)


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "proj"
    folder.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    return folder


def environment(home: Path, bytecode: bool = False) -> dict[str, str]:
    """The child's environment: a temporary HOME and ZOT_HOME, no API keys. `bytecode` lets Python
    write .pyc files as a normal installation does (the benchmarks want that)."""
    drop = ("ZOT_MODEL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL",
            "COLUMNS", "LINES") + (("PYTHONDONTWRITEBYTECODE",) if bytecode else ())
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(HOME=str(home), ZOT_HOME=str(home / ".zot"), TERM="xterm-256color",
               LITELLM_LOCAL_MODEL_COST_MAP="True")
    return env


class Term:
    def __init__(self, args: list[str], cwd: Path, home: Path, rows: int = 40, cols: int = 120,
                 bytecode: bool = False, env: dict[str, str] | None = None) -> None:
        self.screen = _Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        self.raw = ""
        self.feed = True          # False: keep the raw output only (no screen emulation cost)
        cmd = zot_command()
        self.child = pexpect.spawn(cmd[0], [*cmd[1:], *args], cwd=str(cwd),
                                   env={**environment(home, bytecode), **(env or {})},
                                   dimensions=(rows, cols), encoding="utf-8", codec_errors="replace",
                                   timeout=TIMEOUT)
        self.child.delaybeforesend = None     # pexpect sleeps 50 ms before every send by default
        self.screen.child = self.child
        self.started = time.monotonic()

    # ---------------------------------------------------------------- reading

    def pump(self, wait: float = 0.05) -> bool:
        """Read what the program wrote (waiting up to `wait`); False once it has exited."""
        try:
            data = self.child.read_nonblocking(65536, timeout=wait)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw += data
        if self.feed:
            self.stream.feed(data)
        else:
            for query in range(data.count("\x1b[6n")):   # still answer cursor position requests
                self.child.send("\x1b[1;1R")
        return True

    def lines(self) -> list[str]:
        history = ["".join(line[x].data for x in sorted(line)) for line in self.screen.history.top]
        return [*history, *self.screen.display]

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines())

    def display(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, what: str | Callable[[str], bool], timeout: float = TIMEOUT, screen_only: bool = False) -> str:
        check = (lambda text: what in text) if isinstance(what, str) else what
        deadline = time.monotonic() + timeout
        while True:
            alive = self.pump()
            text = self.display() if screen_only else self.text()
            if check(text):
                self.quiet()      # a frame may arrive in pieces: let it finish before returning
                text = self.display() if screen_only else self.text()
                if check(text):
                    return text
            if not alive or time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what!r}; the screen:\n{self.display()}")

    def wait_for_re(self, pattern: str, timeout: float = TIMEOUT) -> re.Match:
        self.wait_for(lambda text: re.search(pattern, text) is not None, timeout)
        return re.search(pattern, self.text())

    def quiet(self, gap: float = 0.1, most: float = 0.5) -> None:
        """Read until the program has been silent for `gap` seconds (at most `most` seconds)."""
        end = time.monotonic() + most
        while time.monotonic() < end:
            before = len(self.raw)
            if not self.pump(gap) or len(self.raw) == before:
                return

    def settle(self, seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump(0.05)

    # ---------------------------------------------------------------- writing

    def send(self, text: str) -> None:
        self.child.send(text)

    def key(self, name: str) -> None:
        self.child.send(KEYS[name])
        if name == "esc":   # a lone Esc is recognised after a short pause
            self.settle(0.2)

    def type(self, text: str, enter: bool = True) -> None:
        self.child.send(text)
        if enter:
            self.settle(0.1)
            self.child.send("\r")

    def ready(self, timeout: float = TIMEOUT) -> None:
        """Wait until the prompt is painted and the extensions are loaded."""
        self.wait_for(lambda text: "›" in text and "loading" not in self.display(), timeout)

    def close(self) -> int | None:
        if self.child.isalive():
            self.child.send("\x03")   # clears the input, closes a panel or answers a dialog "no"
            self.settle(0.2)
            self.child.send("\x04")
            deadline = time.monotonic() + 15
            while self.child.isalive() and time.monotonic() < deadline:
                self.pump(0.1)
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
        return self.child.exitstatus


def which(program: str) -> bool:
    return shutil.which(program) is not None
