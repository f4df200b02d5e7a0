"""Extension widgets over rpc: a `widget` event each time a widget's text or look changes.

The same refreshing as the REPL's (zot.agent.widgets: on their events, every `every`, one at
a time, bounded), but instead of drawing, each change is written once, as data a client draws:

    {"type":"widget","extension":"git","name":"branch","placement":"status","text":"⎇ main","error":null,
     "lines":["⎇ main"],"format":"text","style":{},"priority":0,"max_height":10}

`lines` is `text` cut at newlines; `format` is text or markdown; `style` holds border, color,
background (theme roles or hex), bold and italic. A widget a script removes is sent once more
with `"removed": true`.
"""
from __future__ import annotations

from typing import Any, Callable

from zot.agent.widgets import PLACEMENTS, WidgetBoard


class WidgetFeed:
    def __init__(self, session: Any, write: Callable[[dict[str, Any]], None]) -> None:
        self.session = session
        self.write = write
        self.sent: dict[str, dict[str, Any]] = {}
        state = session.state
        self.board = WidgetBoard(lambda: state.engine.widgets if state.engine else [], lambda: state.cwd,
                                 session.facts, self.changed)

    def start(self) -> None:
        self.session.bus.subscribe(self.board.on_event)
        self.session.on_reload.append(self.board.start)
        if self.session.ui is not None:
            self.session.ui.widget_changed = self.changed     # a script's set_widget is sent at once
        self.board.start()

    def stop(self) -> None:
        self.board.stop()

    def changed(self) -> None:
        alive = {str(getattr(w, "qualified", "")) for w in self.board.widgets()}
        now: dict[str, dict[str, Any]] = {}
        for placement in PLACEMENTS:
            for shown in self.board.shown(placement):
                now[shown.name] = self._event(shown, placement)
        for name, event in now.items():
            if self.sent.get(name) != event:
                self.sent[name] = event
                self.write(event)
        for name in [n for n in self.sent if n not in alive]:
            gone = dict(self.sent.pop(name), text="", lines=[], removed=True)
            self.write(gone)

    @staticmethod
    def _event(shown: Any, placement: str) -> dict[str, Any]:
        extension, _, short = shown.name.rpartition(":")
        return {"type": "widget", "extension": extension, "name": short, "placement": placement,
                "text": shown.text, "error": shown.error, "lines": shown.lines, "format": shown.format,
                "style": shown.style, "priority": shown.priority, "max_height": shown.max_height}
