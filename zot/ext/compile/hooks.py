"""compile_hooks: `hooks:` entries become observers and transforms on the agent's events.

What each event lets a hook do (docs/hooks.md has the table):
- any event: `notify`, `block` (a styled block in the transcript), `log`, `run`, `send` — observers; they run in the background, in order of
  registration, and a failure is reported and never stops the run (`on_error` is ignored: an
  observer cannot block anything). `send` puts a user message into the session's queue (a turn
  at once when idle, after the current one when busy; `trigger: false` holds it for the next);
- `before_agent_start`: `system` — text appended to the system prompt, in order (`replace: true`:
  it replaces zot's identity paragraph instead; the first whose `if` holds wins);
- `input`: `transform` — chained; `handled` consumes the input (no model turn);
- `tool_result`: `redact`, `truncate`, `append` — chained on what the model will see;
- `message_end`: `redact`, `truncate` — chained on the assistant's text.
A failing transform leaves its input unchanged and is reported; with `on_error: deny` a failing
tool_result transform withholds the result instead (redaction fails closed when asked to).
"""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zot.config import zot_home
from zot.ext import expr as expressions
from zot.ext import regexes, templates
from zot.ext.compile.context import ExtCtx, GitFacts, template_facts
from zot.ext.facts import empty_session
from zot.ext.hooks import InputOutcome, Source
from zot.ext.runner import run_exec
from zot.tools.base import ToolResult

TOOL_EVENTS = {"tool_call", "tool_execution_start", "tool_execution_end", "tool_result"}
REDACTED = "[REDACTED]"


@dataclass
class HookRule:
    ext: ExtCtx
    index: int
    node: dict
    events: tuple[str, ...]
    tools: tuple[str, ...]
    priority: int
    on_error: str
    source: Source
    patterns: list = field(default_factory=list)     # compiled by zot.ext.regexes

    def applies(self, event: dict[str, Any], facts: dict[str, Any] | None = None) -> bool:
        if event.get("type") not in self.events:
            return False
        if self.tools and event.get("type") in TOOL_EVENTS:
            if not any(fnmatch.fnmatchcase(str(event.get("name", "")), t) for t in self.tools):
                return False
        cond = self.node.get("if")
        if cond:
            return bool(expressions.evaluate(cond, self.names(event, facts)))
        return True

    def names(self, event: dict[str, Any], facts: dict[str, Any] | None = None) -> dict[str, Any]:
        """What `if:` sees. `facts` (model, session) come from the tool-call path when known;
        otherwise the model is the event's own, when it carries one."""
        facts = facts or {}
        return {"event": event, "tool": event.get("name"), "args": event.get("args") or {},
                "result": event.get("content"), "cwd": str(self.ext.project), "project": str(self.ext.project),
                "params": self.ext.params, "session": facts.get("session") or empty_session(),
                "model": facts.get("model") or event.get("model") or "",
                "git": GitFacts(self.ext.project, not self.ext.restricted)}

    def context(self, event: dict[str, Any], cwd: Path | None = None,
                facts: dict[str, Any] | None = None) -> dict[str, Any]:
        names = self.names(event, facts)
        base = template_facts(cwd or self.ext.project, self.ext.project, names["model"], self.ext,
                              names["session"])
        return {**base, **names, "cwd": str(cwd or self.ext.project)}


class Observer(HookRule):
    """notify / block / log / run on any event. `notify` is the bus's (level, text, source, block=None)."""

    async def observe(self, event: dict[str, Any], notify: Callable[..., None]) -> None:
        try:
            if not self.applies(event):
                return
            context = self.context(event)
            if "notify" in self.node:
                notify(self.node.get("level", "info"), templates.render(self.node["notify"], context),
                       self.source.label())
            elif "block" in self.node:
                spec = self.node["block"]
                subtitle = templates.render(spec["subtitle"], context) if spec.get("subtitle") else ""
                notify("info", templates.render(spec["text"], context), self.source.label(),
                       {"format": spec.get("format", "text"), "style": dict(spec.get("style") or {}),
                        "subtitle": subtitle})
            elif "log" in self.node:
                self._log(event, context)
            elif "send" in self.node:
                notify.send_message(templates.render(self.node["send"], context), self.node.get("trigger", True) is not
                                    False, self.ext.name)
            elif "run" in self.node:
                result = await run_exec(self.node["run"], context, self.ext.project)
                if result.failed:
                    notify("error", f"hook {self.source.label()} failed: {result.summary()}"
                           + (f": {result.stderr.strip()[:300]}" if result.stderr.strip() else ""),
                           self.source.label())
        except Exception as exc:  # an observer never stops the run
            notify("error", f"hook {self.source.label()} failed: {exc}", self.source.label())

    def _log(self, event: dict[str, Any], context: dict[str, Any]) -> None:
        spec = self.node["log"] if isinstance(self.node["log"], dict) else {}
        target = templates.render(spec["file"], context) if spec.get("file") else \
            str(zot_home() / "logs" / f"{self.ext.name}.jsonl")
        path = Path(target).expanduser()
        if not path.is_absolute():
            path = self.ext.project / path
        line = templates.render(spec["line"], context) if spec.get("line") else json.dumps(event, default=str)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line.replace("\n", " ") + "\n")


