"""The one printer: everything the REPL writes to the transcript goes through `Printer.print`.

While the prompt is live, text is printed *above* it: the application hides itself, the text is
written, the application draws itself again below (prompt_toolkit's `run_in_terminal`). Prints
are queued and written in order, several at a time, so a burst of output costs one redraw.
Each print may carry an `after` callback that runs in the same step (e.g. removing the live copy
of a streamed answer exactly when its rendered copy appears, so nothing flickers or doubles).
A place can be kept for a block that is not ready yet (`reserve`, then `fill`): what is printed
after it waits, so the transcript keeps its order (a script renders a tool result within half a
second or zot fills the place itself). Safe to call from any thread.
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
        self._pending: list[list] = []      # [fragments or None (reserved), after]
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

    def reserve(self) -> list:
        """A place in the transcript for a block printed later with `fill` (on the loop's thread)."""
        slot: list = [None, None]
        self._pending.append(slot)
        return slot

    def fill(self, slot: list, fragments: Fragments) -> None:
        frags = list(fragments)
        if not frags or not frags[-1][1].endswith("\n"):
            frags.append(("", "\n"))
        slot[0] = frags
        self._kick()

    def _enqueue(self, frags: Fragments, after: Callable[[], None] | None) -> None:
        self._pending.append([frags, after])
        self._kick()

    def _kick(self) -> None:
        if not self._pending or self._pending[0][0] is None:
            return               # the first block is not ready: everything after it waits
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
        ready = next((i for i, (frags, _) in enumerate(self._pending) if frags is None), len(self._pending))
        pending, self._pending = self._pending[:ready], self._pending[ready:]
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
        """Write whatever is queued (at exit, after the application has gone); a place never filled
        is left out."""
        self._pending = [entry for entry in self._pending if entry[0] is not None]
        if self._pending:
            self._write()
