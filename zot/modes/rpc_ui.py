"""Questions over rpc: a `ui_request` event, answered by a `ui_response` command.

A client opts in with `{"type": "hello", "ui": true}`. Until then (a Go zot client never does)
nobody is asked: a confirm guard denies as in `-p` (unless `--yes`) and a script's question is
cancelled. Once opted in, a question without an answer within `timeout` seconds, or when the
turn is aborted or stdin closes, gets its default: "no" for a tool call, cancelled for a
script's question. This is the rpc side of zot.ext.script.ui.UIPort.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable

Write = Callable[[dict[str, Any]], None]

TOOL_ANSWERS = ("yes", "no", "always")
DEFAULT_TIMEOUT = 120.0


class RpcUI:
    def __init__(self, write: Write) -> None:
        self.write = write
        self.enabled = False
        self.timeout: float | None = DEFAULT_TIMEOUT
        self.closed = False                       # stdin is gone: nobody can answer any more
        self.pending: dict[str, tuple[asyncio.Future, str]] = {}    # request_id -> (answer, kind)
        self._count = 0

    @property
    def can_ask(self) -> bool:
        return self.enabled and not self.closed

    # ---------------------------------------------------------------- the pair

    async def ask(self, kind: str, fields: dict[str, Any], default: Any) -> Any:
        if not self.enabled or self.closed:
            return default
        self._count += 1
        request_id = f"q{self._count}"
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.pending[request_id] = (future, kind)
        self.write({"type": "ui_request", "request_id": request_id, "kind": kind, **fields,
                    "timeout": self.timeout})
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except asyncio.TimeoutError:
            self.write({"type": "ui_request_closed", "request_id": request_id, "reason": "timeout"})
            return default
        except _Closed as closed:
            self.write({"type": "ui_request_closed", "request_id": request_id, "reason": closed.reason})
            return default
        finally:
            self.pending.pop(request_id, None)

    def answer(self, request_id: str, value: Any) -> str | None:
        """A `ui_response`: None when taken, else what is wrong with it."""
        waiting = self.pending.get(request_id)
        if waiting is None:
            open_ids = ", ".join(self.pending) or "none"
            return f"no question {request_id!r} is waiting (it may have timed out); waiting: {open_ids}"
        future, kind = waiting
        if kind == "tool_confirm":
            value = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
            if value not in TOOL_ANSWERS:
                return f"`value` must be one of {', '.join(TOOL_ANSWERS)} for a tool_confirm, not {value!r}"
        elif kind == "confirm" and not isinstance(value, (bool, type(None))):
            return f"`value` must be true, false or null for a confirm, not {value!r}"
        elif kind in ("select", "input") and not isinstance(value, (str, type(None))):
            return f"`value` must be a string or null for {kind}, not {value!r}"
        elif kind == "overlay" and not (value is None or isinstance(value, str)
                                        or (isinstance(value, int) and not isinstance(value, bool))):
            return f"`value` must be a button's label, its index or null for an overlay, not {value!r}"
        if not future.done():
            future.set_result(value)
        return None

    def cancel_all(self, reason: str) -> None:
        """Every open question gets its default now (abort, end of input)."""
        for future, _kind in list(self.pending.values()):
            if not future.done():
                future.set_exception(_Closed(reason))

    # ---------------------------------------------------------------- Hooks.confirm

    async def confirm_tool(self, request: Any) -> str:
        fields = {"title": f"Allow this {request.tool} call?", "tool": request.tool, "args": request.args,
                  "original_args": request.original_args, "reasons": list(request.reasons),
                  "rules": [s.to_json() for s in request.sources], "options": list(TOOL_ANSWERS), "default": "no"}
        answer = await self.ask("tool_confirm", fields, "no")
        return answer if answer in TOOL_ANSWERS else "no"

    # ---------------------------------------------------------------- UIPort (script extensions)

    async def confirm(self, source: str, title: str, message: str, default: bool = False) -> bool | None:
        return await self.ask("confirm", {"extension": source, "title": title, "message": message,
                                          "default": default}, None)

    async def select(self, source: str, title: str, message: str, options: list[str],
                     default: str | None = None) -> str | None:
        value = await self.ask("select", {"extension": source, "title": title, "message": message,
                                          "options": options, "default": default}, None)
        return value if value is None or value in options else None

    async def input(self, source: str, title: str, message: str, placeholder: str = "",
                    default: str = "") -> str | None:
        return await self.ask("input", {"extension": source, "title": title, "message": message,
                                        "placeholder": placeholder, "default": default}, None)

    async def overlay(self, source: str, spec: dict[str, Any]) -> dict[str, Any]:
        """An overlay as a question: the client answers a button's label or index (null: cancel)."""
        labels = list(spec.get("actions") or [])
        value = await self.ask("overlay", {"extension": source, **spec}, None)
        if isinstance(value, str) and value in labels:
            return {"action": value, "index": labels.index(value), "cancelled": False}
        if isinstance(value, int) and not isinstance(value, bool) and -1 <= value < len(labels):
            return {"action": labels[value] if value >= 0 else "", "index": value, "cancelled": False}
        return {"action": "", "index": -1, "cancelled": True}

    async def open_panel(self, panel: Any, on_key: Any, on_close: Any) -> None:
        self.write(_panel("panel", panel))

    async def update_panel(self, panel: Any) -> None:
        self.write(_panel("panel", panel))

    async def close_panel(self, source: str, panel_id: str) -> None:
        self.write({"type": "panel_close", "extension": source, "id": panel_id})

    def notify(self, level: str, text: str, source: str) -> None:
        self.write({"type": "ext_notify", "extension": source, "level": level, "message": text})


class _Closed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _panel(kind: str, panel: Any) -> dict[str, Any]:
    return {"type": kind, "extension": panel.source, "id": panel.id, "title": panel.title,
            "lines": list(panel.lines), "footer": panel.footer}
