"""The shipped extensions loaded into a real engine, and one call judged as `zot ext explain` does."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zot.ext.decide import decide_now
from zot.ext.engine import Engine, build_engine
from zot.ext.hooks import CallInfo, Verdict
from zot.ext.loader import load_extensions
from zot.tools import builtin_tools


@dataclass
class World:
    """A home folder with a project (a git repository) inside it, and the engine built there."""

    home: Path
    project: Path
    engine: Engine

    def fill(self, value: Any) -> Any:
        """Replace @HOME@ and @PROJECT@ in every string of a call's arguments."""
        if isinstance(value, str):
            return value.replace("@PROJECT@", str(self.project)).replace("@HOME@", str(self.home))
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value


def make_world(root: Path) -> World:
    """Call with HOME and ZOT_HOME already pointing at `root/home` and `root/home/.zot`."""
    home = root / "home"
    project = home / "work" / "proj"
    (project / ".git" / "hooks").mkdir(parents=True)
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text("print('app')\n")
    (project / "README.md").write_text("# proj\n")
    (project / ".env").write_text("SECRET=1\n")
    (project / "envlink").symlink_to(".env")           # links to a protected file
    os.link(project / ".env", project / "envhard")
    (home / ".ssh").mkdir()
    (home / ".ssh" / "authorized_keys").write_text("")
    exts = load_extensions(project)
    engine = build_engine(exts, project, {t.name: t for t in builtin_tools()})
    loaded = [e.name for e in exts if e.loaded]
    assert "safety" in loaded, [(e.name, e.state, e.note, [str(d) for d in e.diagnostics]) for e in exts]
    assert not engine.problems, engine.problems
    return World(home, project, engine)


def judge(world: World, tool: str, args: dict[str, Any]) -> tuple[str, dict[str, Any], list[Verdict]]:
    """The one decision function (rewrites, then every guard on the final arguments).
    The working directory is the project, as when zot runs there."""
    args = world.fill(args)
    cwd = str(world.project)
    call = CallInfo("corpus", tool, dict(args), dict(args), cwd, cwd)
    decision = decide_now(call, world.engine.hooks)
    return decision.decision, call.args, decision.verdicts
