"""Extensions' key bindings in the editor (`keybindings:` in a manifest, zot.ext.compile.keybindings).

A bound key runs a slash command line as if it were typed and sent, inserts text at the cursor,
or submits (the editor's text, or a given text). The bindings follow reloads: they are rebuilt
whenever the engine's list changes. zot's own keys were kept out when the engine was built, so
an extension can only add keys, never take one away.
"""
from __future__ import annotations

from typing import Any

from prompt_toolkit.filters import has_focus
from prompt_toolkit.key_binding import DynamicKeyBindings, KeyBindings


def ext_key_bindings(repl: Any) -> DynamicKeyBindings:
    cache: dict[str, Any] = {"list": None, "size": -1, "kb": KeyBindings()}

    def current() -> KeyBindings:
        engine = repl.state.engine if repl.state is not None else None
        bindings = list(getattr(engine, "keybindings", None) or [])
        marker = getattr(engine, "keybindings", None)
        if cache["list"] is not marker or cache["size"] != len(bindings):
            cache.update(list=marker, size=len(bindings), kb=_build(repl, bindings))
        return cache["kb"]

    return DynamicKeyBindings(current)


def _build(repl: Any, bindings: list) -> KeyBindings:
    kb = KeyBindings()
    editing = has_focus(repl.buffer)
    for binding in bindings:
        kb.add(*binding.key.keys, filter=editing)(lambda event, b=binding: run(repl, b))
    return kb


def run(repl: Any, binding: Any) -> None:
    if binding.action == "insert":
        repl.buffer.insert_text(str(binding.value))
    elif binding.action == "command":
        repl.send_line(str(binding.value))
    elif binding.action == "submit":
        if isinstance(binding.value, str) and binding.value:
            repl.send_line(binding.value)
        else:
            repl.submit()


def help_lines(repl: Any) -> list[tuple[str, str]]:
    """`/help`'s lines for the extensions' keys."""
    engine = repl.state.engine if repl.state is not None else None
    out = []
    for binding in getattr(engine, "keybindings", None) or []:
        what = binding.description or (f"{binding.action} {binding.value}" if binding.value is not True else "submit")
        out.append((binding.key.name, f"{what}  [{binding.ext.name}]"))
    return out
