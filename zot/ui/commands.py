"""How the REPL presents zot's read-only commands, and what only a screen can do.

The commands themselves live in zot.agent.builtins and run through the session, as in every
mode. The ones in IMMEDIATE also run while the agent works; the REPL answers them here, from
the same data, with colours (`/help` adds the keys), and `/clear` and `/exit` act on the screen.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from zot.agent.builtins import IMMEDIATE, cost_lines, ext_lines, help_lines

Handler = Callable[[Any, str], Awaitable[None]]

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

STYLES = {"title": "class:md.h2", "code": "class:md.code", "name": "bold", "plain": "", "muted": "class:muted",
          "ok": "class:tool.ok", "warning": "class:notice.warning", "error": "class:notice.error"}


def styled(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(STYLES.get(kind, ""), text) for kind, text in lines]


async def cmd_help(repl: Any, arg: str) -> None:
    out = styled(help_lines(repl.state))
    out.append(("class:md.h2", "Keys\n"))
    from zot.ui.ext_keys import help_lines as ext_keys

    for keys, what in KEYS_HELP + ext_keys(repl):
        out += [("class:md.code", f"  {keys:<18}"), ("", f" {what}\n")]
    out.append(("class:muted", "  @path attaches that file to the message; pasting a lot of text shows a placeholder.\n"))
    repl.printer.print(out)


async def cmd_cost(repl: Any, arg: str) -> None:
    from zot.ui.status import cost_text, tokens

    repl.printer.print(styled(cost_lines(repl.state, repl.status.window(repl.state), tokens, cost_text)))


async def cmd_ext(repl: Any, arg: str) -> None:
    out = styled(ext_lines(repl.state))
    for widget in repl.widgets.widgets():
        if getattr(widget, "error", None):
            out.append(("class:notice.warning", f"  widget {widget.qualified}: {widget.error}\n"))
    repl.printer.print(out)


async def cmd_clear(repl: Any, arg: str) -> None:
    repl.app.renderer.clear()


async def cmd_exit(repl: Any, arg: str) -> None:
    repl.exit()


PRESENTERS: dict[str, Handler] = {"help": cmd_help, "cost": cmd_cost, "ext": cmd_ext, "clear": cmd_clear,
                                  "exit": cmd_exit}
assert set(PRESENTERS) == set(IMMEDIATE), "every immediate command needs a presenter"


def arg_completions(repl: Any, name: str, position: int, prefix: str) -> list[tuple[str, str]]:
    if name == "model" and position == 0:
        from zot.agent.models import known_models

        current = repl.state.model.model if repl.state else ""
        found = [(m, "current" if m == current else "") for m in known_models(load=False) if m.startswith(prefix)]
        if current and current.startswith(prefix) and current not in dict(found):
            found.insert(0, (current, "current"))
        return found[:60]
    return []
