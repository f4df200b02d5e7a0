"""compile_widgets: `widgets:` entries become a model the REPL renders and `zot ext widgets` prints.

A widget's text is a template over its data source's output (`run:`, with a timeout) and the
usual context; it keeps its lines (a `status` widget is drawn on one line). `format`, `style`,
`priority` and `max_height` are data for whoever draws it (zot/ui/widgets.py, rpc's `widget`
events). The last text is cached; a failing or hanging source gives a short marker instead of
breaking the screen. Default refresh: at session start and every `turn_end`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.ext import templates
from zot.ext.compile.context import ExtCtx, template_facts
from zot.ext.durations import seconds
from zot.ext.runner import run_exec

DEFAULT_EVENTS = ("session_start", "turn_end")
WIDGET_TIMEOUT = 5.0
MAX_WIDGET_TEXT = 8000
DEFAULT_MAX_HEIGHT = 10


@dataclass
class Widget:
    name: str
    ext: ExtCtx
    placement: str
    text: str
    run: dict | None = None
    events: tuple[str, ...] = DEFAULT_EVENTS
    every: float | None = None
    order: int = 0
    last: str = ""
    updated: float = 0.0
    error: str | None = None
    format: str = "text"
    style: dict = field(default_factory=dict)
    max_height: int = DEFAULT_MAX_HEIGHT

    @property
    def priority(self) -> int:
        return self.order

    @property
    def qualified(self) -> str:
        return f"{self.ext.name}:{self.name}"

    def due(self, now: float | None = None) -> bool:
        return self.every is not None and (now or time.monotonic()) - self.updated >= self.every

    async def refresh(self, cwd: Path, facts: dict[str, Any] | None = None) -> str:
        """Recompute the text; never raises. Failures become a marker like `⚠ git:branch: ...`."""
        facts = facts or {}
        context = template_facts(cwd, self.ext.project, facts.get("model", ""), self.ext, facts.get("session"))
        try:
            if self.run is not None:
                spec = dict(self.run)
                spec.setdefault("timeout", WIDGET_TIMEOUT)
                result = await run_exec(spec, context, self.ext.project)   # `cwd:` is project-relative
                if result.timed_out:
                    return self._fail(f"timed out after {seconds(spec['timeout'], WIDGET_TIMEOUT):g}s", "⏱")
                if result.error:
                    return self._fail(result.error)
                context.update(result.facts())
            text = templates.render(self.text, context).strip("\n").rstrip()
        except Exception as exc:
            return self._fail(str(exc))
        self.last, self.error, self.updated = text[:MAX_WIDGET_TEXT], None, time.monotonic()
        return self.last

    def _fail(self, message: str, mark: str = "⚠") -> str:
        self.error, self.updated = message, time.monotonic()
        self.last = f"{mark} {self.qualified}: {message}"[:MAX_WIDGET_TEXT]
        return self.last


def compile_widget(name: str, node: dict, ext: ExtCtx) -> Widget:
    refresh = node.get("refresh") or {}
    events = refresh.get("on", DEFAULT_EVENTS)
    events = (events,) if isinstance(events, str) else tuple(events)
    every = seconds(refresh["every"], 0) if "every" in refresh else None
    priority = int(node.get("priority", node.get("order", 0)))
    return Widget(name, ext, node.get("placement", "status"), node["text"], node.get("run"), events, every,
                  priority, format=node.get("format", "text"), style=dict(node.get("style") or {}),
                  max_height=int(node.get("max_height", DEFAULT_MAX_HEIGHT)))


def compile_widgets(section: dict, ext: ExtCtx) -> list[Widget]:
    return [compile_widget(name, node, ext) for name, node in (section or {}).items()]
