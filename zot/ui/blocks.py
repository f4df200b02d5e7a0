"""One way to draw a styled block: widgets, printed blocks, tool renderer bodies and overlays.

A block is text in a format (`text` with safe ANSI colour, `markdown`, `diff`), cut to a
height with an ellipsis line, wrapped to a width, with an optional left border in a colour, a
foreground and a background colour, and an optional subtitle under it:

    │ ## Plan                    ← the border in the block's colour
    │ ☑ read the code
    │ ☐ write the tests
    │ … +3 more lines
      plan-mode                  ← subtitle (muted)

Colours are roles of the theme or hex (zot.ext.colors); zot.ui.theme turns them into styles.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zot.ui import ansi, render
from zot.ui.theme import color_style

Fragments = list[tuple[str, str]]

BORDER = "│ "
FORMATS = ("text", "markdown", "diff")


@dataclass
class Look:
    """How a block looks; every field is optional. Colours: a theme role, `#hex`, or `none`."""

    border: str | None = None         # left border colour; None or "none": no border
    color: str | None = None          # text colour
    background: str | None = None
    bold: bool = False
    italic: bool = False

    @classmethod
    def of(cls, node: Any) -> "Look":
        """From a manifest's or a frame's `style:` mapping; unknown keys and bad values are
        ignored here (the validator reports them)."""
        if not isinstance(node, dict):
            return cls()
        text = lambda key: node.get(key) if isinstance(node.get(key), str) else None  # noqa: E731
        return cls(text("border"), text("color"), text("background"), node.get("bold") is True,
                   node.get("italic") is True)

    def text_style(self, base: str = "") -> str:
        parts = [base, color_style(self.color), color_style(self.background, background=True),
                 "bold" if self.bold else "", "italic" if self.italic else ""]
        return " ".join(p for p in parts if p)

    @property
    def has_border(self) -> bool:
        return bool(self.border) and self.border != "none"


def content(text: str, fmt: str = "text", width: int = 80, base: str = "") -> Fragments:
    """The text in its format, as fragments with newlines (not yet cut or wrapped)."""
    if fmt == "markdown":
        return render.markdown(ansi.escape_controls(text), width)
    if fmt == "diff":
        return render.diff(ansi.escape_controls(text))
    return ansi.fragments(text, base)


def draw(text: str, fmt: str = "text", look: Look | None = None, width: int = 80, max_height: int | None = None,
         subtitle: str = "", indent: str = "", base: str = "") -> Fragments:
    """The block as fragments, each line ending with a newline; `base` is a class every text
    fragment carries (e.g. `class:widget`)."""
    look = look or Look()
    pad = len(indent) + (len(BORDER) if look.has_border else 0)
    inner = max(10, width - pad)
    base = look.text_style(base)
    lines = render.split_lines(content(text, fmt, inner))
    rows: list[Fragments] = [row for line in lines for row in wrap(line, inner)] or [[]]
    rows = cut(rows, max_height)
    border = [(color_style(look.border) or "class:muted", BORDER)] if look.has_border else []
    out: Fragments = []
    for row in rows:
        styled = [(_join(base, style), part) for style, part in row]
        if look.background:
            used = sum(len(part) for _, part in row)
            styled.append((base, " " * max(0, inner - used)))
        out += ([("", indent)] if indent else []) + border + styled + [("", "\n")]
    if subtitle:
        out += [("", indent + (" " * len(BORDER) if look.has_border else "")),
                ("class:block.subtitle", ansi.plain(subtitle)), ("", "\n")]
    return out


def cut(rows: list[Fragments], max_height: int | None) -> list[Fragments]:
    """At most `max_height` rows; the last one says how many were left out."""
    if max_height is None or max_height <= 0 or len(rows) <= max_height:
        return rows
    kept = rows[:max(0, max_height - 1)]
    return kept + [[("class:muted", f"… +{len(rows) - len(kept)} more lines")]]


def wrap(line: Fragments, width: int) -> list[Fragments]:
    """One line of fragments cut into rows of at most `width` characters."""
    rows: list[Fragments] = [[]]
    used = 0
    for style, text in line:
        while text:
            room = width - used
            if room <= 0:
                rows.append([])
                used, room = 0, width
            piece, text = text[:room], text[room:]
            rows[-1].append((style, piece))
            used += len(piece)
    return rows


def _join(base: str, style: str) -> str:
    if not base:
        return style
    return f"{base} {style}".strip() if style else base
