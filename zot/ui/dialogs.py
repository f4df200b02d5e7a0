"""Questions asked inline, between the transcript and the input: confirm, select, text input.

One dialog at a time (others wait their turn). A dialog takes the keyboard while it is open and
gives it back when answered. The tool-call confirmation shows the tool, the final arguments, the
diff from the original ones when a rule rewrote them, and why it asks; its answers are yes / no /
always (this session), and the default, on Enter and on Esc, is no.

This module also answers the script UI requests (`UIPort.confirm`, `select`, `input`).
"""
from __future__ import annotations

import asyncio
import time
import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from zot.ui import render

Fragments = list[tuple[str, str]]

MAX_VALUE_LINES = 15


@dataclass
class Choice:
    label: str
    value: Any
    key: str = ""


@dataclass
class Dialog:
    title: str
    body: Fragments
    choices: list[Choice] = field(default_factory=list)
    selected: int = 0
    cancel_value: Any = None
    text_input: bool = False
    placeholder: str = ""
    default_text: str = ""
    future: asyncio.Future | None = None
    grace: bool = True          # asked by the agent or an extension, not by the user's own command
    overlay: dict | None = None  # drawn as an overlay box (zot/ui/overlay.py): title, text, format, width, style


def _value_lines(value: Any) -> list[str]:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2)
    lines = text.splitlines() or [""]
    if len(lines) > MAX_VALUE_LINES:
        lines = lines[:MAX_VALUE_LINES] + [f"… +{len(lines) - MAX_VALUE_LINES} more lines"]
    return lines


def args_fragments(args: dict[str, Any]) -> Fragments:
    out: Fragments = []
    for key, value in (args or {}).items():
        lines = _value_lines(value)
        out += [("class:dialog.key", f"{key}: "), ("bold", lines[0] + "\n")]
        for line in lines[1:]:
            out += [("", " " * (len(key) + 2)), ("bold", line + "\n")]
    return out or [("class:muted", "(no arguments)\n")]


def args_diff(original: dict[str, Any], final: dict[str, Any]) -> Fragments:
    """What a rewrite changed, as a coloured unified diff of the arguments."""
    def dump(args: dict[str, Any]) -> list[str]:
        return json.dumps(args, ensure_ascii=False, indent=2, sort_keys=True).splitlines()

    lines = list(difflib.unified_diff(dump(original), dump(final), "original", "final", lineterm="", n=1))
    return render.diff("\n".join(lines))


def confirm_body(request: Any) -> Fragments:
    """The body of the tool-call confirmation: why, what, and what a rule changed."""
    out: Fragments = [("", "zot wants to run "), ("class:tool.name", request.tool), ("", ":\n")]
    out += [("", "\n")]
    out += args_fragments(request.args)
    if request.original_args is not None and request.original_args != request.args:
        out += [("", "\n"), ("class:muted", "a rule rewrote the arguments:\n")]
        out += args_diff(request.original_args, request.args)
    out += [("", "\n")]
    sources = list(getattr(request, "sources", []) or [])
    for i, reason in enumerate(request.reasons or ["a rule asks for confirmation"]):
        label = sources[i].label() if i < len(sources) else ""
        out += [("class:notice.warning", "⚑ "), ("", reason)]
        if label:
            out += [("class:muted", f"  ({label})")]
        out.append(("", "\n"))
    return out


GRACE = 0.35   # seconds after a dialog opens during which keys are ignored: they were meant for the prompt


