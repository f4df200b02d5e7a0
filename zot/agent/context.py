"""The system prompt: a short identity, the tools, the project's context files, date and cwd.

Context files are read from the git root down to the cwd (AGENTS.md, then CLAUDE.md, in each
folder) plus `$ZOT_HOME/AGENTS.md`, so instructions written for other agents apply here too.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from zot.config import zot_home

CONTEXT_NAMES = ("AGENTS.md", "CLAUDE.md")
MAX_CONTEXT_FILE = 64 * 1024

IDENTITY = """You are zot, a coding agent working in the user's terminal, in the folder below.
Use the tools to read, search, edit and run things rather than guessing. Keep answers short and
concrete. When a tool call is blocked, do not retry it unchanged: say so, or find another way."""


def context_files(cwd: Path, project_root: Path) -> list[Path]:
    found: list[Path] = []
    home_file = zot_home() / "AGENTS.md"
    if home_file.is_file():
        found.append(home_file)
    cwd, root = cwd.resolve(), project_root.resolve()
    chain = [cwd, *cwd.parents]
    if root in chain:
        chain = chain[: chain.index(root) + 1]
    else:
        chain = [cwd]
    for folder in reversed(chain):
        for name in CONTEXT_NAMES:
            path = folder / name
            if path.is_file() and path not in found:
                found.append(path)
    return found


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()[:MAX_CONTEXT_FILE]
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace")


def system_prompt(cwd: Path, project_root: Path, tool_lines: list[str], extra: list[str] | None = None,
                  extra_files: list[Path] | None = None, identity: str | None = None) -> str:
    """`identity` (`--system-prompt`) replaces zot's own paragraph; the folder, the tools and the
    context files stay, because the agent cannot work without them."""
    parts = [IDENTITY if identity is None else identity, "", f"Working folder: {cwd}", f"Project root: {project_root}",
             f"Today: {_dt.date.today().isoformat()}", "", "Tools:"]
    parts += [f"- {line}" for line in tool_lines]
    for path in [*context_files(cwd, project_root), *(extra_files or [])]:
        text = _read(path).strip()
        if text:
            parts += ["", f"# Instructions from {path}", text]
    for fragment in extra or []:
        if fragment.strip():
            parts += ["", fragment.strip()]
    return "\n".join(parts)
