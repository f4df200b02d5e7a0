"""Stream one chat completion, with a watchdog, retries and cancellation.

The transport is a wire (`zot.llm.wire`): zot's own for OpenAI-compatible and Anthropic
models, litellm for the rest (`zot.llm.route` chooses). What an interactive agent needs on top
is the same for all of them, and lives here:

* text reaches `on_text` as it arrives, tool-call fragments go to our own accumulator;
* a silent stream is an error (`stalled`) after `cfg.idle_timeout`, never a frozen prompt;
* 429, 5xx and refused/dropped connections are retried with exponential backoff and jitter,
  but only while nothing has been streamed (a retry must never repeat visible text);
* setting `cancel` closes the HTTP response at once and raises `LLMError("cancelled")`;
* every failure becomes one `LLMError` (see `errors.classify`).

litellm's own retries are off (`num_retries=0`) so that these rules hold.
"""
from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from zot.llm.accumulate import ToolCallAccumulator
from zot.llm.config import ModelConfig
from zot.llm.errors import classify, retry_after
from zot.llm.route import backend
from zot.llm.types import Completion, LLMError
from zot.llm.usage import to_usage
from zot.llm.wire import Delta, Opener, opener

__all__ = ["stream_chat"]

#: Longest wait between two attempts, whatever the provider's Retry-After says.
MAX_RETRY_DELAY = 60.0
#: How long closing an abandoned response may take before we stop waiting for it.
CLOSE_TIMEOUT = 2.0

TextCallback = Callable[[str], None]


async def stream_chat(
    cfg: ModelConfig,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]] | None = None,
    on_text: TextCallback | None = None,
    cancel: asyncio.Event | None = None,
) -> Completion:
    """Send `messages` (and `tools`, OpenAI format) to `cfg.model` and stream the answer.

    Returns the finished `Completion`; raises only `LLMError` (or whatever `on_text` raises).
    """
    kind = backend(cfg)
    if kind == "litellm":   # imported before the watchdog starts: the import is not the model's silence
        from zot.llm.wire.via_litellm import load

        await load()
    open_reply = opener(kind)
    attempt = 0
    while True:
        state = _State()
        try:
            return await _attempt(open_reply, cfg, messages, tools, on_text, cancel, state)
        except LLMError as err:
            if not err.retryable or state.streamed or attempt >= cfg.max_retries:
                raise
            delay = _backoff(cfg, attempt, err)
            attempt += 1
            if await _wait_cancel(cancel, delay):
                raise LLMError("cancelled", "cancelled while waiting to retry") from err


@dataclass
class _State:
    """What one attempt has received so far."""

    text: list[str] = field(default_factory=list)
    calls: ToolCallAccumulator = field(default_factory=ToolCallAccumulator)
    usage: Any = None
    finish_reason: str | None = None
    model: str | None = None
    streamed: bool = False  # something reached the caller: no retry from here on
    thinking: list[dict[str, Any]] = field(default_factory=list)


async def _attempt(open_reply: Opener, cfg: ModelConfig, messages: list[dict[str, Any]],
                   tools: list[dict[str, Any]] | None, on_text: TextCallback | None,
                   cancel: asyncio.Event | None, state: _State) -> Completion:
    """One request: open the stream, read it to the end, build the `Completion`."""
    if cancel is not None and cancel.is_set():
        raise LLMError("cancelled", "cancelled before the request was sent")
    cancelled = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
    stream: Any = None
    chunks: Any = None
    try:
        stream = await _watch(open_reply(cfg, messages, tools), cfg, cancelled, first=True)
        chunks = stream.__aiter__()
        while True:
            try:
                chunk = await _watch(chunks.__anext__(), cfg, cancelled, first=False)
            except StopAsyncIteration:
                break
            _consume(chunk, state, on_text)
    finally:
        if cancelled is not None:
            cancelled.cancel()
        if stream is not None:
            await _close(stream, chunks)
    if stream.cut_off():
        raise LLMError("connection", "could not reach the model: the connection closed before "
                                     "the reply was complete")
    return _completion(cfg, state)


