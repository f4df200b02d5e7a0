"""The scripts' UI port (zot.ext.script.ui.UIPort and zot.ext.script.ui_frames.RichUI), answered by the REPL.

Questions go to the dialogs, panels to the panel area, notifications to the transcript; the
presentation requests of ui_frames (overlays, the editor interceptor, widget changes) to the
parts of the screen that draw them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zot.ui.app import Repl


class ReplUI:
    def __init__(self, repl: "Repl") -> None:
        self.repl = repl

    async def confirm(self, source: str, title: str, message: str, default: bool = False) -> bool | None:
        return await self.repl.dialogs.confirm(source, title, message, default)

    async def select(self, source: str, title: str, message: str, options: list[str],
                     default: str | None = None) -> str | None:
        return await self.repl.dialogs.select(source, title, message, options, default)

    async def input(self, source: str, title: str, message: str, placeholder: str = "",
                    default: str = "") -> str | None:
        return await self.repl.dialogs.input(source, title, message, placeholder, default)

    async def open_panel(self, panel: Any, on_key: Any, on_close: Any) -> None:
        await self.repl.panels.open_panel(panel, on_key, on_close)

    async def update_panel(self, panel: Any) -> None:
        await self.repl.panels.update_panel(panel)

    async def close_panel(self, source: str, panel_id: str) -> None:
        await self.repl.panels.close_panel(source, panel_id)

    def notify(self, level: str, text: str, source: str) -> None:
        self.repl.view.notice("warning" if level == "warn" else level, text, source)

    async def overlay(self, source: str, spec: dict[str, Any]) -> dict[str, Any]:
        return await self.repl.dialogs.overlay(source, spec)

    def widget_changed(self) -> None:
        self.repl.invalidate()

    def set_editor(self, source: str, interceptor: Any) -> None:
        self.repl.editor.set(source, interceptor)

    def reset_editor(self, source: str) -> None:
        self.repl.editor.reset(source)

    def editor_render(self, source: str, render: dict[str, Any]) -> None:
        self.repl.editor.set_render(source, render)

    def set_editor_text(self, source: str, text: str, cursor: int | None) -> None:
        self.repl.editor.set_text(source, text, cursor)
