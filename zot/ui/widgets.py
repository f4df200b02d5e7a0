"""Extension widgets on the screen: what zot.agent.widgets says to show, drawn for a placement.

`status` widgets share the status bar's line, separated by a dot, each in its colours. The other
placements stack their widgets in priority order, each a block (zot/ui/blocks.py): its lines
kept, Markdown rendered, cut to `max_height`, with a left border when its style names one.
"""
from __future__ import annotations

from typing import Any, Callable

from zot.agent.widgets import WidgetBoard as _Board
from zot.ui import ansi, blocks

Fragments = list[tuple[str, str]]


class WidgetBoard(_Board):
    def __init__(self, *args: Any, columns: Callable[[], int] = lambda: 80) -> None:
        super().__init__(*args)
        self.columns = columns

    def fragments(self, placement: str, separator: str = "  ·  ", base: str = "") -> Fragments:
        if placement == "status":
            return self._line(separator, base)
        out: Fragments = []
        width = self.columns()
        for shown in self.shown(placement):
            if shown.failed:
                out += [("class:widget.error", shown.text), ("", "\n")]
                continue
            look = blocks.Look.of(shown.style)
            out += blocks.draw(shown.text, shown.format, look, width, shown.max_height, base="class:widget")
        if out and out[-1] == ("", "\n"):
            out.pop()
        return out

    def _line(self, separator: str, base: str) -> Fragments:
        out: Fragments = []
        join = lambda style: f"{base} {style}".strip()  # noqa: E731
        for i, shown in enumerate(self.shown("status")):
            if i:
                out.append((join("class:muted"), separator))
            if shown.failed:
                out.append((join("class:widget.error"), shown.text))
                continue
            look = blocks.Look.of(shown.style)
            out += ansi.fragments(shown.text, join(look.text_style("class:widget")))
        return out
