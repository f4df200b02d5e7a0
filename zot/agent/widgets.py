"""Extension widgets: header, above, below, status and footer placements, kept fresh.

Each widget is refreshed when one of its events is emitted on the bus and every `every`
seconds, in background tasks: input never waits for a widget. One refresh per widget runs at a
time (an event during a refresh runs one more afterwards). A widget that fails, hangs (bounded by
`REFRESH_TIMEOUT`) or raises shows a short marker instead of its text; the screen never breaks.
Script widgets are set by their script; they are simply redrawn. `shown(placement)` is what
to draw, as data (text, format, style, priority, max height); the REPL draws it
(zot/ui/widgets.py) and rpc sends it as `widget` events (zot/modes/rpc_widgets.py).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

PLACEMENTS = ("header", "above", "below", "status", "footer")
REFRESH_TIMEOUT = 10.0
TICK = 1.0
MAX_WIDTH = 200        # a status widget, on one line
MAX_TEXT = 8000        # a widget of several lines
MARKER_WIDTH = 60      # a failure marker stays short: the full error is in `/ext`


def _is_marker(text: str) -> bool:
    return text.startswith(("⚠", "⏱"))


class WidgetBoard:
    def __init__(self, widgets: Callable[[], list], cwd: Callable[[], Path], facts: Callable[[], dict],
                 invalidate: Callable[[], None]) -> None:
        self._widgets = widgets
        self._cwd = cwd
        self._facts = facts
        self._invalidate = invalidate
        self._running: dict[int, asyncio.Task] = {}
        self._again: set[int] = set()
        self._ticker: asyncio.Task | None = None

    def widgets(self) -> list:
        try:
            return list(self._widgets() or [])
        except Exception:
            return []

    # ---------------------------------------------------------------- refreshing

    def start(self) -> None:
        """Refresh every widget now and start the interval ticker."""
        for widget in self.widgets():
            self.schedule(widget)
        if self._ticker is None:
            self._ticker = asyncio.get_running_loop().create_task(self._tick())

    def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        for task in list(self._running.values()):
            task.cancel()

    def on_event(self, event: Any) -> None:
        """A bus listener: refresh the widgets that listen to this event."""
        kind = getattr(event, "type", "")
        for widget in self.widgets():
            if kind in (getattr(widget, "events", ()) or ()):
                self.schedule(widget)

    def schedule(self, widget: Any) -> None:
        key = id(widget)
        if key in self._running:
            self._again.add(key)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self._refresh(widget))
        self._running[key] = task
        task.add_done_callback(lambda _t, key=key, widget=widget: self._done(key, widget))

    def _done(self, key: int, widget: Any) -> None:
        self._running.pop(key, None)
        self._invalidate()
        if key in self._again:
            self._again.discard(key)
            self.schedule(widget)

    async def _refresh(self, widget: Any) -> None:
        try:
            await asyncio.wait_for(widget.refresh(self._cwd(), self._facts()), REFRESH_TIMEOUT)
        except asyncio.CancelledError:
            raise
        except asyncio.TimeoutError:
            widget.error = f"no answer in {REFRESH_TIMEOUT:g}s"
            widget.last = f"⏱ {_name(widget)}: {widget.error}"
        except Exception as exc:   # refresh() should never raise; if it does, a marker
            widget.error = str(exc) or type(exc).__name__
            widget.last = f"⚠ {_name(widget)}: {widget.error}"

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            for widget in self.widgets():
                try:
                    due = widget.due()
                except Exception:
                    due = False
                if due:
                    self.schedule(widget)
            self._invalidate()   # script widgets change on their own

    # ---------------------------------------------------------------- reading

    def shown(self, placement: str) -> list[Shown]:
        """What the widgets of one placement show now, in priority order (lower first, then load
        order). A `status` widget is one line; the others keep their lines."""
        out = []
        for widget in sorted(self.widgets(), key=lambda w: getattr(w, "priority", 0)):
            if getattr(widget, "placement", "status") != placement:
                continue
            text = str(getattr(widget, "last", "") or "")
            if not text.strip():
                continue
            failed = bool(getattr(widget, "error", None)) or _is_marker(text)
            if failed or placement == "status":
                text = _one_line(text, MARKER_WIDTH if failed else MAX_WIDTH)
            elif len(text) > MAX_TEXT:
                text = text[: MAX_TEXT - 1] + "…"
            out.append(Shown(_name(widget), text, failed, getattr(widget, "format", "text") or "text",
                             dict(getattr(widget, "style", None) or {}),
                             int(getattr(widget, "max_height", 10) or 10), int(getattr(widget, "priority", 0)),
                             getattr(widget, "error", None)))
        return out

    def texts(self, placement: str) -> list[tuple[str, bool]]:
        """(text, failed) of the widgets in one placement, each on one line."""
        return [(_one_line(s.text, MARKER_WIDTH if s.failed else MAX_WIDTH), s.failed) for s in self.shown(placement)]

    def has(self, placement: str) -> bool:
        return bool(self.shown(placement))


@dataclass(frozen=True)
class Shown:
    """One widget as it should be drawn: data, the same for the REPL and rpc's `widget` events."""

    name: str                 # EXTENSION:NAME
    text: str
    failed: bool
    format: str = "text"      # text | markdown
    style: dict = field(default_factory=dict)
    max_height: int = 10
    priority: int = 0
    error: str | None = None  # why it failed (the text is then a short marker)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(widget: Any) -> str:
    return str(getattr(widget, "qualified", getattr(widget, "name", "widget")))
