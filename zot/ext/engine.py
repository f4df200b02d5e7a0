"""The rule engine: compiles loaded extensions once into handlers on the agent's hook points.

Order is deterministic: an explicit `priority` (higher first), then scope (cli, project,
global, shipped), then extension name, then the order rules are written in. A section that fails
to compile skips its extension with an error; the rest load.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zot.ext import polarity
from zot.ext.builtin_commands import BUILTIN_COMMANDS
from zot.ext.compile import hooks as hook_kinds
from zot.ext.compile.commands import CommandTable, compile_commands
from zot.ext.compile.context import ExtCtx
from zot.ext.compile.guards import GuardRule, RewriteRule, Rule, compile_guards
from zot.ext.compile.hooks import compile_hooks
from zot.ext.compile.keybindings import compile_keybindings
from zot.ext.compile.prompts import compile_prompts, context_files
from zot.ext.compile.renderers import compile_renderers
from zot.ext.compile.tools import compile_tools
from zot.ext.compile.widgets import compile_widgets
from zot.ext.discover import SCOPE_ORDER
from zot.ext.hooks import Hooks

# section -> compiler(node, ctx) -> list of handlers
COMPILERS: dict[str, Callable[[Any, ExtCtx], list]] = {
    "guards": compile_guards,
    "tools": compile_tools,
    "commands": compile_commands,
    "hooks": compile_hooks,
    "prompts": compile_prompts,
    "widgets": compile_widgets,
    "renderers": compile_renderers,
    "keybindings": compile_keybindings,
}


RESTRICTIVE_SECTIONS = ("guards", "hooks")     # all an untrusted project's extension can add


@dataclass
class Compiled:
    ext: ExtCtx
    handlers: dict[str, list] = field(default_factory=dict)
    restricted: bool = False        # only its restrictive rules (an untrusted project: zot.ext.polarity)

    @property
    def rules(self) -> list[Rule]:
        return self.handlers.get("guards", [])


@dataclass
class Engine:
    hooks: Hooks
    compiled: list[Compiled]
    problems: list[str] = field(default_factory=list)
    tools: dict[str, Any] = field(default_factory=dict)        # declared tools by name
    commands: CommandTable = field(default_factory=CommandTable)
    widgets: list = field(default_factory=list)
    renderers: dict[str, Any] = field(default_factory=dict)    # tool name -> renderer (the nearest wins)
    keybindings: list = field(default_factory=list)            # zot.ext.compile.keybindings.KeyBinding
    context_files: list[Path] = field(default_factory=list)


def ext_context(ext, project: Path, tool_params: dict[str, dict], order: int = 0) -> ExtCtx:
    return ExtCtx(name=ext.name, scope=ext.found.scope, doc=ext.checked.doc, data=ext.data, params=ext.params,
                  restricted=ext.state == "restricted",
                  project=project, tool_params=tool_params, order=order)


def compile_extension(ctx: ExtCtx, sections: tuple[str, ...] | None = None) -> Compiled:
    compiled = Compiled(ctx)
    for section, compiler in COMPILERS.items():
        if section in ctx.data and (sections is None or section in sections):
            compiled.handlers[section] = compiler(ctx.data[section], ctx)
    return compiled


def tool_params_of(tools: dict[str, Any]) -> dict[str, dict]:
    return {name: getattr(tool, "parameters", {}) for name, tool in tools.items()}


def build_engine(exts: list, project: Path, tools: dict[str, Any]) -> Engine:
    """Compile every loaded extension and fill a Hooks object."""
    hooks = Hooks()
    engine = Engine(hooks, [])
    params = tool_params_of(tools)
    loaded = sorted((e for e in exts if e.active), key=lambda e: (SCOPE_ORDER[e.found.scope], e.name))
    for order, ext in enumerate(loaded):
        ctx = ext_context(ext, project, params, order)
        try:
            compiled = compile_extension(ctx, RESTRICTIVE_SECTIONS if ext.state == "restricted" else None)
            if ext.state == "restricted":
                compiled = polarity.restrict(compiled, ext.keep)
        except Exception as exc:  # validated manifests should compile; if not, skip this one only
            engine.problems.append(f"extension {ext.name} ({ext.found.path}) was skipped: {exc}")
            continue
        clash = [t.name for t in compiled.handlers.get("tools", []) if t.name in tools or t.name in engine.tools]
        if clash:
            engine.problems.append(f"extension {ext.name} was skipped: its tool `{clash[0]}` clashes with "
                                   f"{'a built-in tool' if clash[0] in tools else 'another extension'}")
            continue
        engine.compiled.append(compiled)
        _register(engine, compiled)
    all_commands = [c for comp in engine.compiled for c in comp.handlers.get("commands", [])]
    engine.commands.add_all(all_commands, set(BUILTIN_COMMANDS))
    engine.widgets.sort(key=lambda w: (w.placement, w.order))
    hooks.sort()
    _unshared(hooks)
    return engine


def _unshared(hooks: Hooks) -> None:
    """A rule written like no other shares its answer with nobody: asking a per-call table for
    it first only costs (one rule in a thousand teams' sets is written alike)."""
    rules = [*hooks.guards, *hooks.rewriters]
    counts: dict[str, int] = {}
    for rule in rules:
        key = getattr(rule, "same_as", None)
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    for rule in rules:
        key = getattr(rule, "same_as", None)
        if key is not None and counts[key] == 1:
            rule.same_as = None


BIG_RULE_SET = 500      # rules from which a loaded rule set is kept out of garbage collection


def settle(engine: Engine) -> bool:
    """Keep a big rule set out of the garbage collector's full collections. Thousands of compiled
    rules are hundreds of thousands of long-lived objects; a full collection walks them all and
    stalls whatever runs then for ~0.1 s (at 5,000 rules, a tool call's decision: its p99). They
    live until the next reload and hold no cycles that need collecting, so after one collection
    (which frees what loading left behind) they are frozen. Small rule sets are left alone: their
    collections are short, and a collection costs more than it saves. True when it froze."""
    hooks = engine.hooks
    if len(hooks.guards) + len(hooks.rewriters) < BIG_RULE_SET:
        return False
    import gc

    gc.collect()
    gc.freeze()
    return True


def _register(engine: Engine, compiled: Compiled) -> None:
    hooks = engine.hooks
    for rule in compiled.rules:
        (hooks.rewriters if isinstance(rule, RewriteRule) else hooks.guards).append(rule)
    for tool in compiled.handlers.get("tools", []):
        engine.tools[tool.name] = tool
    for rule in compiled.handlers.get("hooks", []):
        if isinstance(rule, hook_kinds.SystemHook):
            hooks.system_fragments.append(rule)
        elif isinstance(rule, hook_kinds.InputHook):
            hooks.input_transforms.append(rule)
        elif isinstance(rule, hook_kinds.ResultHook):
            hooks.result_transforms.append(rule)
        elif isinstance(rule, hook_kinds.TextHook):
            hooks.text_transforms.append(rule)
        else:
            hooks.observers.append(rule)
    if compiled.restricted:
        return
    hooks.system_fragments.extend(compiled.handlers.get("prompts", []))
    engine.widgets.extend(compiled.handlers.get("widgets", []))
    _register_presentation(engine, compiled)
    engine.context_files.extend(context_files(compiled.ext.data.get("prompts") or {}, compiled.ext))


def _register_presentation(engine: Engine, compiled: Compiled) -> None:
    """Renderers and key bindings: the first (nearest) extension keeps a tool or a key."""
    from zot.ext.keys import builtin_use

    name = compiled.ext.name
    for renderer in compiled.handlers.get("renderers", []):
        other = engine.renderers.setdefault(renderer.tool, renderer)
        if other is not renderer:
            engine.problems.append(f"extension {name}: its renderer for `{renderer.tool}` is not used: "
                                   f"extension {other.ext.name} renders that tool")
    taken = {b.key.name: b for b in engine.keybindings}
    for binding in compiled.handlers.get("keybindings", []):
        used = builtin_use(binding.key)
        other = taken.get(binding.key.name)
        if used or other:
            owner = f"zot ({used})" if used else f"extension {other.ext.name}"
            engine.problems.append(f"extension {name}: its key `{binding.key.name}` is not bound: {owner} uses it")
            continue
        taken[binding.key.name] = binding
        engine.keybindings.append(binding)


def is_guard(rule: Rule) -> bool:
    return isinstance(rule, GuardRule)
