"""The one slash-command dispatch: zot's built-ins first, then extension commands.

Every mode sends `/name args` here through `AgentSession.send`, so `/model`, `/compact`, `/new`
and an extension's commands behave the same in the REPL, `-p`, `--json` and rpc. A name that is
no command, or is declared by two extensions, is a `UserError` naming the choices; each mode
shows it its own way (exit 2 in `-p`, a notice in the REPL, an `error` event in rpc).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zot.config import UserError
from zot.ext.builtin_commands import BUILTIN_COMMANDS

if TYPE_CHECKING:
    from zot.agent.agent_session import AgentSession


@dataclass
class CommandResult:
    """What a command produced. `action`: display | notify | insert | prompt | error | block |
    clear | exit | none. A `prompt` result's text is sent to the model as the user's message;
    a `block` is drawn with `block` ({format, style, subtitle})."""

    command: str
    action: str
    text: str = ""
    is_error: bool = False
    block: dict | None = None


def is_command(text: str) -> bool:
    return text.startswith("/") and len(text) > 1 and not text[1].isspace()


def split(text: str) -> tuple[str, str]:
    word, _, rest = text[1:].partition(" ")
    return word.strip(), rest


async def dispatch(session: "AgentSession", text: str) -> CommandResult:
    """Run `/name args`. Waits for the scripts when the name is not known yet (a script's command
    is registered once the script is ready)."""
    from zot.agent.builtins import BUILTINS

    word, rest = split(text)
    session.open_chosen()
    if word in BUILTINS:
        return await BUILTINS[word](session, rest)
    state = session.state
    table = state.engine.commands if state.engine else None
    command = table.find(word) if table else None
    if command is None and not session.scripts_done():
        await session.scripts_ready()
        command = table.find(word) if table else None
    if command is None:
        raise unknown(word, table)
    outcome = await command.invoke(rest, state.cwd, session.facts())
    if outcome.is_error and outcome.status:
        session.bus.notify("error", f"/{command.qualified} failed: {outcome.status}")
    if outcome.action == "overlay":
        from zot.agent.overlays import resolve

        return await resolve(session, command.qualified, outcome.text, outcome.block or {})
    return CommandResult(command.qualified, outcome.action, outcome.text, outcome.is_error, outcome.block)


def unknown(word: str, table: Any) -> UserError:
    """No such command, or a bare name two extensions declare: say which names work."""
    from zot.diagnostics import did_you_mean

    owners = [c for c in table.qualified.values() if c.name == word] if table else []
    if len(owners) > 1:
        return UserError(f"/{word} is ambiguous: it is declared by " + " and ".join(c.ext.name for c in owners),
                         "use " + " or ".join(f"/{c.qualified}" for c in owners), code=2)
    known = sorted({f"/{c.name}" if table.bare.get(c.name) is c else f"/{c.qualified}"
                    for c in table.qualified.values()}) if table else []
    names = list(BUILTIN_COMMANDS) + (list(table.bare) + list(table.qualified) if table else [])
    return UserError(f"there is no command /{word}",
                     did_you_mean(word, names, quote="/{}") + "commands here: " + (", ".join(known) or "none")
                     + "; zot's own: /help lists them; to send text that starts with /, put a space before it",
                     code=2)
