"""ScriptHost: every script extension of one session, started in parallel, on the live state.

The host owns the link between scripts and the agent: it installs one set of intercept adapters
per script into the session's Hooks (ordered with the manifest rules by priority, then load
order), and puts each script's tools, commands and widgets into the live tool dict, command table
and widget list when the script is ready, and takes them out when it fails (`withdraw`), so the
next model request no longer offers them. Start-up waits for every script at once, bounded by the
slowest hello + ready timeouts; a script that fails never blocks the others.

Notices raised before a mode attaches its bus are kept and delivered on `attach`.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zot.ext.compile.commands import CommandTable
from zot.ext.compile.guards import RewriteRule
from zot.ext.hooks import Hooks
from zot.ext.script import intercepts as ic
from zot.ext.script.extension import ScriptExtension
from zot.ext.script.lifecycle import CompactIntercept, SwitchIntercept
from zot.ext.script.protocol import CAPABILITIES, PROTOCOL_VERSION
from zot.ext.script.port import NoSession, SessionPort
from zot.ext.script.process import data_dir
from zot.ext.script.spec import ScriptSpec
from zot.ext.script.ui import UIPort
from zot.ext.script.ui_frames import withdraw_ui

Notify = Callable[[str, str, str], None]


@dataclass
class Live:
    """The running agent's state the host changes: all shared objects, changed in place."""

    tools: dict[str, Any]
    commands: CommandTable
    hooks: Hooks
    widgets: list = field(default_factory=list)
    renderers: dict = field(default_factory=dict)     # tool -> renderer (zot/ext/script/ui_adapters.py)


