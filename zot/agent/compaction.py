"""Compaction: a summary of older turns replaces them in the model's context.

It runs when the last request used 85% of the model's context window, or when the provider says
the context is too long (then the request is retried once). The full history stays on disk; a
`compaction` record says where the kept part begins.
"""
from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from zot.agent import events as ev

if TYPE_CHECKING:
    from zot.agent.loop import AgentState, Emit

THRESHOLD = 0.85
MAX_TRANSCRIPT = 400_000
SUMMARY_SYSTEM = """You summarise a coding session so that it can continue without its history.
Write a compact summary: the user's goals, what was done, files read or changed (with paths),
decisions and their reasons, errors met, and what remains to do. Plain text, no preamble."""


def window(state: "AgentState") -> int | None:
    if state.context_window:
        return state.context_window
    from zot.llm import model_info

    try:
        return model_info(state.model.model).context_window
    except Exception:  # an unknown model has no window: only an overflow compacts
        return None


def over_threshold(state: "AgentState") -> bool:
    if not state.last_input_tokens:
        return False
    size = window(state)
    return bool(size) and state.last_input_tokens >= THRESHOLD * size


def cut_point(messages: list[dict[str, Any]], current: int) -> int | None:
    """Keep the last step: from the last assistant message when mid-turn, else the last user message."""
    if not messages:
        return None
    roles = [m.get("role") for m in messages]
    target = "assistant" if roles[-1] == "tool" else "user"
    for i in range(len(messages) - 1, -1, -1):
        if roles[i] == target:
            return i if i > current else None
    return None


def transcript(messages: list[dict[str, Any]], budget: int = MAX_TRANSCRIPT) -> str:
    """The messages as text for the summariser: the first message (usually the user's goal) and
    as much of the end as fits in `budget` characters, so the summary request itself fits."""
    lines = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):    # text and images: the summariser gets the text
            content = "\n".join(p.get("text", "[image]") if isinstance(p, dict) else str(p) for p in content)
        if not isinstance(content, str):
            content = json.dumps(content, ensure_ascii=False) if content else ""
        calls = m.get("tool_calls") or []
        for call in calls:
            fn = call.get("function", {})
            content += f"\n[calls {fn.get('name')} {fn.get('arguments', '')[:2000]}]"
        lines.append(f"## {m.get('role')}\n{content[:20_000]}")
    if not lines:
        return ""
    head = lines[0][:4000]
    tail = "\n\n".join(lines[1:])
    room = max(budget - len(head), budget // 2)
    if len(tail) > room:
        tail = "[... earlier messages left out ...]\n\n" + tail[-room:]
    return f"{head}\n\n{tail}" if tail else head


def _budget(state: "AgentState") -> int:
    """About half the window in characters (~3 characters a token), so the summary request fits."""
    size = window(state)
    return min(MAX_TRANSCRIPT, size * 3 // 2) if size else MAX_TRANSCRIPT


async def compact(state: "AgentState", reason: str, emit: "Emit", cancel: asyncio.Event | None = None,
                  announce: bool = True) -> bool:
    """Summarise the older messages; returns False (and says why) when nothing could be done.
    `announce` False leaves the "compacted" notice to the caller (`/compact` reports it itself)."""
    from zot.agent.session import compaction_record
    from zot.llm import LLMError, stream_chat

    current = state.compaction[1] if state.compaction else 0
    first_kept = cut_point(state.messages, current)
    if first_kept is None:
        emit(ev.Notice("warning", "nothing older to compact"))
        return False
    emit(ev.BeforeCompact(first_kept - current, reason))
    text = transcript(state.messages[current:first_kept], _budget(state))
    answer = await _ask_hooks(state, {"reason": reason, "messages": first_kept - current, "transcript": text,
                                      "previous_summary": state.compaction[0] if state.compaction else ""}, emit)
    if answer.cancel is not None:
        emit(ev.Notice("warning", f"the compaction was cancelled: {answer.cancel.reason}", answer.cancel.source.label()))
        return False
    summary = answer.summary
    if summary is None:
        previous = f"Earlier summary:\n{state.compaction[0]}\n\n" if state.compaction else ""
        request = [{"role": "system", "content": SUMMARY_SYSTEM}, {"role": "user", "content": previous + text}]
        try:
            completion = await stream_chat(state.model, request, None, cancel=cancel)
        except LLMError as err:
            emit(ev.Notice("error", f"compaction failed: {err.message}"))
            return False
        state.usage = state.usage + completion.usage
        summary = completion.text.strip()
    state.compaction = (summary, first_kept)
    state.last_input_tokens = 0
    state.record(compaction_record(summary, first_kept))
    if announce:
        emit(ev.Notice("info", f"compacted {first_kept - current} messages ({reason})"))
    return True


async def _ask_hooks(state: "AgentState", fields: dict[str, Any], emit: "Emit") -> Any:
    """The first compaction hook that cancels or gives a summary decides (a script's custom
    compaction); a hook that raises is reported and skipped."""
    from zot.ext.hooks import CompactAnswer, first_answer

    answer = await first_answer(state.hooks.compact_hooks, lambda hook: hook.before_compact(fields),
                                lambda text: emit(ev.Notice("error", text)), "before_compact")
    return answer or CompactAnswer()
