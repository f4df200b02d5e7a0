"""zot's own slash commands in the REPL. Names and descriptions: zot.ext.builtin_commands.

Each handler is `async (repl, argument text) -> None` and reports through the printer. The ones
in IMMEDIATE also run while the agent works; the others wait in the queue for the turn to end.
"""
from __future__ import annotations

import asyncio
import dataclasses
import os
from typing import Any, Awaitable, Callable

from zot.config import UserError
from zot.ext.builtin_commands import BUILTIN_COMMANDS

Handler = Callable[[Any, str], Awaitable[None]]

IMMEDIATE = frozenset({"help", "cost", "ext", "clear", "exit"})

KEYS_HELP = [
    ("enter", "send (while zot works: queue it)"),
    ("alt+enter, ctrl+j", "new line"),
    ("esc", "interrupt; queued messages come back to the editor"),
    ("ctrl+c", "clear the input · interrupt · twice: exit"),
    ("ctrl+d", "exit"),
    ("ctrl+o", "show the last tool result in full"),
    ("ctrl+r", "search the history"),
    ("tab", "complete /commands and @paths"),
    ("!command", "run a shell command; its output goes to the next message"),
]


def _muted(text: str) -> list[tuple[str, str]]:
    return [("class:muted", text)]


async def cmd_help(repl: Any, arg: str) -> None:
    out: list[tuple[str, str]] = [("class:md.h2", "Commands\n")]
    for name, description in BUILTIN_COMMANDS.items():
        out += [("class:md.code", f"  /{name:<12}"), ("", f" {description}\n")]
    table = repl.state.engine.commands if repl.state and repl.state.engine else None
    if table is not None and table.qualified:
        out.append(("class:md.h2", "Extension commands\n"))
        for qualified, cmd in sorted(table.qualified.items()):
            shown = f"/{cmd.name}" if table.bare.get(cmd.name) is cmd else f"/{qualified}"
            usage = cmd.usage()[len(cmd.name) + 1:] if hasattr(cmd, "usage") else ""
            out += [("class:md.code", f"  {shown}{usage}"), ("", f"  {cmd.description}"),
                    ("class:muted", f"  [{cmd.ext.name}]\n")]
    out.append(("class:md.h2", "Keys\n"))
    for keys, what in KEYS_HELP:
        out += [("class:md.code", f"  {keys:<18}"), ("", f" {what}\n")]
    out.append(("class:muted", "  @path attaches that file to the message; pasting a lot of text shows a placeholder.\n"))
    repl.printer.print(out)


async def cmd_model(repl: Any, arg: str) -> None:
    from zot.agent import events as ev
    from zot.agent.setup import NO_MODEL_HINT, model_config

    state = repl.state
    name = arg.strip()
    if not name:
        current = state.model.model
        if current:
            repl.printer.print([("", "model: "), ("class:status.model", current),
                                ("class:muted", "   switch with /model PROVIDER/NAME")])
        else:
            repl.printer.print([("class:notice.warning", "no model is configured: "), ("", NO_MODEL_HINT)])
        return
    opts = dataclasses.replace(repl.opts, model=name)
    try:
        cfg = model_config(opts, repl.settings, require_key=False)
    except UserError as exc:
        repl.user_error(exc)
        return
    previous = state.model.model or None
    state.model = cfg
    repl.opts.model = name
    repl.model_checked = ""
    if state.session is not None:
        from zot.agent.session import model_change_record

        state.record(model_change_record(name))
    repl.bus.emit(ev.ModelChange(name, previous))
    where = await asyncio.to_thread(remember_model, name)
    note = f"remembered in {where}" if where else "not remembered (the settings file could not be written)"
    if os.environ.get("ZOT_MODEL") and os.environ["ZOT_MODEL"] != name:
        note += "; ZOT_MODEL overrides it in new sessions"
    repl.printer.print(_muted(f"  {note}"))