class SystemHook(HookRule):
    @property
    def replace(self) -> bool:
        """`replace: true`: the text replaces zot's identity paragraph (zot.agent.loop.build_system)."""
        return self.node.get("replace") is True

    async def fragment(self, facts: dict[str, Any]) -> str | None:
        event = {"type": "before_agent_start", **facts}
        if not self.applies(event):
            return None
        return templates.render(self.node["system"], self.context(event))


class InputHook(HookRule):
    async def transform(self, text: str, source: str = "interactive") -> InputOutcome:
        event = {"type": "input", "text": text}
        if not self.applies(event):
            return InputOutcome(text)
        spec = self.node["transform"]
        pattern = spec.get("regex")
        match = regexes.search(regexes.compile(pattern), text) if pattern else None
        if pattern and match is None:
            return InputOutcome(text)
        context = {**self.context(event), "text": text,
                   "match": [match.group(0), *match.groups()] if match else [text]}
        out = templates.render(spec["to"], context) if spec.get("to") is not None else text
        return InputOutcome(out, handled=bool(spec.get("handled")), source=self.source)


def _redact(patterns: list, text: str) -> str:
    """Every pattern replaced by the marker; bounded in time (a timeout raises: see callers)."""
    for pattern in patterns:
        text = regexes.sub(pattern, REDACTED, text)
    return text


def _truncate(spec: dict, text: str) -> str:
    lines = spec.get("max_lines")
    if lines and text.count("\n") >= lines:
        kept = text.split("\n")[:lines]
        text = "\n".join(kept) + f"\n[truncated to {lines} lines by a hook]"
    chars = spec.get("max_chars")
    if chars and len(text) > chars:
        text = text[:chars] + f"\n[truncated to {chars} characters by a hook]"
    return text


class ResultHook(HookRule):
    async def transform(self, call, result: ToolResult) -> ToolResult:
        # the payload observers of tool_result get too (docs/hooks.md), before this chain changes it
        event = {"type": "tool_result", "id": call.id, "name": call.tool, "args": call.args,
                 "content": result.content, "is_error": result.is_error, "blocked": False}
        facts = getattr(call, "facts", None) or {}
        try:
            if not self.applies(event, facts):
                return result
            text = result.content
            if "redact" in self.node:
                text = _redact(self.patterns, text)
            elif "truncate" in self.node:
                text = _truncate(self.node["truncate"], text)
            elif "append" in self.node:
                text = text + "\n" + templates.render(self.node["append"], self.context(event, facts=facts))
        except Exception as exc:
            if self.on_error == "deny":
                return ToolResult(f"[result withheld: hook {self.source.label()} failed: {exc}]", is_error=True)
            raise
        display = _redact(self.patterns, result.display) if result.display and "redact" in self.node else result.display
        return ToolResult(text, result.is_error, display, result.details)


class TextHook(HookRule):
    def transform_text(self, text: str) -> str:
        # the payload docs/hooks.md gives message_end, with the text not yet changed by this chain
        event = {"type": "message_end", "message": {"role": "assistant", "content": text}, "content": text}
        if not self.applies(event):
            return text
        if "redact" in self.node:
            try:
                return _redact(self.patterns, text)
            except regexes.RegexTimeout as exc:
                if self.on_error == "deny":     # never show what could not be redacted
                    return f"[message hidden: hook {self.source.label()} failed: {exc}]"
                raise
        return _truncate(self.node.get("truncate") or {}, text)


def _tools(spec: Any) -> tuple[str, ...]:
    if spec is None:
        return ()
    return (spec,) if isinstance(spec, str) else tuple(spec)


def compile_hook(index: int, node: dict, ext: ExtCtx) -> list[HookRule]:
    events = (node["on"],) if isinstance(node["on"], str) else tuple(node["on"])
    common = dict(ext=ext, index=index, node=node, tools=_tools(node.get("tool")),
                  priority=int(node.get("priority", 0)), on_error=node.get("on_error", "allow"),
                  source=Source(ext.name, f"hooks[{index}]", ext.location("hooks", index)),
                  patterns=[regexes.compile(p) for p in node.get("redact") or []])
    out: list[HookRule] = []
    if "system" in node:
        out.append(SystemHook(events=("before_agent_start",), **common))
    elif "transform" in node:
        out.append(InputHook(events=("input",), **common))
    elif any(k in node for k in ("redact", "truncate", "append")):
        if "tool_result" in events:
            out.append(ResultHook(events=("tool_result",), **common))
        if "message_end" in events:
            out.append(TextHook(events=("message_end",), **common))
    else:
        out.append(Observer(events=events, **common))
    return out


def compile_hooks(section: list, ext: ExtCtx) -> list[HookRule]:
    return [rule for i, node in enumerate(section or []) for rule in compile_hook(i, node, ext)]
