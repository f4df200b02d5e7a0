"""The shipped extensions loaded into a real engine, and one call judged as `zot ext explain` does."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zot.ext.engine import Engine, build_engine
from zot.ext.hooks import CallInfo, Verdict
from zot.ext.loader import load_extensions
from zot.tools import builtin_tools

RANK = {"allow": 0, "warn": 0, "confirm": 1, "deny": 2}


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
    (home / ".ssh").mkdir()
    exts = load_extensions(project)
    engine = build_engine(exts, project, {t.name: t for t in builtin_tools()})
    loaded = [e.name for e in exts if e.loaded]
    assert "safety" in loaded, [(e.name, e.state, e.note, [str(d) for d in e.diagnostics]) for e in exts]
    assert not engine.problems, engine.problems
    return World(home, project, engine)


def judge(world: World, tool: str, args: dict[str, Any]) -> tuple[str, dict[str, Any], list[Verdict]]:
    """Rewrites, then every guard on the final arguments; the strictest enforced verdict wins.
    The working directory is the project, as when zot runs there."""
    args = world.fill(args)
    cwd = str(world.project)
    call = CallInfo("corpus", tool, dict(args), dict(args), cwd, cwd)
    for rule in world.engine.hooks.rewriters:
        out = rule.rewrite_now(call)
        if out is not None and out.error is None:
            call.args = out.args
    verdicts = [v for g in world.engine.hooks.guards for v in g.judge_now(call)]
    enforced = [v for v in verdicts if not v.shadow and v.decision != "warn"]
    decision = max((v.decision for v in enforced), key=lambda d: RANK[d], default="allow")
    return decision, call.args, verdicts
