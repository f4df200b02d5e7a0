"""What every section compiler gets: the extension, its params, where its rules are written,
and the facts templates may use."""
from __future__ import annotations

import datetime as _dt
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from zot.ext.facts import empty_session
from zot.yamlio import Document


class GitFacts:
    """`git.branch` and `git.dirty` for templates, computed only when a template reads them."""

    def __init__(self, cwd: Path, enabled: bool = True) -> None:
        self._cwd = cwd
        self._enabled = enabled     # off for an untrusted project's rules: they run nothing

    def _git(self, *argv: str) -> str | None:
        if not self._enabled:
            return None
        try:
            out = subprocess.run(["git", *argv], cwd=self._cwd, capture_output=True, text=True, timeout=2)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout if out.returncode == 0 else None

    @cached_property
    def branch(self) -> str:
        return (self._git("branch", "--show-current") or "").strip()

    @cached_property
    def dirty(self) -> bool:
        return bool((self._git("status", "--porcelain") or "").strip())


def git_facts(memo: dict, cwd: Path, enabled: bool) -> GitFacts:
    """One GitFacts per call and folder, shared by every rule that reads `git` (git runs once)."""
    key = ("git", cwd, enabled)
    if key not in memo:
        memo[key] = GitFacts(cwd, enabled)
    return memo[key]


@dataclass
class ExtCtx:
    name: str
    scope: str
    doc: Document
    data: dict
    params: dict[str, Any]
    project: Path
    tool_params: dict[str, dict] = field(default_factory=dict)
    order: int = 0                      # load order: scope, then name
    restricted: bool = False            # an untrusted project's: only its restrictive rules, nothing runs

    def location(self, *path: str | int) -> str:
        """`file:line` of a rule. A block-style `section: name:` is found by scanning the text, so
        compiling a clean extension never needs the slower parse that knows every position."""
        line = quick_line(self.doc.text, path) if len(path) == 2 else None
        if line is None:
            line, _ = self.doc.position(tuple(path), at_key=True)
        return f"{self.doc.display}:{line}"

    @property
    def data_dir(self) -> str:
        """This project's data folder for the extension (`.zot/data/NAME`, never hashed by trust)."""
        from zot.config import project_data_dir

        return str(project_data_dir(self.project, self.name.split("@", 1)[0]))

    def primary_arg(self, tool: str) -> str | None:
        """The argument a bare text example or a matcher without `arg` means: the tool's one
        required string argument (bash: `command`), else `path` when it requires one (write)."""
        return primary_arg(self.tool_params.get(tool) or {})


def quick_line(text: str, path: tuple) -> int | None:
    """The line of `key:` (or of item number `key`) directly under a top-level `section:` in block
    style, else None (flow style and anything unusual fall back to the parser's positions)."""
    section, key = path
    seen = -1
    lines = text.splitlines()
    inside, indent = False, None
    for number, raw in enumerate(lines, 1):
        stripped = raw.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(raw) - len(stripped)
        if depth == 0:
            if inside:
                return None
            inside = stripped.rstrip() == f"{section}:" or stripped.startswith(f"{section}: #")
            continue
        if not inside:
            continue
        if indent is None:
            indent = depth
        if depth != indent:
            continue
        if isinstance(key, int):
            if stripped.startswith("- ") or stripped == "-":
                seen += 1
                if seen == key:
                    return number
        elif stripped.split(":", 1)[0].strip("'\"") == key and ":" in stripped:
            return number
    return None


def primary_arg(schema: dict) -> str | None:
    props = schema.get("properties") or {}
    required = [k for k in schema.get("required") or [] if (props.get(k) or {}).get("type") == "string"]
    if len(required) == 1:
        return required[0]
    return "path" if "path" in required else None


def template_facts(cwd: Path, project: Path, model: str, ext: "ExtCtx", session: dict | None = None) -> dict[str, Any]:
    """What every template may read (checks/sites.py BASE lists the same names)."""
    return {"cwd": str(cwd), "project": str(project), "model": model, "params": ext.params,
            "project_data_dir": ext.data_dir, "date": _dt.date.today().isoformat(),
            "git": GitFacts(cwd, not ext.restricted),
            "session": session or empty_session()}
