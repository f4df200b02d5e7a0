"""zot's own slash commands, for every mode. Names and descriptions: zot.ext.builtin_commands.

Each is `async (session, argument text) -> CommandResult` and runs inside the session's work
queue (the ones in IMMEDIATE also run while a turn is going). They change the session through
its methods and report as text; a mode with a screen may present the read-only ones (help,
cost, ext) more richly from the same `*_lines` data. A question (`/sessions` without a number,
`/trust`) goes to the session's UI port; without one the command says what to do instead.
"""
from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from zot.agent.slash import CommandResult
from zot.config import UserError
from zot.ext.builtin_commands import BUILTIN_COMMANDS

if TYPE_CHECKING:
    from zot.agent.agent_session import AgentSession

Builtin = Callable[["AgentSession", str], Awaitable[CommandResult]]
Lines = list[tuple[str, str]]   # (kind, text); kind: title | code | name | plain | muted | ok | warning | error

IMMEDIATE = frozenset({"help", "cost", "ext", "clear", "exit"})


def text_of(lines: Lines) -> str:
    return "".join(text for _, text in lines).rstrip("\n")


# ---------------------------------------------------------------- read-only reports


def help_lines(state: Any) -> Lines:
    out: Lines = [("title", "Commands\n")]
    for name, description in BUILTIN_COMMANDS.items():
        out += [("code", f"  /{name:<12}"), ("plain", f" {description}\n")]
    table = state.engine.commands if state is not None and state.engine else None
    if table is not None and table.qualified:
        out.append(("title", "Extension commands\n"))
        for qualified, cmd in sorted(table.qualified.items()):
            shown = f"/{cmd.name}" if table.bare.get(cmd.name) is cmd else f"/{qualified}"
            usage = cmd.usage()[len(cmd.name) + 1:] if hasattr(cmd, "usage") else ""
            out += [("code", f"  {shown}{usage}"), ("plain", f"  {cmd.description}"),
                    ("muted", f"  [{cmd.ext.name}]\n")]
    return out


def cost_lines(state: Any, window: int | None, fmt: Callable[[int], str] = "{:,}".format,
               money: Callable[[float | None], str] = lambda c: "$–" if c is None else f"${c:.4f}") -> Lines:
    u = state.usage
    lines: Lines = [
        ("plain", f"tokens: {fmt(u.input_tokens)} in ({fmt(u.cache_read_tokens)} cached read, "
                  f"{fmt(u.cache_write_tokens)} cached write), {fmt(u.output_tokens)} out\n"),
        ("plain", f"cost:   {money(u.cost)}" + ("" if u.cost is not None else " (no price known for this model)")
         + "\n")]
    if window:
        pct = round(100 * state.last_input_tokens / window) if state.last_input_tokens else 0
        lines.append(("plain", f"context: {fmt(state.last_input_tokens)} of {fmt(window)} ({pct}%)\n"))
    return lines


def ext_lines(state: Any) -> Lines:
    out: Lines = []
    if not state.extensions:
        out.append(("muted", "no extensions (see `zot ext list`, or load one with -e PATH)\n"))
    scripts = {e.name: e for e in getattr(getattr(state.manager, "host", None), "exts", [])}
    for ext in sorted(state.extensions, key=lambda e: (e.state != "loaded", e.name)):
        kind = "ok" if ext.loaded else ("error" if ext.state == "error" else "muted")
        out += [(kind, f"{'●' if ext.loaded else '○'} "), ("name", ext.name), ("muted", f" {ext.version}"),
                ("plain", f"  {ext.found.scope}  "), (kind, ext.state)]
        if ext.note:
            out.append(("muted", f"  {ext.note}"))
        script = scripts.get(ext.name)
        if script is not None:
            out.append(("muted", f"  script: {script.status}" + (f" ({script.reason})" if script.reason else "")))
        out.append(("plain", "\n"))
        out += mcp_lines(state, ext.name)
        for diag in [d for d in ext.diagnostics if d.is_error][:3]:
            out.append(("error", f"    {diag.file}:{diag.line}:{diag.column}: {diag.message}\n"))
        for problem in ext.problems:
            out.append(("warning", f"    {problem}\n"))
    for notice in state.notices:
        out.append(("warning", f"  {notice}\n"))
    return out


def mcp_lines(state: Any, ext: str) -> Lines:
    """The extension's MCP servers, as they are now (zot.ext.mcp.status)."""
    host = getattr(state.manager, "mcp", None)
    if host is None:
        return []
    from zot.ext.mcp.status import live_lines

    return [("error" if ": failed" in line else "muted", f"    {line}\n") for line in live_lines(host, ext)]


async def cmd_help(session: "AgentSession", arg: str) -> CommandResult:
    return CommandResult("help", "display", text_of(help_lines(session.state)))


async def cmd_cost(session: "AgentSession", arg: str) -> CommandResult:
    from zot.agent.compaction import window

    size = await asyncio.to_thread(window, session.state) if session.state.model.model else None
    return CommandResult("cost", "display", text_of(cost_lines(session.state, size)))


async def cmd_ext(session: "AgentSession", arg: str) -> CommandResult:
    return CommandResult("ext", "display", text_of(ext_lines(session.state)))


# ---------------------------------------------------------------- commands that change the session