def remember_model(name: str) -> str | None:
    """Write `model: NAME` into the global settings file, keeping its comments."""
    from ruamel.yaml.comments import CommentedMap

    from zot.config import settings_path
    from zot.yamlio import dump_roundtrip, load_document

    path = settings_path("global")
    try:
        data: Any = CommentedMap()
        if path.exists():
            doc = load_document(path)
            if any(d.is_error for d in doc.diagnostics if d.code != "empty"):
                return None
            data = doc.data if isinstance(doc.data, dict) else CommentedMap()
        data["model"] = name
        dump_roundtrip(data, path)
        return str(path)
    except Exception:
        return None


async def cmd_sessions(repl: Any, arg: str) -> None:
    from zot.agent.session import list_sessions

    infos = (await asyncio.to_thread(list_sessions, repl.state.project_root))[:20]
    current = repl.state.session.path if repl.state.session is not None else None
    infos = [i for i in infos if i.path != current]
    if not infos:
        repl.printer.print(_muted("no other session in this project yet"))
        return
    labels = []
    for info in infos:      # the id keeps two labels apart
        when = info.updated.astimezone().strftime("%Y-%m-%d %H:%M") if info.updated else "?"
        labels.append(f"{when}  {info.message_count:>3} msgs  {info.first_prompt or '(empty)'}  · {info.id[:8]}")
    if arg.strip().isdigit() and 1 <= int(arg) <= len(infos):
        chosen = infos[int(arg) - 1]
    else:
        label = await repl.dialogs.select("", "Resume a session", "This project's sessions, newest first:", labels)
        if label is None:
            return
        chosen = infos[labels.index(label)]
    await repl.resume(chosen.path)


async def cmd_new(repl: Any, arg: str) -> None:
    repl.new_session()
    repl.printer.print(_muted("· new session"))


async def cmd_compact(repl: Any, arg: str) -> None:
    from zot.agent.compaction import compact

    if not repl.state.messages:
        repl.printer.print(_muted("nothing to compact yet"))
        return
    if not await repl.model_ready():
        return
    repl.ensure_session()
    await compact(repl.state, "manual", repl.bus.emit, repl.new_cancel())


async def cmd_cost(repl: Any, arg: str) -> None:
    from zot.ui.status import cost_text, tokens

    state = repl.state
    u = state.usage
    lines = [("", f"tokens: {tokens(u.input_tokens)} in ({tokens(u.cache_read_tokens)} cached read, "
                  f"{tokens(u.cache_write_tokens)} cached write), {tokens(u.output_tokens)} out\n"),
             ("", f"cost:   {cost_text(u.cost)}" + ("" if u.cost is not None else " (no price known for this model)")
              + "\n")]
    window = repl.status.window(state)
    if window:
        pct = round(100 * state.last_input_tokens / window) if state.last_input_tokens else 0
        lines.append(("", f"context: {tokens(state.last_input_tokens)} of {tokens(window)} ({pct}%)\n"))
    repl.printer.print(lines)


async def cmd_ext(repl: Any, arg: str) -> None:
    state = repl.state
    out: list[tuple[str, str]] = []
    if not state.extensions:
        out.append(("class:muted", "no extensions (see `zot ext list`, or load one with -e PATH)\n"))
    scripts = {e.name: e for e in getattr(getattr(state.manager, "host", None), "exts", [])}
    for ext in sorted(state.extensions, key=lambda e: (e.state != "loaded", e.name)):
        style = "class:tool.ok" if ext.loaded else ("class:notice.error" if ext.state == "error" else "class:muted")
        out += [(style, f"{'●' if ext.loaded else '○'} "), ("bold", ext.name), ("class:muted", f" {ext.version}"),
                ("", f"  {ext.found.scope}  "), (style, ext.state)]
        if ext.note:
            out.append(("class:muted", f"  {ext.note}"))
        script = scripts.get(ext.name)
        if script is not None:
            out.append(("class:muted", f"  script: {script.status}" + (f" ({script.reason})" if script.reason else "")))
        out.append(("", "\n"))
        for diag in [d for d in ext.diagnostics if d.is_error][:3]:
            out.append(("class:notice.error", f"    {diag.file}:{diag.line}:{diag.column}: {diag.message}\n"))
        for problem in ext.problems:
            out.append(("class:notice.warning", f"    {problem}\n"))
    for widget in repl.widgets.widgets():
        if getattr(widget, "error", None):
            out.append(("class:notice.warning", f"  widget {widget.qualified}: {widget.error}\n"))
    for notice in state.notices:
        out.append(("class:notice.warning", f"  {notice}\n"))
    repl.printer.print(out)


