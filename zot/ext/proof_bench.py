"""The live pieces an extension's `tests:` run against: its hooks, tools and commands, registered
as the engine registers them, and its script when tests may start one.

`zot ext test` starts the script (like the agent would, with the same adapters), so a test of
a script's tool, its `tool_call` or `tool_result` intercept sees what a session would.
`zot ext validate` never starts a script: the tests that depend on one are skipped and named.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zot.ext.hooks import Hooks


@dataclass
class Bench:
    hooks: Hooks
    tools: dict[str, Any]
    commands: Any
    host: Any = None
    problems: list[str] = field(default_factory=list)    # the script did not start, and why

    async def close(self) -> None:
        if self.host is not None:
            await self.host.shutdown()


def has_script(compiled) -> bool:
    return isinstance(compiled.ext.data.get("script"), dict)


async def open_bench(compiled, start_script: bool) -> Bench:
    """The extension's handlers in one Hooks, in engine order; its script running when asked."""
    from zot.ext.engine import Engine, _register

    engine = Engine(Hooks(), [])
    engine.compiled.append(compiled)
    _register(engine, compiled)
    engine.commands.add_all([c for c in compiled.handlers.get("commands", [])], set())
    engine.hooks.sort()
    bench = Bench(engine.hooks, dict(engine.tools), engine.commands)
    if start_script and has_script(compiled):
        from zot.ext.manager import script_specs
        from zot.ext.script.host import Live, ScriptHost

        ctx = compiled.ext
        live = Live(bench.tools, engine.commands, engine.hooks, engine.widgets)
        bench.host = ScriptHost(script_specs(engine), live, ctx.project, {"model": "", "cwd": str(ctx.project)})
        bench.host.attach(lambda level, text, source: bench.problems.append(text) if level == "error" else None)
        await bench.host.start()
        failed = [e for e in bench.host.exts if getattr(e, "status", "") != "running"]
        if failed and not bench.problems:
            bench.problems.append(f"the script did not become ready ({failed[0].status})")
    return bench
