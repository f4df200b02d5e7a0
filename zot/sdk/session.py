"""What an extension may ask of the running session (zot's session capabilities): start a turn,
change the system prompt, the tools or the model, and read the session's state.

Each call is a request answered by zot's `host_result` and may be made from any thread but the
reader (handlers, hooks, your own threads). When zot does not offer the capability (the Go zot),
the call returns None and says so once in the log; when zot refuses (a bad model name), it
raises `HostError` with zot's reason.
"""
from __future__ import annotations

from .wire import HostGone

__all__ = ["HostError", "SessionCalls"]

TIMEOUT = 10.0


class HostError(RuntimeError):
    """zot refused a request (its `host_result.error`), did not answer in time, or is gone."""


class SessionCalls:
    """Mixed into `Extension` (uses `_offered`, `_wire`, `host`)."""

    def _host_call(self, capability: str, frame: dict):
        if not self._offered(capability, frame["type"]):
            return None
        try:
            reply = self._wire.request(frame, TIMEOUT)
        except (TimeoutError, HostGone) as exc:
            raise HostError(f"{frame['type']}: {exc}") from None
        if reply.get("type") == "error" or reply.get("ok") is False:
            raise HostError(str(reply.get("error") or reply.get("message") or f"{frame['type']} was refused"))
        return reply.get("value")

    def send_message(self, text: str, trigger_turn: bool = True) -> str | None:
        """Send `text` as a user message. With `trigger_turn` it starts a turn now when zot is
        idle, else after what is queued ("started" / "queued"); without, it goes in front of the
        user's next message ("held")."""
        value = self._host_call("send_message", {"type": "send_message", "text": str(text),
                                                  "trigger_turn": bool(trigger_turn)})
        return value.get("status") if isinstance(value, dict) else None

    def set_system_prompt(self, text: str | None) -> bool:
        """Replace zot's identity paragraph from the next turn on (None: zot's own again). The
        folder, the tools and the project's AGENTS.md stay. False when zot does not offer it."""
        self._host_call("system_prompt", {"type": "set_system_prompt", "text": text})
        return self.host.offers("system_prompt")

    def append_system_prompt(self, text: str) -> bool:
        """This extension's paragraph at the end of the system prompt from the next turn on; a
        new call replaces it and "" removes it."""
        self._host_call("system_prompt", {"type": "append_system_prompt", "text": str(text)})
        return self.host.offers("system_prompt")

    def get_tools(self) -> list | None:
        """Every tool: {name, description, parameters, source, active}."""
        return self._host_call("active_tools", {"type": "get_tools"})

    def set_active_tools(self, names) -> dict | None:
        """Offer the model only these tools from its next request on (None: all of them); guards
        still apply. Returns {active, unknown}."""
        return self._host_call("active_tools", {"type": "set_active_tools",
                                                "names": None if names is None else [str(n) for n in names]})

    def set_model(self, model: str) -> str | None:
        """Switch the model from the next request on (PROVIDER/NAME, or NAME of the same
        provider); returns the full name."""
        value = self._host_call("set_model", {"type": "set_model", "model": str(model)})
        return value.get("model") if isinstance(value, dict) else None

    def session_state(self) -> dict:
        """{has_ui, model, busy, queued, cwd, session_id, active_tools}; without the capability,
        what `hello_ack` said."""
        value = self._host_call("get_state", {"type": "get_state"})
        if isinstance(value, dict):
            return value
        raw = self.host.raw
        return {"has_ui": bool(raw.get("has_ui")), "model": self.host.model, "cwd": self.host.cwd}

    @property
    def has_ui(self) -> bool:
        """Whether a person can be asked (a confirm, a panel) right now."""
        try:
            return bool(self.session_state().get("has_ui"))
        except HostError:
            return bool(self.host.raw.get("has_ui"))
