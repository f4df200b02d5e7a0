"""A script's say over the session's life: switching sessions and compacting (zot's intercepts
`session_before_switch` and `before_compact`, capabilities `intercept_session_switch` and
`intercept_compact`).

| adapter | hook point | answer | on failure |
|---|---|---|---|
| SwitchIntercept | SwitchGuard, before `/new`, `/sessions N`, rpc `clear` | `block` (+`reason`) cancels the switch | deny cancels it |
| CompactIntercept | CompactHook, before a compaction | `block` cancels it; `summary` (or `replace_text`) is used instead of the model's | deny cancels it |

Both are asked with the same round trip as every intercept (`intercepts.ask`), so a timeout, a
crash or a malformed answer is reported once and decided by the script's `on_error`.
"""
from __future__ import annotations

from typing import Any

from zot.ext.hooks import CompactAnswer, Verdict
from zot.ext.script import protocol
from zot.ext.script.intercepts import InterceptFailed, _Base, ask


class SwitchIntercept(_Base):
    """`session_before_switch` with `reason` (new | resume), `session_id` and, for a resume,
    `target_session_path`."""

    async def before_switch(self, fields: dict[str, Any]) -> Verdict | None:
        if not self.wants("session_before_switch"):
            return None
        try:
            frame = await ask(self.ext, "session_before_switch", fields)
        except InterceptFailed as exc:
            if not self.deny_on_error:
                return None
            return Verdict("deny", f"extension {self.ext.name} could not check the switch ({exc}) and its on_error "
                           "is deny", self.source, error=str(exc))
        if protocol.flag(frame, "block"):
            return Verdict("deny", protocol.text(frame, "reason") or f"kept by extension {self.ext.name}",
                           self.source)
        return None


class CompactIntercept(_Base):
    """`before_compact` with `reason` (threshold | overflow | manual), `messages` (how many are
    summarised), `transcript` (them as text) and `previous_summary`."""

    async def before_compact(self, fields: dict[str, Any]) -> CompactAnswer | None:
        if not self.wants("before_compact"):
            return None
        try:
            frame = await ask(self.ext, "before_compact", fields)
        except InterceptFailed as exc:
            if not self.deny_on_error:
                return None
            return CompactAnswer(cancel=Verdict("deny", f"extension {self.ext.name} could not check the compaction "
                                                f"({exc}) and its on_error is deny", self.source, error=str(exc)))
        if protocol.flag(frame, "block"):
            return CompactAnswer(cancel=Verdict("deny", protocol.text(frame, "reason")
                                                or f"cancelled by extension {self.ext.name}", self.source))
        summary = frame.get("summary") if frame.get("summary") is not None else frame.get("replace_text")
        if isinstance(summary, str) and summary.strip():
            return CompactAnswer(summary=summary.strip())
        return None