async def cmd_model(session: "AgentSession", arg: str) -> CommandResult:
    from zot.agent.setup import NO_MODEL_HINT

    name = arg.strip()
    if not name:
        current = session.state.model.model
        if current:
            return CommandResult("model", "display", f"model: {current}   (switch with /model PROVIDER/NAME)")
        return CommandResult("model", "notify", f"no model is configured: {NO_MODEL_HINT}")
    session.set_model(name)
    where = await asyncio.to_thread(remember_model, name)
    note = f"remembered in {where}" if where else "not remembered (the settings file could not be written)"
    if os.environ.get("ZOT_MODEL") and os.environ["ZOT_MODEL"] != name:
        note += "; ZOT_MODEL overrides it in new sessions"
    return CommandResult("model", "notify", note)


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


async def cmd_sessions(session: "AgentSession", arg: str) -> CommandResult:
    from zot.agent.session import list_sessions

    state = session.state
    infos = (await asyncio.to_thread(list_sessions, state.project_root))[:20]
    current = state.session.path if state.session is not None else None
    infos = [i for i in infos if i.path != current]
    if not infos:
        return CommandResult("sessions", "notify", "no other session in this project yet")
    labels = []
    for info in infos:      # the id keeps two labels apart
        when = info.updated.astimezone().strftime("%Y-%m-%d %H:%M") if info.updated else "?"
        labels.append(f"{when}  {info.message_count:>3} msgs  {info.first_prompt or '(empty)'}  · {info.id[:8]}")
    if arg.strip().isdigit() and 1 <= int(arg) <= len(infos):
        chosen = infos[int(arg) - 1]
    elif session.asker() is not None:
        label = await session.asker().select("", "Resume a session", "This project's sessions, newest first:", labels)
        if label is None:
            return CommandResult("sessions", "none")
        chosen = infos[labels.index(label)]
    else:
        listing = "\n".join(f"{i:>3}. {label}" for i, label in enumerate(labels, 1))
        return CommandResult("sessions", "display", f"{listing}\nresume one with /sessions NUMBER")
    vetoed = await session.switch_vetoed("resume", chosen.path)
    if vetoed is not None:
        return CommandResult("sessions", "error", f"the session was not switched: {vetoed}", is_error=True)
    session.resume(chosen.path)
    return CommandResult("sessions", "notify", f"resumed {chosen.path.name}: {len(state.messages)} messages")


async def cmd_new(session: "AgentSession", arg: str) -> CommandResult:
    vetoed = await session.switch_vetoed("new")
    if vetoed is not None:
        return CommandResult("new", "error", f"the session was not switched: {vetoed}", is_error=True)
    session.new()
    return CommandResult("new", "notify", "new session")


async def cmd_compact(session: "AgentSession", arg: str) -> CommandResult:
    if not session.state.messages:
        return CommandResult("compact", "notify", "nothing to compact yet")
    count = await session.compact_now()
    if count is None:
        return CommandResult("compact", "none")
    return CommandResult("compact", "notify", f"compacted {count} messages (manual)")


async def cmd_reload_ext(session: "AgentSession", arg: str) -> CommandResult:
    await session.reload_extensions()
    loaded = sum(1 for e in session.state.extensions if e.loaded)
    return CommandResult("reload-ext", "notify", f"reloaded: {loaded} extension{'s' if loaded != 1 else ''} loaded")


async def cmd_trust(session: "AgentSession", arg: str) -> CommandResult:
    """Show what trusting would let act (or what changed since the last trust), then ask."""
    from zot.config import load_settings
    from zot.ext import trust
    from zot.ext.trust_report import report

    project = session.state.project_root
    if not (project / ".zot").is_dir():
        return CommandResult("trust", "notify", f"{project} has no .zot/ folder: there is nothing to trust")
    found = await asyncio.to_thread(report, project)
    if found.status.error:
        return CommandResult("trust", "error", f"cannot trust {project}: {found.status.error}", is_error=True)
    if found.status.trusted:
        return CommandResult("trust", "notify", f"{project} is already trusted")
    if not found.status.present:
        return CommandResult("trust", "notify",
                             f"{project}/.zot holds nothing to trust (data under .zot/data/ needs no trust)")
    if session.asker() is None:
        raise UserError("/trust needs someone to say yes, and nobody can be asked here",
                        "run `zot trust` in a terminal: it lists what would run and asks")
    message = found.headline() + "\n" + "\n".join("  " + line for line in found.prompt_lines())
    if not await session.asker().confirm("", f"Trust {project}?", message, False):
        return CommandResult("trust", "notify", "not trusted")
    digest = await asyncio.to_thread(trust.trust, project)
    session.use_settings(load_settings(project, trusted_project=True))
    session.bus.notify("info", f"trusted {project} (content {digest[:12]}); any change to .zot/ asks again")
    return await cmd_reload_ext(session, "")


async def cmd_clear(session: "AgentSession", arg: str) -> CommandResult:
    return CommandResult("clear", "clear")


async def cmd_exit(session: "AgentSession", arg: str) -> CommandResult:
    return CommandResult("exit", "exit")


BUILTINS: dict[str, Builtin] = {
    "help": cmd_help, "model": cmd_model, "sessions": cmd_sessions, "new": cmd_new, "compact": cmd_compact,
    "cost": cmd_cost, "ext": cmd_ext, "reload-ext": cmd_reload_ext, "trust": cmd_trust, "clear": cmd_clear,
    "exit": cmd_exit,
}
assert set(BUILTINS) == set(BUILTIN_COMMANDS), "every built-in command needs a handler"
