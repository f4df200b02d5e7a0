"""Tool calls as compact lines: tool, key argument, duration, status; the result collapsed.

    ✓ read  notes.txt  0.01s
      ⎿ first line of the result …  +41 lines (ctrl+o to expand)
    ⊘ bash  rm -rf /  blocked
      ⎿ denied by safety:no-recursive-delete: recursive force delete is not allowed

While a call runs it is a live line with a spinner and the time so far. `edit` results show
their coloured diff. The last result can be shown in full (`expand`). A tool with a renderer
(an extension's `renderers:` or a script's) is drawn by zot/ui/tool_render.py.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from zot.ui import ansi, render
from zot.ui import tool_render as rendered

Fragments = list[tuple[str, str]]

KEY_ARG = {"bash": "command", "read": "path", "write": "path", "edit": "path", "ls": "path",
           "grep": "pattern", "find": "pattern"}
PREVIEW_LINES = 3
DIFF_LINES = 40
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def one_line(text: str, width: int = 80) -> str:
    text = " ".join(str(text).replace("\n", " ⏎ ").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def key_argument(name: str, args: dict[str, Any], width: int = 80) -> str:
    """The argument that says what the call does (the command, the path, the pattern)."""
    if not isinstance(args, dict) or not args:
        return ""
    key = KEY_ARG.get(name)
    if key and key in args:
        value = str(args[key])
        if name == "grep" and args.get("path"):
            value += f"  in {args['path']}"
        return one_line(value, width)
    for value in args.values():
        if isinstance(value, str) and value:
            return one_line(value, width)
    return one_line(json.dumps(args, ensure_ascii=False), width)


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.2f}s" if seconds < 1 else f"{seconds:.1f}s"
    return f"{seconds:.0f}s"


@dataclass
class Running:
    id: str
    name: str
    args: dict[str, Any]
    started: float = field(default_factory=time.monotonic)
    executing: bool = False
    duration: float | None = None


@dataclass
class LastResult:
    name: str
    args: dict[str, Any]
    text: str
    is_error: bool
    renderer: Any = None
    body: str | None = None       # the renderer's body, shown in full by ctrl+o


def why_blocked(decision: dict[str, Any] | None, content: str) -> str:
    """The reason a call was blocked, as the user should read it."""
    if not decision:
        return one_line(content, 300)
    answered = decision.get("answered")
    deciding = [m for m in decision.get("matches") or [] if not m.get("shadow")
                and m.get("decision") in ("deny", "confirm")]
    rules = ", ".join(f"{m.get('extension')}:{m.get('rule')}" for m in deciding)
    reason = decision.get("reason") or one_line(content, 300)
    if answered == "no":
        return f"declined by you ({rules}): {reason}" if rules else f"declined by you: {reason}"
    if answered == "no-ui":
        return f"needs confirmation ({rules}): {reason}"
    if rules:
        return f"denied by {rules}: {reason}"
    return one_line(content, 300)


def _wrapped(text: str, width: int, style: str, max_lines: int = 6) -> Fragments:
    """A reason in full (up to `max_lines` lines), wrapped under its call line."""
    import textwrap

    lines = textwrap.wrap(" ".join(text.split()), max(30, width - 6)) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [lines[max_lines - 1][:-1] + "…"]
    out: Fragments = []
    for i, line in enumerate(lines):
        out += [("class:muted", "  ⎿ " if i == 0 else "    "), (style, line + "\n")]
    return out


class ToolLines:
    """Follows tool events; gives the live lines and the printed block of each finished call."""

    def __init__(self, renderers: Callable[[], dict] = dict) -> None:
        self.running: dict[str, Running] = {}
        self.last: LastResult | None = None
        self._renderers = renderers

    def renderer(self, name: str) -> Any:
        try:
            return (self._renderers() or {}).get(name)
        except Exception:
            return None

    # ---------------------------------------------------------------- events

    def call(self, call_id: str, name: str, args: dict[str, Any]) -> None:
        self.running[call_id] = Running(call_id, name, dict(args or {}))

    def started(self, call_id: str, args: dict[str, Any]) -> None:
        run = self.running.get(call_id)
        if run is not None:
            run.args, run.executing, run.started = dict(args or {}), True, time.monotonic()

    def ended(self, call_id: str, duration: float) -> None:
        run = self.running.get(call_id)
        if run is not None:
            run.duration = duration

    def result(self, event: Any, width: int = 100, rendered_by: tuple[str | None, str | None] | None = None) -> Fragments:
        """The printed block for a `tool_result` event; the call leaves the live lines.
        `rendered_by`: (header, body) a script renderer answered, when it has one."""
        run = self.running.pop(event.id, None)
        duration = run.duration if run else None
        args = event.args if isinstance(event.args, dict) else {}
        shown = event.display if event.display is not None else event.content
        renderer = None if event.blocked else self.renderer(event.name)
        header, body = rendered_by or (rendered.header_of(renderer, args),
                                       rendered.body_of(renderer, args, shown or "", event.is_error))
        self.last = LastResult(event.name, args, shown or "", event.is_error, renderer, body)
        name = rendered.name_of(renderer, event.name)
        arg = header or key_argument(event.name, args, max(20, width - len(name) - 20))
        if event.blocked:
            head = [("class:tool.blocked", "⊘ "), ("class:tool.name", event.name), ("", "  "),
                    ("class:tool.arg", arg), ("", "  "), ("class:tool.blocked", "blocked"), ("", "\n")]
            return head + _wrapped(why_blocked(event.decision, event.content), width, "class:tool.errtext")
        if renderer is not None:
            style = rendered.mark_style(renderer, event.is_error)
            mark = (style, "✗ " if event.is_error else "✓ ")
            head = [mark, (f"{style} bold", name), ("", "  "), ("class:tool.arg", one_line(arg, max(20, width - 30)))]
        else:
            mark = ("class:tool.err", "✗ ") if event.is_error else ("class:tool.ok", "✓ ")
            head = [mark, ("class:tool.name", event.name), ("", "  "), ("class:tool.arg", arg)]
        if duration is not None:
            head += [("", "  "), ("class:muted", duration_text(duration))]
        if event.is_error:
            head += [("", "  "), ("class:tool.err", "error")]
        head.append(("", "\n"))
        rewritten = [r for r in (event.decision or {}).get("rewrites") or [] if "after" in r]
        if rewritten:
            who = ", ".join(f"{r.get('extension')}:{r.get('rule')}" for r in rewritten)
            head += [("class:muted", f"  ↻ arguments rewritten by {who}\n")]
        if body is not None:
            return head + rendered.body(renderer, body, width)
        if renderer is not None and int(getattr(renderer, "collapsed", 3)) == 0:
            return head
        return head + self._preview(event.name, shown or "", event.is_error)

    def _preview(self, name: str, text: str, is_error: bool) -> Fragments:
        lines = text.rstrip("\n").splitlines()
        if not lines:
            return [("class:muted", "  ⎿ (no output)\n")]
        if not is_error and (name == "edit" or render.looks_like_diff(text)):
            shown = lines[:DIFF_LINES]
            out: Fragments = []
            for style, line in render.diff("\n".join(shown)):
                out += [("class:muted", "    "), (style, line)]
            if len(lines) > DIFF_LINES:
                out.append(("class:muted", f"    … +{len(lines) - DIFF_LINES} lines (ctrl+o to expand)\n"))
            return out
        style = "class:tool.errtext" if is_error else "class:tool.result"
        out = []
        for i, line in enumerate(lines[:PREVIEW_LINES]):
            out += [("class:muted", "  ⎿ " if i == 0 else "    "), *ansi.fragments(one_line(line, 160), style), ("", "\n")]
        if len(lines) > PREVIEW_LINES:
            out.append(("class:muted", f"    … +{len(lines) - PREVIEW_LINES} lines (ctrl+o to expand)\n"))
        return out

    # ---------------------------------------------------------------- live and expand

    def live(self, width: int = 100) -> Fragments:
        """One line per running call: spinner, tool, key argument, time so far."""
        out: Fragments = []
        now = time.monotonic()
        frame = SPINNER[int(now * 10) % len(SPINNER)]
        for run in self.running.values():
            state = duration_text(now - run.started) if run.executing else "waiting"
            renderer = self.renderer(run.name)
            header = rendered.header_of(renderer, run.args)
            arg = one_line(header, max(20, width - 30)) if header else key_argument(run.name, run.args, max(20, width - 30))
            out += [("class:tool.running", f"{frame} "), ("class:tool.name", rendered.name_of(renderer, run.name)),
                    ("", "  "), ("class:tool.arg", arg), ("", "  "), ("class:muted", state), ("", "\n")]
        if out:
            out[-1] = ("", "")    # no empty line after the last one
        return out

    def expand(self) -> Fragments:
        """The last result in full, for ctrl+o."""
        if self.last is None:
            return [("class:muted", "no tool result to expand yet\n")]
        last = self.last
        head = [("class:rule", "── "), ("class:tool.name", rendered.name_of(last.renderer, last.name)), ("", " "),
                ("class:tool.arg", rendered.header_of(last.renderer, last.args) or key_argument(last.name, last.args, 100)),
                ("class:rule", " ──\n")]
        if last.body is not None:
            return head + rendered.body(last.renderer, last.body, 100, collapsed=False)
        if not last.is_error and (last.name == "edit" or render.looks_like_diff(last.text)):
            return head + render.diff(last.text)
        style = "class:tool.errtext" if last.is_error else ""
        return head + ansi.fragments(last.text.rstrip("\n") + "\n", style)
