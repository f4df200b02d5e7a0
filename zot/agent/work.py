"""The session's work queue: one thing at a time, the rest waits in order.

Why a queue in the session and not in each mode: a message typed while the agent works (REPL),
a second `prompt` (rpc) and a script's message (later) must all wait for the same turn to end
and run in the order they came. Each submitted `Item` gets a future the caller may await; the
queue itself never raises. An item's exception (a `UserError`, a bug) is set on its future, and
the next item starts anyway.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

Job = Callable[[asyncio.Event], Awaitable[Any]]


@dataclass(eq=False)
class Item:
    """One thing to do: `text` (a slash command or a prompt) or `job` (a mode's own work, such as
    the REPL's `!command`). `shown` is what the user typed (pastes collapsed), for echoing and
    for the queue display; `on_start` is called when the item leaves the queue."""

    text: str = ""
    source: str = "interactive"
    shown: str = ""
    label: str = ""
    images: list[dict[str, Any]] | None = None
    job: Job | None = None
    on_start: Callable[["Item"], None] | None = None
    future: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    merged: list["Item"] = field(default_factory=list)
    waited: bool = False           # it arrived while something else ran (a person's: input source "queue")

    @property
    def is_prompt(self) -> bool:
        return self.job is None and not self.text.startswith("/")


class WorkQueue:
    """Runs `runner(item)` for one item at a time. With `merge`, prompts that waited together are
    sent as one message (what a REPL user who typed two lines while the agent worked expects);
    without it every prompt gets its own turn (rpc: every `prompt` has its own `done`)."""

    def __init__(self, runner: Callable[[Item], Awaitable[Any]], merge: bool = False) -> None:
        self.runner = runner
        self.merge = merge
        self.items: list[Item] = []
        self.current: Item | None = None
        self.task: asyncio.Task | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def busy(self) -> bool:
        return self.current is not None

    def submit(self, item: Item) -> Item:
        item.waited = self.current is not None or bool(self.items)
        self.items.append(item)
        self._idle.clear()
        self._next()
        return item

    def take(self) -> list[Item]:
        """Remove every waiting item (they never run; their futures resolve to None)."""
        taken, self.items = self.items, []
        for item in taken:
            _settle(item, None)
        if self.current is None:
            self._idle.set()
        return taken

    async def idle(self) -> None:
        """Until nothing runs and nothing waits."""
        await self._idle.wait()

    def _next(self) -> None:
        if self.current is not None or not self.items:
            if self.current is None:
                self._idle.set()
            return
        item = self.items.pop(0)
        if self.merge and item.is_prompt:
            while self.items and self.items[0].is_prompt and self.items[0].source == item.source:
                more = self.items.pop(0)
                item.text, item.shown = f"{item.text}\n\n{more.text}", f"{item.shown}\n\n{more.shown}"
                item.merged.append(more)
        self.current = item
        self.task = asyncio.get_running_loop().create_task(self._run(item))

    async def _run(self, item: Item) -> None:
        try:
            result = await self.runner(item)
        except asyncio.CancelledError:
            for one in (item, *item.merged):
                if not one.future.done():
                    one.future.cancel()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits the item
            for one in (item, *item.merged):
                if not one.future.done():
                    one.future.set_exception(exc)
                    one.future.exception()   # retrieved: an unawaited item must not log a warning
        else:
            for one in (item, *item.merged):
                _settle(one, result)
        finally:
            self.current, self.task = None, None
            self._next()


def _settle(item: Item, result: Any) -> None:
    if not item.future.done():
        item.future.set_result(result)
