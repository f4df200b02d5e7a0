"""The extensions of one session: load and compile them, run their scripts, reload them.

Why one object: loading (manifests -> engine -> hooks, tools, commands) and running (scripts
that add tools and commands while the session goes on) change the same live state, and reload
has to redo both without disturbing what holds on to that state (the bus keeps the Hooks
object, the loop the tool dict). So the Hooks object and the tool dict are changed in place.

Reload re-reads every manifest; an extension whose manifest no longer validates keeps the
version loaded before (compiled again from the same data) and its diagnostics are returned.
Every script is shut down and started again; an MCP server keeps running when its entry did not
change (zot.ext.mcp.host), and a changed, removed or failed one is stopped (and started again).
"""
from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any, Callable

from zot.config import Settings
from zot.ext.hooks import Hooks

Notify = Callable[[str, str, str], None]


class ExtensionManager:
    def __init__(self, cli_paths: tuple[Path, ...] = (), discover: bool = True,
                 settings: Settings | None = None) -> None:
        self.cli_paths = cli_paths
        self.discover = discover
        self.settings = settings
        self.base_tools: dict[str, Any] = {}
        self.exts: list = []
        self.engine: Any = None
        self.host: Any = None
        self.mcp: Any = None                  # zot.ext.mcp.host.McpHost, when a manifest declares servers
        self._stale_mcp: list = []
        self.notify: Notify | None = None
        self.ui: Any = None
        self.port: Any = None                # zot.ext.script.port.SessionPort of the running session

    # ---------------------------------------------------------------- loading

    def load(self, state) -> list[str]:
        """Read, check and compile every extension into `state`; returns what the user should hear.
        Scripts are prepared here and started by `start` (it needs the event loop)."""
        from zot.ext.loader import load_extensions

        if self.discover:
            from zot.ext.packs.installed import require_intact

            require_intact(state.project_root)     # a changed pack's rules must not silently vanish
        self.base_tools = dict(state.tools)
        exts = load_extensions(state.project_root, self.cli_paths, discover_scopes=self.discover,
                               settings=self.settings)
        return self._apply(state, exts)

    def _apply(self, state, exts: list) -> list[str]:
        from zot.ext.engine import build_engine, settle
        from zot.ext.script.host import Live, ScriptHost

        engine = build_engine(exts, state.project_root, self.base_tools)
        settle(engine)
        _replace_hooks(state.hooks, engine.hooks)
        engine.hooks = state.hooks
        state.tools.clear()
        state.tools.update(self.base_tools)
        state.tools.update(engine.tools)
        state.extra_files = list(engine.context_files)
        state.extensions = exts
        state.engine = engine
        self.exts, self.engine = exts, engine
        facts = {"model": state.model.model, "cwd": str(state.cwd)}
        live = Live(state.tools, engine.commands, state.hooks, engine.widgets, engine.renderers)
        self.host = ScriptHost(script_specs(engine), live, state.project_root, facts, self.ui, self.port)
        return load_notices(engine, exts) + self._mcp_host(engine, state)

    def _mcp_host(self, engine, state) -> list[str]:
        """The MCP servers of the loaded extensions (none: no host, and the SDK is never imported)."""
        specs = mcp_specs(engine, state.project_root)
        old, self.mcp = self.mcp, None
        if not specs and old is None:
            return []
        from zot.ext.mcp.host import START_MODES, McpHost

        start = str(self.settings.get("mcp_start", "startup") if self.settings is not None else "startup")
        self.mcp = McpHost(specs, state.tools, start)
        self._stale_mcp += self.mcp.adopt(old)
        if start not in START_MODES:
            return [f"settings: `mcp_start: {start}` is not one of {', '.join(START_MODES)}; MCP servers start "
                    "at start-up"]
        return []

    # ---------------------------------------------------------------- running

    async def start(self, state, notify: Notify | None = None, ui: Any = None, port: Any = None) -> None:
        """Start every script at once (returns when each is ready or has failed)."""
        if notify is not None:
            self.notify = notify
        if ui is not None:
            self.ui = ui
        if port is not None:
            self.port = port
        if self.host is None:
            return
        self.host.ui = self.ui
        if self.port is not None:
            self.host.port = self.port
        self.host.facts["model"] = state.model.model
        if self.notify is not None:
            self.host.attach(self.notify)
            if self.mcp is not None:
                self.mcp.attach(self.notify)
        stale, self._stale_mcp = self._stale_mcp, []
        if stale:
            await self.mcp.shutdown(stale)
        await asyncio.gather(self.host.start(), *([self.mcp.start()] if self.mcp is not None else []))

    async def mcp_ready(self) -> None:
        """Before a prompt: MCP servers still starting (or lazy ones with unknown tools) are ready."""
        if self.mcp is not None and self.mcp.pending():
            await self.mcp.ready()

    async def shutdown(self) -> None:
        if self.host is not None:
            await self.host.shutdown()
        if self.mcp is not None:
            await self.mcp.shutdown()

    async def reload(self, state) -> list[str]:
        from zot.config import UserError
        from zot.ext.loader import load_extensions

        if self.discover:
            from zot.ext.packs.installed import require_intact

            try:
                require_intact(state.project_root)
            except UserError as exc:
                return ["extensions not reloaded: " + exc.message.replace("\n", "; ")]
        fresh = load_extensions(state.project_root, self.cli_paths, discover_scopes=self.discover,
                                settings=self.settings)
        old = self.exts
        merged, kept = keep_previous(old, fresh)
        if self.host is not None:
            await self.host.shutdown()         # scripts restart; MCP servers are reconciled in _apply
        if self.host is not None:
            self.host.uninstall()
        notices = self._apply(state, merged)
        await self.start(state)
        return reload_changes(old, merged) + kept + [n for n in notices if n not in kept]