async def cmd_reload_ext(repl: Any, arg: str) -> None:
    from zot.agent.setup import reload_extensions

    notices = await reload_extensions(repl.state)
    repl.state.notices = [n for n in notices if not n.startswith("reload:")]
    for notice in notices:
        repl.view.notice("info" if notice.startswith("reload:") else "warning", notice)
    loaded = sum(1 for e in repl.state.extensions if e.loaded)
    repl.printer.print(_muted(f"· reloaded: {loaded} extension{'s' if loaded != 1 else ''} loaded"))
    repl.widgets.start()


async def cmd_trust(repl: Any, arg: str) -> None:
    from zot.config import load_settings
    from zot.ext import trust
    from zot.ext.trust_report import report

    project = repl.state.project_root
    if not (project / ".zot").is_dir():
        repl.printer.print(_muted(f"{project} has no .zot/ folder: there is nothing to trust"))
        return
    found = await asyncio.to_thread(report, project)
    if found.status.error or found.status.trusted:
        repl.printer.print(_muted(f"cannot trust {project}: {found.status.error}" if found.status.error
                                  else f"{project} is already trusted"))
        return
    message = found.headline() + "\n" + "\n".join("  " + line for line in found.prompt_lines())
    if not await repl.dialogs.confirm("", f"Trust {project}?", message, False):
        repl.printer.print(_muted("not trusted"))
        return
    digest = await asyncio.to_thread(trust.trust, project)
    settings = load_settings(project, trusted_project=True)
    repl.settings = settings
    if repl.state.manager is not None:
        repl.state.manager.settings = settings
    repl.printer.print(_muted(f"· trusted {project} (content {digest[:12]}); any change to .zot/ asks again"))
    await cmd_reload_ext(repl, "")


async def cmd_clear(repl: Any, arg: str) -> None:
    repl.app.renderer.clear()


async def cmd_exit(repl: Any, arg: str) -> None:
    repl.exit()


HANDLERS: dict[str, Handler] = {
    "help": cmd_help, "model": cmd_model, "sessions": cmd_sessions, "new": cmd_new, "compact": cmd_compact,
    "cost": cmd_cost, "ext": cmd_ext, "reload-ext": cmd_reload_ext, "trust": cmd_trust, "clear": cmd_clear,
    "exit": cmd_exit,
}
assert set(HANDLERS) == set(BUILTIN_COMMANDS), "every built-in command needs a handler"

_models: list[str] | None = None


def known_models() -> list[str]:
    """Model strings from litellm's map (once litellm is imported), PROVIDER/NAME."""
    global _models
    from zot.llm import loaded

    if _models is None and loaded():
        from zot.llm import _litellm

        names = set()
        for name, info in getattr(_litellm.load(), "model_cost", {}).items():
            provider = info.get("litellm_provider") if isinstance(info, dict) else None
            if not provider or name == "sample_spec":
                continue
            names.add(name if "/" in name else f"{provider}/{name}")
        _models = sorted(names)
    return _models or []


def arg_completions(repl: Any, name: str, position: int, prefix: str) -> list[tuple[str, str]]:
    if name == "model" and position == 0:
        current = repl.state.model.model if repl.state else ""
        found = [(m, "current" if m == current else "") for m in known_models() if m.startswith(prefix)]
        if current and current.startswith(prefix) and current not in dict(found):
            found.insert(0, (current, "current"))
        return found[:60]
    return []