class Dialogs:
    def __init__(self, refocus: Callable[[], None], invalidate: Callable[[], None]) -> None:
        self.refocus = refocus
        self.invalidate = invalidate
        self.active: Dialog | None = None
        self.opened = 0.0
        self._lock = asyncio.Lock()
        self.buffer: Any = None          # the text field of input dialogs (built with the layout)
        self.size: Callable[[], tuple[int, int]] = lambda: (80, 24)     # the terminal's columns and rows

    # ---------------------------------------------------------------- asking

    async def ask(self, dialog: Dialog) -> Any:
        async with self._lock:
            dialog.future = asyncio.get_running_loop().create_future()
            self.active = dialog
            self.opened = time.monotonic()
            if dialog.text_input and self.buffer is not None:
                self.buffer.reset()
                self.buffer.insert_text(dialog.default_text)
            self.refocus()
            self.invalidate()
            try:
                return await dialog.future
            finally:
                self.active = None
                self.refocus()
                self.invalidate()

    def answer(self, value: Any) -> None:
        dialog = self.active
        if dialog is not None and dialog.future is not None and not dialog.future.done():
            dialog.future.set_result(value)

    def cancel(self) -> None:
        if self.active is not None:
            self.answer(self.active.cancel_value)

    def cancel_all(self) -> None:
        """At exit: every open question is answered with its cancel value."""
        self.cancel()

    def move(self, step: int) -> None:
        dialog = self.active
        if dialog and dialog.choices:
            dialog.selected = (dialog.selected + step) % len(dialog.choices)
            self.invalidate()

    def too_soon(self) -> bool:
        """A key typed before the dialog could be read (say `y` for the prompt) must not answer it."""
        dialog = self.active
        return dialog is not None and dialog.grace and time.monotonic() - self.opened < GRACE

    def pick(self, index: int | None = None) -> None:
        dialog = self.active
        if dialog is None:
            return
        if dialog.text_input:   # typed text is not a decision: no grace period here
            self.answer(self.buffer.text if self.buffer is not None else "")
            return
        if self.too_soon():
            return
        if dialog.choices:
            i = dialog.selected if index is None else index
            if 0 <= i < len(dialog.choices):
                self.answer(dialog.choices[i].value)
        elif dialog.overlay is not None:
            self.answer(-1)

    def shortcut(self, key: str) -> bool:
        dialog = self.active
        if dialog is None or dialog.text_input:
            return False
        if self.too_soon():
            return True   # swallowed
        for i, choice in enumerate(dialog.choices):
            if choice.key and choice.key == key.lower():
                self.pick(i)
                return True
        if key.isdigit() and 1 <= int(key) <= len(dialog.choices):
            self.pick(int(key) - 1)
            return True
        return False

    # ---------------------------------------------------------------- the questions

    async def confirm_tool(self, request: Any) -> str:
        """Hooks.confirm: "yes" | "no" | "always"; Enter on the default and Esc answer no."""
        choices = [Choice("Yes, run it", "yes", "y"), Choice("No, block it (tell the model why)", "no", "n"),
                   Choice(f"Always allow this rule for {request.tool} in this session", "always", "a")]
        dialog = Dialog(f"Allow this {request.tool} call?", confirm_body(request), choices, selected=1,
                        cancel_value="no")
        answer = await self.ask(dialog)
        return answer if answer in ("yes", "no", "always") else "no"

    async def confirm(self, source: str, title: str, message: str, default: bool = False) -> bool | None:
        choices = [Choice("Yes", True, "y"), Choice("No", False, "n")]
        body = _message(source, message)
        return await self.ask(Dialog(title or "Confirm", body, choices, selected=0 if default else 1,
                                     grace=bool(source)))

    async def select(self, source: str, title: str, message: str, options: list[str],
                     default: str | None = None) -> str | None:
        if not options:
            return None
        selected = options.index(default) if default in options else 0
        choices = [Choice(str(option), str(option)) for option in options]
        return await self.ask(Dialog(title or "Choose", _message(source, message), choices, selected=selected,
                                     grace=bool(source)))

    async def input(self, source: str, title: str, message: str, placeholder: str = "",
                    default: str = "") -> str | None:
        return await self.ask(Dialog(title or "Input", _message(source, message), text_input=True,
                                     placeholder=placeholder, default_text=default or ""))

    async def overlay(self, source: str, spec: dict[str, Any]) -> dict[str, Any]:
        """An overlay (zot/ui/overlay.py); `spec["actions"]` are the buttons' labels."""
        from zot.ui.overlay import spec_answer

        labels = [str(a) for a in spec.get("actions") or []]
        choices = [Choice(label, i) for i, label in enumerate(labels)]
        dialog = Dialog(str(spec.get("title") or ""), [], choices, grace=bool(source), overlay=dict(spec))
        return spec_answer(labels, await self.ask(dialog))

    # ---------------------------------------------------------------- drawing

    def fragments(self) -> Fragments:
        dialog = self.active
        if dialog is None:
            return []
        if dialog.overlay is not None:
            from zot.ui.overlay import fragments

            columns, rows = self.size()
            return fragments(dialog, columns, rows - 14)
        out: Fragments = [("class:dialog.border", "╭─ "), ("class:dialog.title", dialog.title),
                          ("class:dialog.border", " ─\n")]
        for line in render.split_lines(dialog.body):
            out += [("class:dialog.border", "│ "), *line, ("", "\n")]
        for i, choice in enumerate(dialog.choices):
            mark = "› " if i == dialog.selected else "  "
            style = "class:dialog.selected" if i == dialog.selected else "class:dialog.option"
            out += [("class:dialog.border", "│ "), (style, f"{mark}{i + 1}. {choice.label}"), ("", "\n")]
        if not dialog.text_input:
            out += [("class:dialog.border", "╰─ "), ("class:muted", self._help(dialog)), ("", "\n")]
        return out[:-1] if out and out[-1] == ("", "\n") else out

    def input_footer(self) -> Fragments:
        return [("class:dialog.border", "╰─ "), ("class:muted", "enter accept · esc cancel")]

    @staticmethod
    def _help(dialog: Dialog) -> str:
        keys = "/".join(c.key for c in dialog.choices if c.key)
        default = dialog.choices[dialog.selected].label if dialog.choices else ""
        text = "↑↓ choose · enter select · esc cancel"
        if keys:
            text += f" · {keys}"
        if dialog.cancel_value is not None and default:
            text += f" · default: {default.split(',')[0]}"
        return text


def _message(source: str, message: str) -> Fragments:
    out: Fragments = []
    if message:
        out.append(("", message.rstrip("\n") + "\n"))
    if source:
        out.append(("class:muted", f"asked by extension {source}\n"))
    return out
