"""The settings of a running session that a mode or a command may turn: model, reasoning,
system prompt, tools, settings file. Part of AgentSession (zot/agent/agent_session.py).

Each takes effect from the next turn on; none may be turned during a turn by a mode (rpc
refuses with `agent is busy`), but a command running in the session's queue may.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from zot.agent import events as ev
from zot.config import Settings


class Knobs:
    state: Any
    settings: Settings
    opts: Any
    bus: Any
    _model_checked: str

    def set_model(self, name: str) -> str:
        """Switch the model for the next turn (emits `model_change`, recorded in the session).
        Raises `UserError` for a name that is not PROVIDER/NAME. Call it while idle or from a
        command; the key is checked before the next turn."""
        from zot.agent.session import model_change_record
        from zot.agent.setup import model_config

        cfg = model_config(dataclasses.replace(self.opts, model=name), self.settings, require_key=False)
        previous = self.state.model.model or None
        self.state.model = cfg
        self.opts.model = name
        self._model_checked = ""
        if self.state.session is not None:
            self.state.record(model_change_record(name))
        self.bus.emit(ev.ModelChange(name, previous))
        return cfg.model

    def set_reasoning(self, level: str | None) -> None:
        """low | medium | high for the next turn; None or "off" stops asking for it."""
        level = None if level in (None, "off") else level
        self.opts.reasoning = level or "off"
        self.state.model.reasoning = level

    def set_system_prompt(self, text: str | None) -> None:
        """Replace zot's identity paragraph from the next turn on (None: zot's own again)."""
        self.state.system_prompt = text

    def append_system_prompt(self, text: str) -> None:
        """Add a paragraph to the system prompt from the next turn on."""
        self.state.system_extra.append(text)

    def set_system_part(self, key: str, text: str) -> None:
        """The paragraph named `key` (one per extension) at the end of the system prompt from the
        next turn on: it replaces the previous one of that name; "" removes it."""
        if text.strip():
            self.state.system_parts[key] = text
        else:
            self.state.system_parts.pop(key, None)

    @property
    def active_tools(self) -> list[str]:
        return sorted(self.state.active_tools())

    def set_active_tools(self, names: list[str] | None) -> None:
        """Offer only these tools to the model from the next turn on (None: all of them)."""
        self.state.tool_filter = None if names is None else set(names)

    def use_settings(self, settings: Settings) -> None:
        """New settings (after `/trust`): used by the next model check and the next reload."""
        self.settings = settings
        if self.state.manager is not None:
            self.state.manager.settings = settings

    def _check_tool_filter(self) -> None:
        """`--tools` names no tool here: say so once the scripts have registered theirs."""
        wanted = self.state.tool_filter
        if not wanted:
            return
        missing = sorted(wanted - set(self.state.tools))
        if missing:
            self.bus.notify("warning", f"--tools: no tool named {', '.join(missing)} here "
                                       f"(tools: {', '.join(sorted(self.state.tools))})")
