"""The rpc commands: `async (server, frame) -> response data`.

Each checks its fields (a `Problem` becomes `success: false` naming the field) and calls the
session. `prompt` and `compact` go through the session's queue: they answer when they start and
are followed to their end (`done`, or `compact_done` as in the Go zot) by a task of their own,
so the reader keeps taking `abort` and `get_state` meanwhile.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from zot.config import UserError

if TYPE_CHECKING:
    from zot.modes.rpc import Server

Command = Callable[["Server", dict[str, Any]], Awaitable[Any]]

LATER = object()          # the response is written when the queued item starts
BUSY = "agent is busy"
REASONING = {"off": "off", "minimum": "low", "low": "low", "medium": "medium", "high": "high", "xhigh": "high",
             "max": "high"}


class Problem(Exception):
    """A command the server cannot take as sent; the text says which field and why."""


def text_field(frame: dict[str, Any], key: str) -> str:
    value = frame.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Problem(f"`{key}` must be a non-empty string")
    return value


def images_field(value: Any) -> list[dict[str, str]]:
    if value in (None, []):
        return []
    if not isinstance(value, list):
        raise Problem('`images` must be a list like [{"mime_type": "image/png", "data": "<base64>"}]')
    out = []
    for i, image in enumerate(value):
        if not isinstance(image, dict) or not isinstance(image.get("mime_type"), str) \
                or not isinstance(image.get("data"), str):
            raise Problem(f"`images[{i}]` needs a string `mime_type` and base64 `data`")
        try:
            base64.b64decode(image["data"], validate=True)
        except (binascii.Error, ValueError):
            raise Problem(f"`images[{i}].data` is not base64") from None
        out.append({"mime_type": image["mime_type"], "data": image["data"]})
    return out


def idle(server: "Server") -> None:
    if server.session.busy or server.session.queued:
        raise Problem(BUSY)


# ---------------------------------------------------------------- the turn


async def cmd_prompt(server: "Server", frame: dict[str, Any]) -> Any:
    message = frame.get("message", "")
    if not isinstance(message, str):
        raise Problem("`message` must be a string")
    images = images_field(frame.get("images"))
    if not message.strip() and not images:
        raise Problem("`message` is empty: send the text for the model")
    session, request_id = server.session, frame.get("id")
    waiting = session.busy or bool(session.queued)
    began: list[bool] = []

    def started(_item: Any) -> None:
        began.append(True)
        server.respond("prompt", request_id, {"started": True})
        server.translator.images = images

    item = session.submit(message, "rpc", images=images or None, on_start=started)
    if waiting:
        server.write({"type": "prompt_queued", "id": request_id, "position": len(session.queued)})
    return server.later(follow_prompt(server, item, began))


async def follow_prompt(server: "Server", item: Any, began: list[bool]) -> None:
    """After the prompt's events: an `error` when it failed, then `done` (not for a prompt
    dropped from the queue at shutdown: it never began)."""
    from zot.agent import events as ev

    try:
        result = await item.future
    except asyncio.CancelledError:
        result = None
    except UserError as exc:
        server.write({"type": "error", "message": exc.message + (f" ({exc.hint})" if exc.hint else "")})
    except Exception as exc:  # a bug in zot: say so, keep serving
        server.write({"type": "error", "message": f"internal error: {type(exc).__name__}: {exc}"})
    else:
        if isinstance(result, ev.AgentEnd) and result.stop_reason in ("error", "max_steps", "blocked"):
            server.write({"type": "error", "message": end_message(result, server.opts.max_steps)})
    if began:
        server.write({"type": "done"})


def end_message(end: Any, max_steps: int | None) -> str:
    if end.stop_reason == "max_steps":
        return f"max steps ({max_steps}) exceeded"
    if end.stop_reason == "blocked":
        return "an extension stopped the turn (see the ext_notify before this)"
    return end.error or "the run failed"


async def cmd_abort(server: "Server", frame: dict[str, Any]) -> Any:
    server.ui.cancel_all("aborted")
    server.session.abort()
    return None


async def cmd_compact(server: "Server", frame: dict[str, Any]) -> Any:
    session, request_id = server.session, frame.get("id")

    async def job(cancel: asyncio.Event) -> int | None:
        if not session.state.messages:
            raise UserError("nothing to compact yet", "send a prompt first")
        return await session.compact_now(cancel)

    item = session.submit_job(job, label="compacting", source="rpc",
                              on_start=lambda _item: server.respond("compact", request_id, {"started": True}))
    return server.later(follow_compact(server, item))


async def follow_compact(server: "Server", item: Any) -> None:
    try:
        count = await item.future
    except asyncio.CancelledError:
        return
    except UserError as exc:
        server.write({"type": "error", "message": exc.message})
        return
    if count is None:
        server.write({"type": "error", "message": "nothing was compacted (the ext_notify before says why)"})
        return
    summary = server.session.state.compaction[0] if server.session.state.compaction else ""
    server.write({"type": "compact_done", "summary": summary, "messages": count})


# ---------------------------------------------------------------- reading the state


async def cmd_hello(server: "Server", frame: dict[str, Any]) -> Any:
    return server.hello(frame)


async def cmd_get_state(server: "Server", frame: dict[str, Any]) -> Any:
    from zot.agent.models import split_model
    from zot.modes.rpc_events import usage_fields

    snap = server.session.snapshot()
    provider, model = split_model(snap.model)
    return {"provider": provider, "model": model, "cwd": snap.cwd, "message_count": snap.message_count,
            "busy": snap.busy, "usage": usage_fields(snap.usage), "queued": snap.queued,
            "session_id": snap.session_id, "session_path": snap.session_path}


async def cmd_get_messages(server: "Server", frame: dict[str, Any]) -> Any:
    from zot.modes.rpc_events import message_json

    return {"messages": [message_json(m) for m in server.session.state.messages]}


async def cmd_get_models(server: "Server", frame: dict[str, Any]) -> Any:
    from zot.agent.models import provider_models, split_model

    provider = split_model(server.session.state.model.model)[0]
    return {"models": await asyncio.to_thread(provider_models, provider)}


async def cmd_ping(server: "Server", frame: dict[str, Any]) -> Any:
    return {"pong": True}


# ---------------------------------------------------------------- changing the session (idle only)


async def cmd_clear(server: "Server", frame: dict[str, Any]) -> Any:
    idle(server)
    vetoed = await server.session.switch_vetoed("new")
    if vetoed is not None:
        raise Problem(f"the session was not cleared: {vetoed}")
    server.session.new()
    return None


async def cmd_set_model(server: "Server", frame: dict[str, Any]) -> Any:
    from zot.agent.models import split_model

    idle(server)
    model = text_field(frame, "model").strip()
    provider = split_model(server.session.state.model.model)[0]
    server.session.set_model(model if "/" in model or not provider else f"{provider}/{model}")
    return {"model": model}


async def cmd_set_reasoning(server: "Server", frame: dict[str, Any]) -> Any:
    idle(server)
    level = frame.get("reasoning")
    if level not in REASONING:
        raise Problem(f"`reasoning` must be one of {', '.join(REASONING)}, not {level!r}")
    server.session.set_reasoning(REASONING[level])
    return {"reasoning": level}


async def cmd_ui_response(server: "Server", frame: dict[str, Any]) -> Any:
    request_id = text_field(frame, "request_id")
    problem = server.ui.answer(request_id, frame.get("value"))
    if problem:
        raise Problem(problem)
    return None


COMMANDS: dict[str, Command] = {
    "hello": cmd_hello, "prompt": cmd_prompt, "abort": cmd_abort, "compact": cmd_compact,
    "get_state": cmd_get_state, "get_messages": cmd_get_messages, "clear": cmd_clear, "set_model": cmd_set_model,
    "set_reasoning": cmd_set_reasoning, "get_models": cmd_get_models, "ping": cmd_ping,
    "ui_response": cmd_ui_response,
}
