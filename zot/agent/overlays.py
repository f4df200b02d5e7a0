"""A command's overlay: ask the UI, then do what the chosen button says.

An extension command with `overlay:` (zot.ext.compile.commands) produces the overlay's text and
buttons; here the session's UI shows it (`ui.overlay`, zot/ui/overlay.py in the REPL) and the
button's follow-up becomes the command's result: `prompt` is sent to the model, `insert` goes
to the editor, `display` is shown, `command` runs that slash command line. Esc, a button with
no follow-up, or a UI that cannot show overlays end the command quietly; without any UI that can
ask (`-p`, an rpc client that did not opt in) the overlay's text is displayed with its buttons
listed, so nothing the extension wanted to say is lost.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zot.agent.slash import CommandResult

if TYPE_CHECKING:
    from zot.agent.agent_session import AgentSession


async def resolve(session: "AgentSession", command: str, text: str, spec: dict[str, Any]) -> CommandResult:
    ui = session.asker()
    actions = list(spec.get("actions") or [])
    show = getattr(ui, "overlay", None)
    if show is None:
        labels = " · ".join(a["label"] for a in actions)
        note = f"\n[/{command} opened an overlay, which needs the interactive UI" + \
            (f"; its buttons: {labels}]" if labels else "]")
        title = f"{spec['title']}\n" if spec.get("title") else ""
        return CommandResult(command, "display", title + text + note)
    answer = await show(command.split(":")[0], {**spec, "text": text, "actions": [a["label"] for a in actions]})
    answer = answer if isinstance(answer, dict) else {"cancelled": True}
    index = answer.get("index", -1)
    if answer.get("cancelled") or not isinstance(index, int) or not 0 <= index < len(actions):
        return CommandResult(command, "none")
    chosen = actions[index]
    for kind in ("prompt", "insert", "display"):
        if kind in chosen:
            return CommandResult(command, kind, chosen[kind])
    if "command" in chosen:
        from zot.agent.slash import dispatch

        return await dispatch(session, chosen["command"].strip())
    return CommandResult(command, "none")
