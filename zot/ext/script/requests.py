"""What a script asks of the session: the frames of zot's session capabilities.

| frame (ext -> zot) | fields | `host_result.value` |
|---|---|---|
| `send_message` | `text`, `trigger_turn` (default true) | `{status: started / queued / held}` |
| `set_system_prompt` | `text` (null: zot's own again) | null |
| `append_system_prompt` | `text` ("" removes this extension's paragraph) | null |
| `get_tools` | | `[{name, description, parameters, source, active}]` |
| `set_active_tools` | `names` (null: all) | `{active, unknown}` |
| `set_model` | `model` | `{model}` |
| `get_state` | | `{has_ui, model, busy, queued, cwd, session_id, active_tools}` |

A frame with an `id` is answered with `host_result {id, ok, value, error}`; without one it is
fire-and-forget and a failure is only logged. `FrameHandlers` (frames.py) routes `_on_<type>`
here; the session itself is reached through `host.port` (zot.ext.script.port).
"""
from __future__ import annotations

from typing import Any, Callable

from zot.ext.script import protocol


class SessionRequests:
    """Mixed into ScriptExtension next to FrameHandlers (uses `host`, `proc`, `name`, `log`)."""

    def _answer(self, frame: dict[str, Any], work: Callable[[], Any]) -> None:
        try:
            value, reply = work(), {"ok": True}
            if value is not None:
                reply["value"] = value
        except Exception as exc:   # the port's refusal (a bad model name, no session): told, never raised
            reply = {"ok": False, "error": str(exc) or type(exc).__name__}
            self.log(f"{frame['type']} refused: {reply['error']}")
        if frame.get("id") is not None and self.proc is not None:
            self.proc.send({"type": "host_result", "id": frame.get("id"), **reply})

    def _on_send_message(self, frame: dict[str, Any]) -> None:
        def work() -> Any:
            text = protocol.text(frame, "text")
            if not text.strip():
                raise ValueError("send_message needs a non-empty `text`")
            trigger = frame.get("trigger_turn", frame.get("triggerTurn", True)) is not False
            return {"status": self.host.port.send_message(text, trigger, self.name)}
        self._answer(frame, work)

    def _on_set_system_prompt(self, frame: dict[str, Any]) -> None:
        value = frame.get("text")
        self._answer(frame, lambda: self.host.port.set_system_prompt(
            value if isinstance(value, str) and value.strip() else None))

    def _on_append_system_prompt(self, frame: dict[str, Any]) -> None:
        self._answer(frame, lambda: self.host.port.append_system_prompt(self.name, protocol.text(frame, "text")))

    def _on_get_tools(self, frame: dict[str, Any]) -> None:
        self._answer(frame, self.host.port.tools)

    def _on_set_active_tools(self, frame: dict[str, Any]) -> None:
        names = None if frame.get("names") is None else protocol.names(frame, "names")
        self._answer(frame, lambda: self.host.port.set_active_tools(names))

    def _on_set_model(self, frame: dict[str, Any]) -> None:
        def work() -> Any:
            model = protocol.text(frame, "model").strip()
            if not model:
                raise ValueError("set_model needs a `model` (PROVIDER/NAME)")
            return {"model": self.host.port.set_model(model)}
        self._answer(frame, work)

    def _on_get_state(self, frame: dict[str, Any]) -> None:
        self._answer(frame, self.host.port.state)