async def _watch(awaitable: Awaitable[Any], cfg: ModelConfig,
                 cancelled: asyncio.Future[Any] | None, *, first: bool) -> Any:
    """Await `awaitable` unless the idle timeout passes or `cancel` is set first.

    Whatever the wire raises is classified; `StopAsyncIteration` passes through.
    """
    task = asyncio.ensure_future(awaitable)
    waiters: set[asyncio.Future[Any]] = {task}
    if cancelled is not None:
        waiters.add(cancelled)
    try:
        done, _ = await asyncio.wait(waiters, timeout=cfg.idle_timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the caller's task was cancelled: stop ours too
        await _abandon(task)
        raise
    if task in done:
        try:
            return task.result()
        except (StopAsyncIteration, LLMError):
            raise
        except Exception as e:
            raise classify(e, cfg.model, cfg.api_base) from e
    await _abandon(task)
    if cancelled is not None and cancelled in done:
        raise LLMError("cancelled", "cancelled")
    if first:
        raise LLMError("timeout", f"the request timed out: no response from {cfg.model} "
                                  f"within {cfg.idle_timeout:g}s")
    raise LLMError("stalled", f"the model stopped sending for {cfg.idle_timeout:g}s; "
                              f"the reply was abandoned")


async def _abandon(task: asyncio.Future[Any]) -> None:
    """Cancel `task` and give it a moment to unwind (closing its connection)."""
    task.cancel()
    await asyncio.wait({task}, timeout=CLOSE_TIMEOUT)
    if task.done() and not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log "never retrieved"


async def _close(stream: Any, chunks: Any) -> None:
    """Close the streamed response (releases the connection; stops the provider generating)."""
    for closer in (getattr(chunks, "aclose", None), stream.aclose):
        if closer is None:
            continue
        try:
            await asyncio.wait_for(closer(), CLOSE_TIMEOUT)
        except (Exception, asyncio.CancelledError):  # noqa: BLE001 - best effort only
            pass


def _consume(delta: Delta, state: _State, on_text: TextCallback | None) -> None:
    """Fold one delta into `state`; text goes out to `on_text` straight away."""
    if delta.model:
        state.model = delta.model
    if delta.usage is not None:
        state.usage = delta.usage
    if delta.text:
        state.text.append(delta.text)
        state.streamed = True
        if on_text is not None:
            on_text(delta.text)
    if delta.tool_calls:
        state.calls.add(delta.tool_calls)
        state.streamed = True
    if delta.finish_reason:
        state.finish_reason = delta.finish_reason
    if delta.thinking:
        state.thinking.append(delta.thinking)


def _completion(cfg: ModelConfig, state: _State) -> Completion:
    stop = state.finish_reason or "stop"
    calls = state.calls.result(truncated=stop == "length")
    if calls and stop == "stop":
        stop = "tool_calls"
    return Completion(
        text="".join(state.text),
        tool_calls=calls,
        usage=to_usage(state.usage, cfg.model),
        stop_reason=stop,
        model=state.model or cfg.model,
        thinking_blocks=state.thinking,
    )


def _backoff(cfg: ModelConfig, attempt: int, err: LLMError) -> float:
    """Exponential backoff with jitter, at least what the provider's Retry-After asked."""
    delay = cfg.retry_base_delay * (2 ** attempt)
    delay += random.uniform(0, delay / 2)
    if err.__cause__ is not None and (asked := retry_after(err.__cause__)) is not None:
        delay = max(delay, asked)
    return min(delay, MAX_RETRY_DELAY)


async def _wait_cancel(cancel: asyncio.Event | None, seconds: float) -> bool:
    """Sleep `seconds`; return True at once if `cancel` is set meanwhile."""
    if cancel is None:
        await asyncio.sleep(seconds)
        return False
    try:
        await asyncio.wait_for(cancel.wait(), seconds)
        return True
    except asyncio.TimeoutError:
        return False
