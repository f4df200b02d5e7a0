"""What script extensions may ask of the session (zot.ext.script.port), done through the
session's own methods: a script's message goes into the same work queue as what the user types,
its model switch is `/model`'s, its tool choice is `--tools`'. So each behaves the same in the
REPL, `-p`, `--json` and rpc.

A script that keeps starting turns on its own is stopped after SCRIPT_TURN_LIMIT of them in a
row without the user sending anything (a message sent from `agent_end` would otherwise loop, and
`zot -p` would never end); the next user input resets the count.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zot.agent.agent_session import AgentSession

SCRIPT_TURN_LIMIT = 25


class ScriptPort:
    def __init__(self, session: "AgentSession") -> None:
        self.session = session
        self.base_prompt = session.state.system_prompt     # what `set_system_prompt(None)` gives back

    def send_message(self, text: str, trigger: bool, origin: str) -> str:
        s = self.session
        if not trigger:
            s.add_context(text)
            return "held"
        if s.script_streak >= SCRIPT_TURN_LIMIT:
            raise RuntimeError(f"{SCRIPT_TURN_LIMIT} turns in a row were started by extensions without the user; "
                               "the next one waits until the user sends something")
        status = "queued" if s.busy or s.queued else "started"
        item = s.submit(text, "script", label=f"message from {origin}", on_start=self._started)
        item.future.add_done_callback(lambda future: self._report(origin, future))
        return status

    def _started(self, item: Any) -> None:
        announce = self.session.on_script_item
        if announce is not None:
            announce(item)

    def _report(self, origin: str, future: asyncio.Future) -> None:
        """A script's message that could not run (no model, no key) is told, not lost."""
        if future.cancelled() or future.exception() is None:
            return
        exc = future.exception()
        hint = getattr(exc, "hint", "")
        self.session.bus.notify("error", f"the message from extension {origin} was not sent: {exc}"
                                + (f" ({hint})" if hint else ""), origin)

    def set_system_prompt(self, text: str | None) -> None:
        self.session.set_system_prompt(self.base_prompt if text is None else text)

    def append_system_prompt(self, origin: str, text: str) -> None:
        self.session.set_system_part(f"ext:{origin}", text)

    def tools(self) -> list[dict[str, Any]]:
        state = self.session.state
        active = state.active_tools()
        return [{"name": name, "description": tool.description, "parameters": tool.parameters,
                 "source": str(getattr(tool, "source", "builtin")), "active": name in active}
                for name, tool in sorted(state.tools.items())]

    def set_active_tools(self, names: list[str] | None) -> dict[str, list[str]]:
        self.session.set_active_tools(names)
        known = self.session.state.tools
        return {"active": self.session.active_tools,
                "unknown": sorted(n for n in names or [] if n not in known)}

    def set_model(self, name: str) -> str:
        from zot.agent.models import split_model

        provider = split_model(self.session.state.model.model)[0] if self.session.state.model.model else ""
        return self.session.set_model(name if "/" in name or not provider else f"{provider}/{name}")

    def state(self) -> dict[str, Any]:
        s = self.session
        session = s.state.session
        return {"has_ui": s.asker() is not None, "model": s.state.model.model, "busy": s.busy,
                "queued": len(s.queued), "cwd": str(s.state.cwd), "session_id": session.id if session else "",
                "active_tools": s.active_tools}
