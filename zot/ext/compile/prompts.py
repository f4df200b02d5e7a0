"""compile_prompts: system-prompt fragments with conditions, named templates, context files.

Fragments join the system prompt at `before_agent_start` in load order; each `when` key that is
given must hold (`model`: one of the globs matches; `files`: some file in the project matches one
of the globs; `expr`). Named templates are used by commands (`prompt: {template: NAME}`); context
files are read like AGENTS.md.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.ext import expr as expressions
from zot.ext import templates
from zot.ext.compile.context import ExtCtx, GitFacts, template_facts
from zot.ext.facts import empty_session


@dataclass
class Fragment:
    ext: ExtCtx
    text: str
    when: dict = field(default_factory=dict)
    priority: int = 0

    def holds(self, facts: dict[str, Any]) -> bool:
        model = facts.get("model", "")
        globs = self.when.get("model")
        if globs is not None:
            globs = [globs] if isinstance(globs, str) else globs
            if not any(fnmatch.fnmatchcase(model, g) for g in globs):
                return False
        files = self.when.get("files") or []
        if files and not any(any(self.ext.project.glob(pattern)) for pattern in files):
            return False    # at least one existing file must match one of the globs
        if self.when.get("expr"):
            names = {"cwd": facts.get("cwd", ""), "project": str(self.ext.project), "params": self.ext.params,
                     "session": facts.get("session") or empty_session(), "model": model,
                     "git": GitFacts(Path(facts.get("cwd") or self.ext.project), not self.ext.restricted)}
            if not expressions.evaluate(self.when["expr"], names):
                return False
        return True

    async def fragment(self, facts: dict[str, Any]) -> str | None:
        if not self.holds(facts):
            return None
        cwd = Path(facts.get("cwd") or self.ext.project)
        return templates.render(self.text, template_facts(cwd, self.ext.project, facts.get("model", ""),
                                                          self.ext, facts.get("session")))


def compile_prompts(section: dict, ext: ExtCtx) -> list[Fragment]:
    return [Fragment(ext, item["text"], item.get("when") or {}) for item in (section or {}).get("system") or []]


def context_files(section: dict, ext: ExtCtx) -> list[Path]:
    out = []
    for rel in (section or {}).get("context_files") or []:
        path = (ext.project / rel).resolve()
        if path.is_file():
            out.append(path)
    return out
