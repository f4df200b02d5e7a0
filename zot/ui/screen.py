"""What the REPL's parts ask of it: the screen's size, focus, redraws, and lookups in the session.

Part of zot.ui.app.Repl (kept apart so app.py stays about starting, keys and work).
"""
from __future__ import annotations

from typing import Any

from prompt_toolkit.history import FileHistory, InMemoryHistory, ThreadedHistory

from zot.config import find_project_root
from zot.ext.builtin_commands import BUILTIN_COMMANDS
from zot.ui.input import history_file


class ScreenMixin:
    """Part of zot.ui.app.Repl."""

    def facts(self) -> dict[str, Any]:
        return self.session.facts() if self.session is not None else {}

    def _widget_list(self) -> list:
        engine = self.state.engine if self.state is not None else None
        return engine.widgets if engine is not None else []

    def _commands(self) -> Any:
        return self.state.engine.commands if self.state is not None and self.state.engine else None

    def known_command(self, word: str) -> bool:
        table = self._commands()
        return word in BUILTIN_COMMANDS or (table is not None and table.find(word) is not None)

    def _builtin_args(self, name: str, position: int, prefix: str) -> list[tuple[str, str]]:
        from zot.ui.commands import arg_completions

        return arg_completions(self, name, position, prefix)

    def _history(self) -> Any:
        try:
            path = history_file(find_project_root(self.cwd))
            path.parent.mkdir(parents=True, exist_ok=True)
            return ThreadedHistory(FileHistory(str(path)))
        except OSError:
            return InMemoryHistory()

    def invalidate(self) -> None:
        app = getattr(self, "app", None)
        if app is not None and app.is_running:
            app.invalidate()

    def refocus(self) -> None:
        """The keyboard goes to the dialog, else the panel, else the input."""
        app = getattr(self, "app", None)
        if app is None:
            return
        active = self.dialogs.active
        try:
            if active is not None:
                app.layout.focus(self.dialog_field if active.text_input else self.dialog_window)
            elif self.panels.open:
                app.layout.focus(self.panel_window)
            else:
                app.layout.focus(self.input_window)
        except ValueError:   # not visible yet: the next refocus gets it
            pass

    def columns(self) -> int:
        try:
            return self.app.output.get_size().columns
        except Exception:
            return 80

    def rows(self) -> int:
        try:
            return self.app.output.get_size().rows
        except Exception:
            return 24

    def live_rows(self) -> int:
        return max(3, self.rows() - 12)
