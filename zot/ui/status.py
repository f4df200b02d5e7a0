"""The status bar's own part: model, tokens, cost and how full the context is.

The context window comes from the settings (`context_window`) or litellm's bundled model map,
read as data (litellm is not imported for it). The lookup runs in a thread once per model; until
it is done the percentage is simply not shown.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable

Fragments = list[tuple[str, str]]


def tokens(n: int) -> str:
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}k"
    return f"{n / 1_000_000:.2f}M"


def cost_text(cost: float | None) -> str:
    if cost is None:
        return "$–"
    return f"${cost:.4f}" if cost < 1 else f"${cost:.2f}"


class Status:
    def __init__(self, invalidate: Callable[[], None]) -> None:
        self._invalidate = invalidate
        self._windows: dict[str, int | None] = {}
        self._asked: set[str] = set()

    def window(self, state: Any) -> int | None:
        if getattr(state, "context_window", None):
            return int(state.context_window)
        model = state.model.model if state and state.model else ""
        if not model:
            return None
        if model in self._windows:
            return self._windows[model]
        if model not in self._asked:
            self._asked.add(model)
            try:
                asyncio.get_running_loop().create_task(self._look_up(model))
            except RuntimeError:
                pass
        return None

    async def _look_up(self, model: str) -> None:
        from zot.llm import model_info

        try:
            info = await asyncio.to_thread(model_info, model)
            self._windows[model] = info.context_window
        except Exception:
            self._windows[model] = None
        self._invalidate()

    def fragments(self, state: Any) -> Fragments:
        """`model · ↑12.3k ↓1.2k · $0.0123 · ctx 12%` (what is known of it)."""
        if state is None:
            return [("class:status.dim", "loading…")]
        model = state.model.model if state.model else ""
        out: Fragments = []
        if model:
            out.append(("class:status.model", model))
        else:
            out.append(("class:status.warn", "no model · /model PROVIDER/NAME"))
        usage = state.usage
        out.append(("class:status.dim", f"  ↑{tokens(usage.input_tokens)} ↓{tokens(usage.output_tokens)}"))
        out.append(("class:status.dim", f"  {cost_text(usage.cost)}"))
        size = self.window(state)
        if size and state.last_input_tokens:
            pct = min(999, round(100 * state.last_input_tokens / size))
            out.append(("class:status.warn" if pct >= 80 else "class:status.dim", f"  ctx {pct}%"))
        return out
