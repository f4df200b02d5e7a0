"""A script's intercepts and observed events on zot's hook points.

One adapter of each kind is installed per script extension when the session starts; each asks
the script only for what it currently subscribes to (`subscribe.intercept` / `.events`), so a
restart that subscribes differently needs no re-installation.

| adapter | hook point | runs | combines | on failure |
|---|---|---|---|---|
| ToolCallIntercept | Rewriter and Guard | before guards / with them | chained by priority, then scope, then name / strictest wins | `on_error`: deny blocks the call, allow lets it run |
| ResultIntercept | ResultTransform | after the tool ran | chained | deny withholds the result |
| InputIntercept | InputTransform | before the turn | chained, `block` stops | deny consumes the input |
| TurnIntercept | TurnGuard | at each turn_start | first block stops the run | deny stops the run |
| MessageIntercept | MessageTransform | at message_end | chained | deny hides the text |
| EventObserver | Observer | after each event | in order, never blocks | the event is lost (logged) |

A failure is a timeout (`timeouts.intercept`), a script that is not running, an `error`
answer or a malformed answer. It is reported once per script process (the crash itself is
reported where it is noticed), recorded in the decision, and decided by the script's `on_error`.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from zot.ext.hooks import CallInfo, InputOutcome, Rewrite, Source, Verdict
from zot.ext.script import eventmap, protocol
from zot.ext.script.process import ScriptDown, ScriptTimeout
from zot.tools.base import ToolResult

if TYPE_CHECKING:
    from zot.ext.script.extension import ScriptExtension


class InterceptFailed(Exception):
    """The script could not decide; `on_error` does."""


async def ask(ext: "ScriptExtension", event: str, fields: dict[str, Any]) -> dict[str, Any]:
    """One `event_intercept` round trip; the validated `event_intercept_response`."""
    timeout = ext.spec.timeouts.intercept
    try:
        frame = await ext.request({"type": "event_intercept", "event": event, **fields}, timeout)
    except ScriptTimeout as exc:
        ext.report_once("timeout", f"the script {exc}; {ext.on_error_words()}")
        raise InterceptFailed(f"no answer within {timeout:g}s") from None
    except ScriptDown as exc:
        raise InterceptFailed(f"the script is not running: {exc}") from None
    except protocol.FrameError as exc:
        raise InterceptFailed(str(exc)) from None
    problem = _malformed(frame)
    if problem:
        ext.report_once("reply", f"the script {problem}; {ext.on_error_words()}")
        raise InterceptFailed(problem)
    return frame


def _malformed(frame: dict[str, Any]) -> str | None:
    if frame["type"] == "error":
        return f"answered an intercept with an error: {protocol.text(frame, 'message', '?')}"
    if "modified_args" in frame and frame["modified_args"] is not None and not isinstance(frame["modified_args"], dict):
        return "answered with `modified_args` that is not an object"
    if "replace_text" in frame and frame["replace_text"] is not None and not isinstance(frame["replace_text"], str):
        return "answered with `replace_text` that is not a string"
    if frame.get("is_error") is not None and not isinstance(frame["is_error"], bool):
        return "answered with `is_error` that is not true or false"
    if frame.get("summary") is not None and not isinstance(frame["summary"], str):
        return "answered with `summary` that is not a string"
    return None


def _blocked(frame: dict[str, Any]) -> bool:
    return protocol.flag(frame, "block")


@dataclass
class _Base:
    ext: "ScriptExtension"
    priority: int = 0
    order: int = 0

    @property
    def source(self) -> Source:
        return Source(self.ext.name, "intercept", self.ext.spec.label)

    @property
    def deny_on_error(self) -> bool:
        return self.ext.spec.on_error == "deny"

    def wants(self, event: str) -> bool:
        return event in self.ext.reg.intercepts


@dataclass
class _Seen:
    args: dict[str, Any]                 # the arguments the script's answer left
    frame: dict[str, Any] | None = None
    error: str | None = None


def _seen(call: CallInfo) -> dict[str, _Seen]:
    """What each script answered for this call; lives on the CallInfo, so it ends with the call."""
    return call.__dict__.setdefault("_script_seen", {})


class ToolCallIntercept(_Base):
    """The `tool_call` intercept: `modified_args` is a rewrite; `block` a deny verdict judged with
    the guards. If a later rewrite changed the arguments after the script saw them, `judge` asks
    again with the final ones, so the script always judges what will run."""

    def _fields(self, call: CallInfo) -> dict[str, Any]:
        return {"tool_id": call.id, "tool_name": call.tool, "tool_args": call.args}

    async def _ask(self, call: CallInfo) -> _Seen:
        try:
            frame = await ask(self.ext, "tool_call", self._fields(call))
        except InterceptFailed as exc:
            return _Seen(copy.deepcopy(call.args), error=str(exc))
        args = frame.get("modified_args")
        return _Seen(copy.deepcopy(args if isinstance(args, dict) else call.args), frame)

    async def rewrite(self, call: CallInfo) -> Rewrite | None:
        if not self.wants("tool_call"):
            return None
        seen = _seen(call)[self.ext.name] = await self._ask(call)
        if seen.error:
            return Rewrite(call.args, self.source, error=f"the script intercept failed: {seen.error}",
                           deny=self.deny_on_error)
        return Rewrite(copy.deepcopy(seen.args), self.source) if seen.args != call.args else None

    async def judge(self, call: CallInfo) -> list[Verdict]:
        if not self.wants("tool_call"):
            return []
        seen = _seen(call).get(self.ext.name)
        if seen is None or seen.args != call.args:
            seen = _seen(call)[self.ext.name] = await self._ask(call)
            if seen.frame is not None and seen.args != call.args:
                self.ext.log(f"{call.tool}: modified_args on the final arguments is ignored (rewrites are done)")
        if seen.error:
            decision = "deny" if self.deny_on_error else "allow"
            return [Verdict(decision, f"extension {self.ext.name} could not check this call ({seen.error}); "
                            f"its on_error is {self.ext.spec.on_error}", self.source, error=seen.error)]
        if seen.frame is not None and _blocked(seen.frame):
            reason = protocol.text(seen.frame, "reason") or f"blocked by extension {self.ext.name}"
            return [Verdict("deny", reason, self.source)]
        return []


class ResultIntercept(_Base):
    """`tool_result` (capability intercept_tool_result): `replace_text` is what the model sees;
    `is_error` (a bool) sets the result's error flag; `block` withholds the result."""

    async def transform(self, call: CallInfo, result: ToolResult) -> ToolResult:
        if not self.wants("tool_result"):
            return result
        fields = {"tool_id": call.id, "tool_name": call.tool, "tool_args": call.args, "text": result.content,
                  "is_error": result.is_error}
        try:
            frame = await ask(self.ext, "tool_result", fields)
        except InterceptFailed as exc:
            if not self.deny_on_error:
                return result
            return ToolResult(f"[the result of this {call.tool} call was withheld: extension {self.ext.name} could "
                              f"not check it ({exc}) and its on_error is deny]", True, result.display, result.details)
        if _blocked(frame):
            reason = protocol.text(frame, "reason")
            return ToolResult(f"[the result of this {call.tool} call was withheld by extension {self.ext.name}"
                              + (f": {reason}" if reason else "") + "]", result.is_error, result.display, result.details)
        text = frame.get("replace_text")
        flag = frame.get("is_error")
        if isinstance(text, str) or isinstance(flag, bool):
            return ToolResult(text if isinstance(text, str) else result.content,
                              flag if isinstance(flag, bool) else result.is_error, result.display, result.details)
        return result


