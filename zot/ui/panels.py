"""Interactive panels of script extensions, drawn above the input and driven from the keyboard.

A script opens a panel (`{id, title, lines, footer}`), redraws it (`panel_render`) and closes it
(`panel_close`). While a panel is open it has the keyboard: every key goes to the script as
`panel_key` with a name (`up`, `down`, `left`, `right`, `enter`, `esc`, `tab`, `backspace`,
`delete`, `home`, `end`, `pageup`, `pagedown`), or, for a character, the Go zot's form: `key:
"rune"` with the character in `text` (space is " "). Esc, Ctrl+C and Ctrl+D close the panel from
zot's side, as in the Go zot (the script hears `panel_key` esc first, then `panel_close`). One panel at a time: a new one
closes the previous.
"""
from __future__ import annotations

from typing import Any, Callable

from zot.ui import ansi

Fragments = list[tuple[str, str]]

KEY_NAMES = {"up": "up", "down": "down", "left": "left", "right": "right", "c-m": "enter", "enter": "enter",
             "escape": "esc", "c-i": "tab", "tab": "tab", "c-h": "backspace", "backspace": "backspace",
             "delete": "delete", "home": "home", "end": "end", "pageup": "pageup", "pagedown": "pagedown",
             "s-tab": "shift-tab"}


class Panels:
    def __init__(self, refocus: Callable[[], None], invalidate: Callable[[], None],
                 max_lines: Callable[[], int] = lambda: 20) -> None:
        self.refocus = refocus
        self.invalidate = invalidate
        self.max_lines = max_lines
        self.panel: Any = None
        self._on_key: Callable[[str, str, str], None] | None = None
        self._on_close: Callable[[str], None] | None = None

    @property
    def open(self) -> bool:
        return self.panel is not None

    # ---------------------------------------------------------------- UIPort side

    async def open_panel(self, panel: Any, on_key: Callable[[str, str, str], None],
                         on_close: Callable[[str], None]) -> None:
        if self.panel is not None and (self.panel.id, self.panel.source) != (panel.id, panel.source):
            self.close_here()
        self.panel, self._on_key, self._on_close = panel, on_key, on_close
        self.refocus()
        self.invalidate()

    async def update_panel(self, panel: Any) -> None:
        current = self.panel
        if current is None or current.id != panel.id or (panel.source and current.source != panel.source):
            return
        current.title = panel.title or current.title
        current.lines = list(panel.lines)
        current.footer = panel.footer or current.footer
        self.invalidate()

    async def close_panel(self, source: str, panel_id: str) -> None:
        current = self.panel
        if current is None or (panel_id and current.id != panel_id) or (source and current.source != source):
            return
        self._forget()

    # ---------------------------------------------------------------- keyboard side

    def key(self, name: str, text: str = "") -> None:
        """Send one key to the script that owns the panel: a typed character as `rune`; Esc
        also closes the panel."""
        if len(name) == 1:
            name, text = "rune", text or name
        if self.panel is not None and self._on_key is not None:
            try:
                self._on_key(self.panel.id, name, text)
            except Exception:  # the script is gone: close the panel rather than hang on it
                self._forget()
        if name == "esc":
            self.close_here()

    def close_here(self) -> None:
        """Closed from zot's side (Ctrl+C, exit): the script hears `panel_close`."""
        if self.panel is not None and self._on_close is not None:
            try:
                self._on_close(self.panel.id)
            except Exception:
                pass
        self._forget()

    def _forget(self) -> None:
        self.panel, self._on_key, self._on_close = None, None, None
        self.refocus()
        self.invalidate()

    # ---------------------------------------------------------------- drawing

    def fragments(self) -> Fragments:
        panel = self.panel
        if panel is None:
            return []
        out: Fragments = [("class:panel.border", "╭─ "), ("class:panel.title", panel.title or panel.id),
                          ("class:panel.border", " ─"), ("class:muted", f"  {panel.source}" if panel.source else ""),
                          ("", "\n")]
        lines = list(panel.lines)
        limit = max(3, self.max_lines())
        if len(lines) > limit:
            lines = lines[:limit - 1] + [f"… +{len(lines) - limit + 1} more lines"]
        for line in lines:
            out += [("class:panel.border", "│ "), *ansi.fragments(str(line)), ("", "\n")]
        footer = panel.footer or "esc close"
        out += [("class:panel.border", "╰─ "), ("class:panel.footer", f"{footer} · ctrl+c close")]
        return out
