"""Tool calls drawn by an extension's renderer (zot.ext.compile.renderers, a script's ScriptRenderer).

    ✓ Write  notes.md (120 bytes)  0.01s          ← display name and header, in the success colour
      ⎿ # Notes                                     ← the body in its format (Markdown here),
        - first                                       on its background, collapsed after N lines
        … +12 lines (ctrl+o to expand)

Whatever the renderer does not give (no header, a failed template, a script that did not answer)
is drawn as zot draws it without a renderer, so a result is never hidden.
"""
from __future__ import annotations

from typing import Any

from zot.ui import blocks, render
from zot.ui.theme import color_style

Fragments = list[tuple[str, str]]


def name_of(renderer: Any, tool: str) -> str:
    return str(getattr(renderer, "display_name", "") or tool) if renderer is not None else tool


def header_of(renderer: Any, args: dict[str, Any]) -> str | None:
    try:
        return renderer.header(args) if renderer is not None else None
    except Exception:      # a renderer must never break the screen
        return None


def body_of(renderer: Any, args: dict[str, Any], result: str, is_error: bool) -> str | None:
    body = getattr(renderer, "body", None)
    if body is None:
        return None
    try:
        return body(args, result, is_error)
    except Exception:
        return None


def mark_style(renderer: Any, is_error: bool) -> str:
    """The colour of the mark and the name: the renderer's success / error colour, else zot's."""
    colors = getattr(renderer, "colors", None) or {}
    chosen = color_style(colors.get("error" if is_error else "success"))
    return chosen or ("class:tool.err" if is_error else "class:tool.ok")


def body(renderer: Any, text: str, width: int, collapsed: bool = True) -> Fragments:
    """The body under a call: `  ⎿ ` then the rendered lines, cut after `collapsed` lines."""
    fmt = str(getattr(renderer, "format", "text") or "text")
    limit = int(getattr(renderer, "collapsed", 3)) if collapsed else None
    colors = getattr(renderer, "colors", None) or {}
    look = blocks.Look(background=colors.get("background"))
    inner = max(20, width - 4)
    lines = render.split_lines(blocks.content(text, fmt, inner))
    rows = [row for line in lines for row in blocks.wrap(line, inner)]
    if limit is not None and len(rows) > limit:
        hidden = len(rows) - limit
        rows = rows[:limit] + [[("class:muted", f"… +{hidden} lines (ctrl+o to expand)")]]
    base = look.text_style()
    out: Fragments = []
    for i, row in enumerate(rows):
        out.append(("class:muted", "  ⎿ " if i == 0 else "    "))
        out += [(f"{base} {style}".strip(), part) for style, part in row]
        if look.background:
            out.append((base, " " * max(0, inner - sum(len(p) for _, p in row))))
        out.append(("", "\n"))
    return out
