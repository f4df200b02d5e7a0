"""The event bus: one emit for every mode. Listeners (the mode's printer, the REPL) are called
synchronously in subscription order; extension observers run as background tasks that
`drain()` waits for before the session ends.
"""
from __future__ import annotations

import asyncio
from typing import Callable

from zot.agent import events as ev
from zot.ext.hooks import Hooks, Services

Listener = Callable[[ev._Event], None]


class Bus:
    def __init__(self, hooks: Hooks | None = None) -> None:
        self.listeners: list[Listener] = []
        self.hooks = hooks or Hooks()
        self.services = Services(self.notify)      # what observers get: notify, and send_message once a session sets it
        self._tasks: set[asyncio.Task] = set()

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def notify(self, level: str, text: str, source: str = "zot", block: dict | None = None) -> None:
        """A message for the user; with `block` ({format, style, subtitle}) a screen draws it as a
        styled block (zot.ui.blocks), other modes print its text."""
        self.emit(ev.Notice(level, text, source, block))

    def emit(self, event: ev._Event) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception as exc:  # a broken listener must not stop the loop
                if not isinstance(event, ev.Notice):
                    self.notify("error", f"an event listener failed: {exc}")
        if isinstance(event, ev.Notice):
            return
        observers = [o for o in self.hooks.observers if event.type in o.events]
        if not observers:
            return
        payload = event.to_json()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for observer in observers:
            task = loop.create_task(observer.observe(payload, self.services))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for running observers (e.g. a `run` hook on session_shutdown), up to `timeout`."""
        while self._tasks:
            done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            if pending:
                for task in pending:
                    task.cancel()
                self.notify("warning", f"{len(pending)} hook(s) did not finish in {timeout:g}s and were stopped")
                return
