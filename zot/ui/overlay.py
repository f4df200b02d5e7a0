"""Overlays: a framed box above the input with a title, text or Markdown, and buttons.

    ╭─ Deploy ───────────────────────────────╮
    │ All **3** services are ready.           │
    │                                         │
    │  › 1. Continue    2. Rollback           │
    ╰─ ←→ choose · enter select · esc cancel ─╯

An overlay is a dialog (zot/ui/dialogs.py: one at a time, it takes the keyboard, keys typed in
the first moments after it opens are ignored) drawn as a box. ←/→, Tab and Shift+Tab move
between buttons, Enter picks, a button's number picks it, Esc cancels. Without buttons, Enter
or Esc closes it. The answer is `{action, index, cancelled}` (KIT's OverlayResult).
"""
from __future__ import annotations

from typing import Any

from zot.ui import blocks
from zot.ui.theme import color_style

Fragments = list[tuple[str, str]]

MIN_WIDTH = 30


def spec_answer(labels: list[str], value: Any) -> dict[str, Any]:
    """What the dialog returned (a button's index, -1 for "closed", None for Esc) as an answer."""
    if value is None:
        return {"action": "", "index": -1, "cancelled": True}
    index = value if isinstance(value, int) and 0 <= value < len(labels) else -1
    return {"action": labels[index] if index >= 0 else "", "index": index, "cancelled": False}


def fragments(dialog: Any, columns: int, max_rows: int) -> Fragments:
    """The box of an overlay dialog (`dialog.overlay` holds its spec)."""
    spec = dialog.overlay
    width = max(MIN_WIDTH, min(int(spec.get("width") or columns), columns))
    inner = width - 4
    look = blocks.Look.of(spec.get("style"))
    edge = color_style(look.border) if look.has_border else "class:dialog.border"
    if look.border == "none":
        edge = "class:muted"
    fill = look.text_style()
    rows = [row for line in blocks.render.split_lines(blocks.content(str(spec.get("text") or ""),
                                                                       str(spec.get("format") or "markdown"), inner))
            for row in blocks.wrap(line, inner)]
    rows = blocks.cut(rows, max(3, max_rows))
    title = str(spec.get("title") or "")[: max(0, inner - 2)]
    top = f"╭─ {title} " if title else "╭"
    out: Fragments = [(edge, top), (edge, "─" * max(0, width - len(top) - 1)), (edge, "╮\n")]
    if title:
        out[0:1] = [(edge, "╭─ "), (f"{edge} class:dialog.title".strip(), title), (edge, " ")]
    for row in rows + ([[]] if dialog.choices else []):
        out += _row(row, inner, edge, fill)
    for row in blocks.wrap(_buttons(dialog), inner) if dialog.choices else []:
        out += _row(row, inner, edge, fill)
    help_text = "←→ choose · enter select · esc cancel" if dialog.choices else "enter or esc close"
    help_text = help_text[: max(0, width - 6)]
    out += [(edge, "╰─ "), ("class:muted", help_text), (edge, " " + "─" * max(0, width - len(help_text) - 5) + "╯")]
    return out


def _row(row: Fragments, inner: int, edge: str, fill: str) -> Fragments:
    used = sum(len(text) for _, text in row)
    styled = [(f"{fill} {style}".strip(), text) for style, text in row]
    return [(edge, "│ "), *styled, (fill, " " * max(0, inner - used)), (edge, " │\n")]


def _buttons(dialog: Any) -> Fragments:
    out: Fragments = [("", " ")]
    for i, choice in enumerate(dialog.choices):
        chosen = i == dialog.selected
        out += [("class:dialog.selected" if chosen else "class:dialog.option",
                 f"{'›' if chosen else ' '} {i + 1}. {choice.label} "), ("", "  ")]
    return out[:-1]
