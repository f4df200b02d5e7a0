"""The session port: what a script may ask of the running session (zot's capabilities
`send_message`, `system_prompt`, `active_tools`, `set_model`, `get_state`).

The agent implements it (zot.agent.script_port) on the one AgentSession every mode drives, so a
script's message, model switch or tool choice behaves the same in the REPL, `-p`, `--json` and
rpc. `ext` never imports the agent; it only knows this protocol. A method that cannot do what is
asked raises an exception whose text the script receives in `host_result.error`.
"""
from __future__ import annotations

from typing import Any, Protocol


class SessionPort(Protocol):
    def send_message(self, text: str, trigger: bool, origin: str) -> str:
        """Queue `text` as a user message from extension `origin`: it starts a turn at once when
        the session is idle, else after what waits ("started" / "queued"). With `trigger` False
        it waits in front of the next prompt instead ("held")."""

    def set_system_prompt(self, text: str | None) -> None:
        """Replace zot's identity paragraph from the next turn on; None gives back the one zot
        started with."""

    def append_system_prompt(self, origin: str, text: str) -> None:
        """Extension `origin`'s own paragraph at the end of the system prompt from the next turn
        on; it replaces the extension's previous one, and "" removes it."""

    def tools(self) -> list[dict[str, Any]]:
        """Every tool: name, description, parameters, source and whether the model is offered it."""

    def set_active_tools(self, names: list[str] | None) -> dict[str, list[str]]:
        """Offer only these tools from the next model request on (None: all); returns the
        active names and the names no tool has (yet)."""

    def set_model(self, name: str) -> str:
        """Switch the model from the next model request on; returns its full name."""

    def state(self) -> dict[str, Any]:
        """has_ui, model, busy, queued, cwd, session_id, active_tools."""


class NoSession:
    """The port of a host with no session (`zot ext` commands, tests): every request is refused."""

    def _refuse(self, *args: Any) -> Any:
        raise RuntimeError("there is no agent session here")

    send_message = set_system_prompt = append_system_prompt = tools = set_active_tools = set_model = _refuse
    state = _refuse
