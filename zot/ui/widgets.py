"""Extension widgets on the screen: the texts of zot.agent.widgets, styled for a placement."""
from __future__ import annotations

from zot.agent.widgets import WidgetBoard as _Board

Fragments = list[tuple[str, str]]


class WidgetBoard(_Board):
    def fragments(self, placement: str, separator: str = "  ·  ", base: str = "") -> Fragments:
        out: Fragments = []
        for i, (text, failed) in enumerate(self.texts(placement)):
            if i:
                out.append((f"{base} class:muted".strip(), separator))
            out.append((f"{base} class:widget.error".strip() if failed else f"{base} class:widget".strip(), text))
        return out
