"""The one printer: everything the REPL writes to the transcript goes through `Printer.print`.

While the prompt is live, text is printed *above* it: the application hides itself, the text is
written, the application draws itself again below (prompt_toolkit's `run_in_terminal`). Prints
are queued and written in order, several at a time, so a burst of output costs one redraw.
Each print may carry an `after` callback that runs in the same step (e.g. removing the live copy
of a streamed answer exactly when its rendered copy appears, so nothing flickers or doubles).
Safe to call from any thread.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable

Fragments = list[tuple[str, str]]


class Printer:
    def __init__(self, style: Any, output: Any = None, color_depth: Any = None) -> None:
        self.style = style
        self.output = output
        self.color_depth = color_depth
        self.app: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._pending: list[tuple[Fragments, Callable[[], None] | None]] = []
        self._scheduled = False

    def attach(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        """From now on, print above `app` while it runs."""
        self.app, self.loop, self._thread = app, loop, threading.get_ident()
        self.output = app.output

    def print(self, fragments: Fragments | str, after: Callable[[], None] | None = None) -> None:
        """Print one block; a str is printed unstyled. A newline is added when missing."""
        frags: Fragments = [("", fragments)] if isinstance(fragments, str) else list(fragments)
        if not frags or not frags[-1][1].endswith("\n"):
            frags.append(("", "\n"))
        if self.loop is not None and threading.get_ident() != self._thread:
            self.loop.call_soon_threadsafe(self._enqueue, frags, after)
        else:
            self._enqueue(frags, after)

    def line(self, text: str, style: str = "") -> None:
        self.print([(style, text)])

    def _enqueue(self, frags: Fragments, after: Callable[[], None] | None) -> None:
        self._pending.append((frags, after))
        if not self._live():
            self._write()
            return
        if not self._scheduled:
            self._scheduled = True
            from prompt_toolkit.application import run_in_terminal
            from prompt_toolkit.application.current import set_app

            with set_app(self.app):   # callers may run outside the application's context
                run_in_terminal(self._write)

    def _live(self) -> bool:
        return self.app is not None and self.app.is_running and not self.app.is_done

    def _write(self) -> None:
        from prompt_toolkit.output import create_output
        from prompt_toolkit.renderer import print_formatted_text

        self._scheduled = False
        pending, self._pending = self._pending, []
        if self.output is None:
            self.output = create_output()
        for frags, after in pending:
            try:
                print_formatted_text(self.output, frags, self.style, color_depth=self.color_depth)
            finally:
                if after is not None:
                    try:
                        after()
                    except Exception:  # a view callback must never stop the printing
                        pass
        self.output.flush()

    def flush_now(self) -> None:
        """Write whatever is queued (at exit, after the application has gone)."""
        if self._pending:
            self._write()