class ScriptHost:
    def __init__(self, specs: list[ScriptSpec], live: Live, project: Path, facts: dict[str, Any] | None = None,
                 ui: UIPort | None = None, port: SessionPort | None = None) -> None:
        self.exts = [ScriptExtension(spec, self) for spec in specs]
        self.live = live
        self.project = project
        self.facts = facts or {}          # model, cwd: for hello_ack
        self.ui = ui
        self.port: SessionPort = port or NoSession()
        self._notify: Notify | None = None
        self._held: list[tuple[str, str, str]] = []
        self._install()

    # ---------------------------------------------------------------- session

    async def start(self) -> None:
        """Start every script at once; returns when each is ready or has failed. A bug in starting
        one is reported as that extension's failure, never raised into the mode."""
        results = await asyncio.gather(*(ext.start() for ext in self.exts), return_exceptions=True)
        for ext, result in zip(self.exts, results):
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                ext.status = "failed"
                self.notify("error", f"extension {ext.name}: its script could not be started "
                            f"({type(result).__name__}: {result})", ext.name)

    async def shutdown(self) -> None:
        """`shutdown` to every script at once; each gets SIGTERM / SIGKILL if it lingers."""
        await asyncio.gather(*(ext.stop() for ext in self.exts), return_exceptions=True)

    def attach(self, notify: Notify) -> None:
        """From now on notices go to `notify` (the bus); the ones held so far go first."""
        self._notify = notify
        held, self._held = self._held, []
        for item in held:
            notify(*item)

    def notify(self, level: str, text: str, source: str, block: dict | None = None) -> None:
        """`block` (a script's `print_block`) goes to the bus with the text; it needs the bus."""
        if self.ui is not None and self._notify is None:
            self.ui.notify(level, text, source)
        elif self._notify is None:
            self._held.append((level, text, source) + ((block,) if block else ()))
        elif block:
            self._notify(level, text, source, block)
        else:
            self._notify(level, text, source)

    def ack_fields(self, spec: ScriptSpec) -> dict[str, Any]:
        from zot import __version__

        model = str(self.facts.get("model") or "")
        provider, _, name = model.partition("/")
        return {"protocol_version": PROTOCOL_VERSION, "zot_version": __version__, "provider": provider if name else "",
                "model": name or model, "cwd": str(self.facts.get("cwd") or self.project),
                "extension_dir": str(spec.folder), "data_dir": str(data_dir(spec.name)),
                "project_data_dir": spec.project_data_dir, "has_ui": self.has_ui(),
                "capabilities": list(CAPABILITIES)}

    def has_ui(self) -> bool:
        """Whether a person can be asked now (the session's view when there is one)."""
        try:
            return bool(self.port.state().get("has_ui"))
        except Exception:
            return self.ui is not None and getattr(self.ui, "can_ask", True)

    # ---------------------------------------------------------------- hook adapters

    def _install(self) -> None:
        hooks = self.live.hooks
        made: dict[str, list] = {name: [] for name in ("rewriters", "guards", "result_transforms", "input_transforms",
                                                        "turn_guards", "message_transforms", "switch_guards",
                                                        "compact_hooks")}
        for ext in self.exts:
            at = dict(priority=ext.spec.priority, order=ext.spec.order)
            call = ic.ToolCallIntercept(ext, **at)
            made["rewriters"].append(call)
            made["guards"].append(call)
            made["result_transforms"].append(ic.ResultIntercept(ext, **at))
            made["input_transforms"].append(ic.InputIntercept(ext, **at))
            made["turn_guards"].append(ic.TurnIntercept(ext, **at))
            made["message_transforms"].append(ic.MessageIntercept(ext, **at))
            made["switch_guards"].append(SwitchIntercept(ext, **at))
            made["compact_hooks"].append(CompactIntercept(ext, **at))
            hooks.add("observers", ic.EventObserver(ext))
        for name, handlers in made.items():
            hooks.add(name, *handlers)

    def uninstall(self) -> None:
        """Take every adapter and registered guard of this host out of the hooks (reload)."""
        mine = set(map(id, self.exts))
        owned = lambda h: id(getattr(h, "ext", None)) in mine or getattr(h, "_script_owner", None) in mine  # noqa: E731
        for name in (*Hooks.SORTED, "observers"):
            self.live.hooks.remove(name, owned)
        for ext in self.exts:
            self.withdraw(ext)

    # ---------------------------------------------------------------- registrations on the live state

    def tool_params(self) -> dict[str, dict]:
        return {name: getattr(tool, "parameters", {}) for name, tool in self.live.tools.items()}

    def publish(self, ext: ScriptExtension) -> None:
        """Put a ready script's tools, commands and widgets into the live state."""
        tools = self.live.tools
        for name, tool in ext.reg.tools.items():
            current = tools.get(name)
            if current is not None and getattr(current, "ext", None) is not ext:
                ext.log(f"tool `{name}` clashes with {_owner(current)}; not registered")
                ext.notify("warning", f"extension {ext.name}: its tool `{name}` clashes with {_owner(current)} "
                           "and was not registered")
                continue
            tools[name] = tool
        before = set(self.live.commands.clashes)
        self.live.commands.withdraw(ext)
        self.live.commands.add_all(list(ext.reg.commands.values()))
        for clash in self.live.commands.clashes:
            if clash not in before:
                ext.notify("warning", clash)
        self.live.widgets[:] = [w for w in self.live.widgets if getattr(w, "ext", None) is not ext]
        self.live.widgets.extend(ext.reg.widgets.values())
        self.live.widgets.sort(key=lambda w: (w.placement, w.order))

    def withdraw(self, ext: ScriptExtension) -> None:
        """Take a failed script's tools, commands and widgets out of the live state."""
        for name in [n for n, t in self.live.tools.items() if getattr(t, "ext", None) is ext]:
            del self.live.tools[name]
        self.live.commands.withdraw(ext)
        self.live.widgets[:] = [w for w in self.live.widgets if getattr(w, "ext", None) is not ext]
        withdraw_ui(self, ext)

    def publish_guards(self, ext: ScriptExtension) -> None:
        """Registered guards join the manifest rules (rewrites with the rewriters)."""
        hooks = self.live.hooks
        for name in ("rewriters", "guards"):
            hooks.remove(name, lambda h: getattr(h, "_script_owner", None) == id(ext))
        for rule in ext.guards.values():
            rule._script_owner = id(ext)
            hooks.add("rewriters" if isinstance(rule, RewriteRule) else "guards", rule)

    def widget_changed(self, widget: Any) -> None:
        """A script changed a widget: a UI that can redraw at once does (the REPL, rpc's feed)."""
        changed = getattr(self.ui, "widget_changed", None)
        if changed is not None:
            try:
                changed()
            except Exception:  # drawing is the UI's business; a failure there must not reach the script
                pass


def _owner(tool: Any) -> str:
    ext = getattr(tool, "ext", None)
    if ext is not None and getattr(ext, "name", None):
        return f"a tool of extension {ext.name}"
    source = str(getattr(tool, "source", "builtin"))
    return "a built-in tool" if source == "builtin" else f"a tool of {source}"
