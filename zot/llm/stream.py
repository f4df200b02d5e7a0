"""Stream one chat completion through litellm, with a watchdog, retries and cancellation.

What litellm gives us is the transport and the provider translation; what an interactive agent
also needs is added here:

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
from types import ModuleType
from typing import Any, Awaitable, Callable

from zot.llm import _litellm
from zot.llm.accumulate import ToolCallAccumulator
from zot.llm.config import ModelConfig
from zot.llm.errors import classify, retry_after
from zot.llm.types import Completion, LLMError
from zot.llm.usage import to_usage

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
    litellm = await _load(cancel)
    attempt = 0
    while True:
        state = _State()
        try:
            return await _attempt(litellm, cfg, messages, tools, on_text, cancel, state)
        except LLMError as err:
            if not err.retryable or state.streamed or attempt >= cfg.max_retries:
                raise
            delay = _backoff(cfg, attempt, err)
            attempt += 1
            if await _wait_cancel(cancel, delay):
                raise LLMError("cancelled", "cancelled while waiting to retry") from err


async def _load(cancel: asyncio.Event | None) -> ModuleType:
    """litellm, imported off the event loop if `preload()` has not finished yet."""
    if _litellm.is_loaded():
        return _litellm.load()
    try:
        return await asyncio.to_thread(_litellm.load)
    except ImportError as e:
        raise LLMError("config", f"litellm cannot be imported: {e}", retryable=False) from e


@dataclass
class _State:
    """What one attempt has received so far."""

    text: list[str] = field(default_factory=list)
    calls: ToolCallAccumulator = field(default_factory=ToolCallAccumulator)
    usage: Any = None
    finish_reason: str | None = None
    model: str | None = None
    streamed: bool = False  # something reached the caller: no retry from here on


def _request(cfg: ModelConfig, messages: list[dict[str, Any]],
             tools: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The keyword arguments of `litellm.acompletion`; `cfg.extra` cannot override the core."""
    kwargs: dict[str, Any] = dict(cfg.extra)
    kwargs.update(
        model=cfg.model,
        messages=messages,
        stream=True,
        stream_options={"include_usage": True},
        num_retries=0,
    )
    if tools:
        kwargs["tools"] = tools
    if cfg.api_base is not None:
        kwargs["api_base"] = cfg.api_base
    if cfg.api_key is not None:
        kwargs["api_key"] = cfg.api_key
    if cfg.reasoning and cfg.reasoning != "off" and _supports_reasoning(cfg.model):
        kwargs["reasoning_effort"] = cfg.reasoning
    return kwargs


def _supports_reasoning(model: str) -> bool:
    """`--reasoning` is dropped for a model litellm's map does not know to reason: litellm would
    reject the parameter, and one flag must work with every model."""
    try:
        return bool(_litellm.load().supports_reasoning(model=model))
    except Exception:
        return False


async def _attempt(litellm: ModuleType, cfg: ModelConfig, messages: list[dict[str, Any]],
                   tools: list[dict[str, Any]] | None, on_text: TextCallback | None,
                   cancel: asyncio.Event | None, state: _State) -> Completion:
    """One request: open the stream, read it to the end, build the `Completion`."""
    if cancel is not None and cancel.is_set():
        raise LLMError("cancelled", "cancelled before the request was sent")
    cancelled = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
    stream: Any = None
    try:
        stream = await _watch(litellm.acompletion(**_request(cfg, messages, tools)), cfg,
                              cancelled, first=True)
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
            await _close(stream)
    if _cut_off(stream):
        raise LLMError("connection", "could not reach the model: the connection closed before "
                                     "the reply was complete")
    return _completion(litellm, cfg, state)


async def _watch(awaitable: Awaitable[Any], cfg: ModelConfig,
                 cancelled: asyncio.Future[Any] | None, *, first: bool) -> Any:
    """Await `awaitable` unless the idle timeout passes or `cancel` is set first.

    Whatever litellm raises is classified; `StopAsyncIteration` passes through.
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


async def _close(stream: Any) -> None:
    """Close the streamed response (releases the connection; stops the provider generating)."""
    close = getattr(stream, "aclose", None)
    if close is None:
        return
    try:
        await asyncio.wait_for(close(), CLOSE_TIMEOUT)
    except (Exception, asyncio.CancelledError):  # noqa: BLE001 - best effort only
        pass


def _consume(chunk: Any, state: _State, on_text: TextCallback | None) -> None:
    """Fold one litellm chunk into `state`; text goes out to `on_text` straight away."""
    if getattr(chunk, "model", None):
        state.model = chunk.model
    usage = getattr(chunk, "usage", None)
    if usage is not None:
        state.usage = usage
    for choice in getattr(chunk, "choices", None) or ():
        if getattr(choice, "index", 0) not in (0, None):
            continue  # zot asks for one choice; ignore any others
        delta = getattr(choice, "delta", None)
        content = getattr(delta, "content", None)
        if content:
            state.text.append(content)
            state.streamed = True
            if on_text is not None:
                on_text(content)
        calls = getattr(delta, "tool_calls", None)
        if calls:
            state.calls.add(calls)
            state.streamed = True
        if getattr(choice, "finish_reason", None):
            state.finish_reason = choice.finish_reason


def _cut_off(stream: Any) -> bool:
    """True when the provider never said it finished (litellm then invents `stop`)."""
    if stream is None or not hasattr(stream, "received_finish_reason"):
        return False
    return (getattr(stream, "received_finish_reason", None) is None
            and getattr(stream, "intermittent_finish_reason", None) is None)


def _completion(litellm: ModuleType, cfg: ModelConfig, state: _State) -> Completion:
    stop = state.finish_reason or "stop"
    calls = state.calls.result(truncated=stop == "length")
    if calls and stop == "stop":
        stop = "tool_calls"
    return Completion(
        text="".join(state.text),
        tool_calls=calls,
        usage=to_usage(state.usage, cfg.model, litellm),
        stop_reason=stop,
        model=state.model or cfg.model,
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
