"""The rule engine: compiles loaded extensions once into handlers on the agent's hook points.

Order is deterministic: an explicit `priority` (higher first), then scope (cli, project,
global, shipped), then extension name, then the order rules are written in. A section that fails
to compile skips its extension with an error; the rest load.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zot.ext.compile.context import ExtCtx
from zot.ext.compile.guards import GuardRule, RewriteRule, Rule, compile_guards
from zot.ext.discover import SCOPE_ORDER
from zot.ext.hooks import Hooks

# section -> compiler(node, ctx) -> list of handlers
COMPILERS: dict[str, Callable[[Any, ExtCtx], list]] = {
    "guards": compile_guards,
}


@dataclass
class Compiled:
    ext: ExtCtx
    handlers: dict[str, list] = field(default_factory=dict)

    @property
    def rules(self) -> list[Rule]:
        return self.handlers.get("guards", [])


@dataclass
class Engine:
    hooks: Hooks
    compiled: list[Compiled]
    problems: list[str] = field(default_factory=list)


def ext_context(ext, project: Path, tool_params: dict[str, dict], order: int = 0) -> ExtCtx:
    return ExtCtx(name=ext.name, scope=ext.found.scope, doc=ext.checked.doc, data=ext.data, params=ext.params,
                  project=project, tool_params=tool_params, order=order)


def compile_extension(ctx: ExtCtx) -> Compiled:
    compiled = Compiled(ctx)
    for section, compiler in COMPILERS.items():
        if section in ctx.data:
            compiled.handlers[section] = compiler(ctx.data[section], ctx)
    return compiled


def tool_params_of(tools: dict[str, Any]) -> dict[str, dict]:
    return {name: getattr(tool, "parameters", {}) for name, tool in tools.items()}


def build_engine(exts: list, project: Path, tools: dict[str, Any]) -> Engine:
    """Compile every loaded extension and fill a Hooks object."""
    hooks = Hooks()
    engine = Engine(hooks, [])
    params = tool_params_of(tools)
    loaded = sorted((e for e in exts if e.loaded), key=lambda e: (SCOPE_ORDER[e.found.scope], e.name))
    for order, ext in enumerate(loaded):
        ctx = ext_context(ext, project, params, order)
        try:
            compiled = compile_extension(ctx)
        except Exception as exc:  # validated manifests should compile; if not, skip this one only
            engine.problems.append(f"extension {ext.name} ({ext.found.path}) was skipped: {exc}")
            continue
        engine.compiled.append(compiled)
        for rule in compiled.rules:
            (hooks.rewriters if isinstance(rule, RewriteRule) else hooks.guards).append(rule)
    hooks.sort()
    return engine


def is_guard(rule: Rule) -> bool:
    return isinstance(rule, GuardRule)
