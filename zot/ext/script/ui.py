"""The UI port: what a script may ask of the person at the keyboard.

Scripts reach the UI through `ui_request` (capability `ui`), panels (`open_panel`,
`panel_render`, `panel_close`, or a command's `open_panel` answer) and `notify`. The REPL
implements `UIPort`; every other mode passes None, and then questions are answered
`{cancelled: true}` and panels become a notice, so a script never waits on a UI that is not there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

KeyFn = Callable[[str, str, str], None]        # (panel_id, key, text) -> sends panel_key
CloseFn = Callable[[str], None]                 # (panel_id) -> sends panel_close


@dataclass
class Panel:
    """A text panel a script shows and redraws (`panel_render`) until one side closes it."""

    id: str
    title: str = ""
    lines: list[str] = field(default_factory=list)
    footer: str = ""
    source: str = ""                            # the extension's name

    @classmethod
    def from_frame(cls, node: dict[str, Any], source: str, panel_id: str = "") -> "Panel":
        lines = node.get("lines")
        return cls(id=str(node.get("id") or node.get("panel_id") or panel_id or "panel"),
                   title=str(node.get("title") or ""),
                   lines=[str(x) for x in lines] if isinstance(lines, list) else [],
                   footer=str(node.get("footer") or ""), source=source)

    def as_text(self) -> str:
        parts = [self.title] if self.title else []
        parts += self.lines
        if self.footer:
            parts.append(self.footer)
        return "\n".join(parts)


class UIPort(Protocol):
    """Implemented by the REPL. Every method may be called from any extension at any time; a
    question returns None when the person cancels (Esc), which the script sees as `cancelled`."""

    async def confirm(self, source: str, title: str, message: str, default: bool = False) -> bool | None: ...

    async def select(self, source: str, title: str, message: str, options: list[str],
                     default: str | None = None) -> str | None: ...

    async def input(self, source: str, title: str, message: str, placeholder: str = "",
                    default: str = "") -> str | None: ...

    async def open_panel(self, panel: Panel, on_key: KeyFn, on_close: CloseFn) -> None: ...

    async def update_panel(self, panel: Panel) -> None: ...

    async def close_panel(self, source: str, panel_id: str) -> None: ...

    def notify(self, level: str, text: str, source: str) -> None: ...
