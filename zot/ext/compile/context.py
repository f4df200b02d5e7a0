"""What every section compiler gets: the extension, its params, where its rules are written,
and the facts templates may use."""
from __future__ import annotations

import datetime as _dt
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from zot.yamlio import Document


class GitFacts:
    """`git.branch` and `git.dirty` for templates, computed only when a template reads them."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd

    def _git(self, *argv: str) -> str | None:
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

    def location(self, *path: str | int) -> str:
        line, _ = self.doc.position(tuple(path), at_key=True)
        return f"{self.doc.display}:{line}"

    def primary_arg(self, tool: str) -> str | None:
        """The argument a bare text example or a matcher without `arg` means: the tool's one
        required string argument (bash: `command`), else `path` when it requires one (write)."""
        return primary_arg(self.tool_params.get(tool) or {})


def primary_arg(schema: dict) -> str | None:
    props = schema.get("properties") or {}
    required = [k for k in schema.get("required") or [] if (props.get(k) or {}).get("type") == "string"]
    if len(required) == 1:
        return required[0]
    return "path" if "path" in required else None


def template_facts(cwd: Path, project: Path, model: str, params: dict, session: dict | None = None) -> dict[str, Any]:
    return {"cwd": str(cwd), "project": str(project), "model": model, "params": params,
            "date": _dt.date.today().isoformat(), "git": GitFacts(cwd), "session": session or {}}