def reload_changes(old: list, new: list) -> list[str]:
    """One line per extension that a reload added, removed or changed (its state, what it can do,
    or only its rules), so a reload says what it did."""
    from zot.ext import capabilities as caps

    before = {e.name: e for e in old}
    after = {e.name: e for e in new}
    out = []
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        if a is None:
            out.append(f"reload: extension {name} is gone")
            continue
        if b is None:
            out.append(f"reload: new extension {name} ({a.state})")
            continue
        parts = [f"{b.state} -> {a.state}"] if a.state != b.state else []
        diff = caps.diff({name: caps.summarize(name, b.data)}, {name: caps.summarize(name, a.data)})
        if not diff.empty:
            parts.append(diff.short())
        elif b.data != a.data:
            parts.append("its rules changed")
        if parts:
            out.append(f"reload: extension {name}: " + "; ".join(parts))
    return out


def keep_previous(old: list, fresh):
    """`fresh`, except that an extension whose manifest no longer validates keeps the version
    loaded before: in full for `-e`, global and shipped ones; only its restrictive rules for a
    project's (its edit is untrusted), unless the trusted version's rules already stand in."""
    import dataclasses as dc

    before = {e.found.path: e for e in old if e.active}
    by_name = {e.name: e for e in old if e.active}
    standing = {e.alias for e in fresh if e.alias}
    kept: list[str] = []
    merged = type(fresh)()
    merged.__dict__.update(getattr(fresh, "__dict__", {}))
    for ext in fresh:
        previous = before.get(ext.found.path) or by_name.get(ext.name)
        if ext.state != "error" or previous is None or previous.alias:
            merged.append(ext)
            continue
        if previous.found.scope == "project":
            if f"{previous.name}@trusted" in standing:
                merged.append(ext)
                continue
            previous = dc.replace(previous, state="restricted", note="restrictive rules of the version loaded "
                                  "before, kept while its manifest has errors")
        kept.append(f"extension {previous.name} keeps its previous version"
                    + (" (restrictive rules only)" if previous.state == "restricted" else "")
                    + ": its manifest has errors")
        kept.extend(f"{d.file}:{d.line}:{d.column}: {d.message}" for d in ext.diagnostics if d.is_error)
        merged.append(previous)
    return merged, kept


def _replace_hooks(target: Hooks, source: Hooks) -> None:
    """Every handler list of `target` becomes `source`'s; `confirm` (set by a UI) stays."""
    for f in dataclasses.fields(Hooks):
        if f.name != "confirm":
            setattr(target, f.name, getattr(source, f.name))


def script_specs(engine) -> list:
    """A ScriptSpec for every compiled extension with a `script:` (or an extension.json)."""
    from zot.ext.script.spec import spec_of

    specs = []
    for compiled in engine.compiled:
        ctx = compiled.ext
        node = ctx.data.get("script") if not compiled.restricted else None
        if isinstance(node, dict) and node.get("exec"):
            specs.append(spec_of(ctx.name, ctx.doc.path.parent.resolve(), node, ctx.order, ctx.scope, ctx))
    return specs


def mcp_specs(engine, project: Path) -> list:
    """A ServerSpec for every `mcp:` server of a fully loaded extension (an untrusted project's
    waits for trust, like a script: zot.ext.polarity)."""
    from zot.ext.mcp.spec import specs_of

    specs = []
    for compiled in engine.compiled:
        ctx = compiled.ext
        if compiled.restricted or not isinstance(ctx.data.get("mcp"), dict):
            continue
        specs += specs_of(ctx.name, ctx.doc.path.parent.resolve(), ctx.data, project, ctx.scope, ctx.order,
                          ctx.location)
    return specs


def load_notices(engine, exts: list) -> list[str]:
    notices = list(engine.problems) + list(engine.commands.clashes)
    for ext in exts:
        notices.extend(ext.problems if ext.loaded else [])
        if ext.state == "error":
            first = next((d for d in ext.diagnostics if d.is_error), None)
            where = f": {first.file}:{first.line}:{first.column}: {first.message}" if first else ""
            notices.append(f"extension {ext.name} was not loaded{where}")
        elif ext.state == "conflict":
            notices.append(f"project extension {ext.name} ({ext.found.path}) {ext.note}")
    line = exts.trust_notice() if hasattr(exts, "trust_notice") else ""
    return notices + ([line] if line else [])