class InputIntercept(_Base):
    """`input` (capability intercept_input): `replace_text` rewrites the prompt; `block` consumes
    it, so no model turn runs."""

    async def transform(self, text: str, source: str = "interactive") -> InputOutcome:
        if not self.wants("input"):
            return InputOutcome(text)
        try:
            frame = await ask(self.ext, "input", {"text": text, "source": source})
        except InterceptFailed as exc:
            if not self.deny_on_error:
                return InputOutcome(text)
            self.ext.notify("error", f"the input was not sent: extension {self.ext.name} could not check it ({exc}) "
                            "and its on_error is deny")
            return InputOutcome(text, handled=True, source=self.source)
        if _blocked(frame):
            reason = protocol.text(frame, "reason")
            if reason:
                self.ext.notify("info", reason)
            return InputOutcome(text, handled=True, source=self.source)
        new = frame.get("replace_text")
        return InputOutcome(new if isinstance(new, str) else text, source=self.source)


class TurnIntercept(_Base):
    """`turn_start`: `block` stops the run before the model is called; `reason` is shown."""

    async def before_turn(self, step: int) -> Verdict | None:
        if not self.wants("turn_start"):
            return None
        try:
            frame = await ask(self.ext, "turn_start", {"step": step})
        except InterceptFailed as exc:
            if not self.deny_on_error:
                return None
            return Verdict("deny", f"extension {self.ext.name} could not check the turn ({exc}) and its on_error "
                           "is deny", self.source, error=str(exc))
        if _blocked(frame):
            return Verdict("deny", protocol.text(frame, "reason") or f"stopped by extension {self.ext.name}",
                           self.source)
        return None


class MessageIntercept(_Base):
    """`assistant_message`: `replace_text` changes the text shown and saved; `block` hides it."""

    async def transform_message(self, text: str) -> str:
        if not self.wants("assistant_message"):
            return text
        try:
            frame = await ask(self.ext, "assistant_message", {"text": text})
        except InterceptFailed as exc:
            if not self.deny_on_error:
                return text
            return f"[hidden: extension {self.ext.name} could not check this message ({exc})]"
        if _blocked(frame):
            return ""
        new = frame.get("replace_text")
        return new if isinstance(new, str) else text


@dataclass
class EventObserver:
    """Sends an `event` frame for every event the script subscribed to (by Go-zot or zot name).
    The frame is written before the first await, so frames keep the order of the events."""

    ext: "ScriptExtension"

    @property
    def events(self) -> tuple[str, ...]:
        return tuple({eventmap.zot_type(name) for name in self.ext.reg.events})

    async def observe(self, event: dict[str, Any], notify: Callable[[str, str, str], None]) -> None:
        for name in sorted(self.ext.reg.events):
            if eventmap.zot_type(name) == event.get("type"):
                self.ext.send(eventmap.event_frame(name, event))
