"""Extension widgets over rpc: a `widget` event each time a widget's text changes.

The same refreshing as the REPL's (zot.agent.widgets: on their events, every `every`, one at
a time, bounded), but instead of drawing, each change is written once:

    {"type":"widget","extension":"git","name":"branch","placement":"status","text":"⎇ main","error":null}
"""
from __future__ import annotations

from typing import Any, Callable

from zot.agent.widgets import WidgetBoard


class WidgetFeed:
    def __init__(self, session: Any, write: Callable[[dict[str, Any]], None]) -> None:
        self.session = session
        self.write = write
        self.sent: dict[str, tuple[str, str | None]] = {}
        state = session.state
        self.board = WidgetBoard(lambda: state.engine.widgets if state.engine else [], lambda: state.cwd,
                                 session.facts, self.changed)

    def start(self) -> None:
        self.session.bus.subscribe(self.board.on_event)
        self.session.on_reload.append(self.board.start)
        self.board.start()

    def stop(self) -> None:
        self.board.stop()

    def changed(self) -> None:
        for widget in self.board.widgets():
            name = str(getattr(widget, "qualified", ""))
            now = (str(getattr(widget, "last", "") or ""), getattr(widget, "error", None))
            if not now[0] or self.sent.get(name) == now:
                continue
            self.sent[name] = now
            extension, _, short = name.rpartition(":")
            self.write({"type": "widget", "extension": extension, "name": short,
                        "placement": getattr(widget, "placement", "status"), "text": now[0], "error": now[1]})
