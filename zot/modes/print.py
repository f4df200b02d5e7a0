"""`zot -p` prints the answer; `zot --json` prints one JSON object per event.

One `send` to the session: a slash command (its output on stdout, its errors on stderr) or a
prompt taken to its final answer. Turns that script extensions started meanwhile (their
`send_message`, e.g. a plan approved by `/plan approve`) run before zot exits, each answer
printed as it ends; the exit code is the last run's. `--json` ends with the last `agent_end`,
printed after `session_shutdown`, so the last line is always the answer with its stop reason
and usage.
"""
from __future__ import annotations

import asyncio
import json
import signal
import sys
from typing import Any

from zot.agent.options import Options
from zot.config import UserError

EXIT = {"stop": 0, "handled": 0, "max_steps": 3, "blocked": 1, "error": 1, "cancelled": 130}


def read_prompt(words: list[str]) -> str:
    prompt = " ".join(words).strip()
    if not prompt and not sys.stdin.isatty():
        prompt = sys.stdin.read().strip()
    if not prompt:
        raise UserError("no prompt given", 'pass it as an argument (zot -p "fix the tests") or on stdin', code=2)
    return prompt


def run(opts: Options, prompt: str, json_mode: bool) -> int:
    return asyncio.run(_run(opts, prompt, json_mode))


async def _run(opts: Options, prompt: str, json_mode: bool) -> int:
    from zot.agent.agent_session import AgentSession
    from zot.agent.slash import is_command

    session = AgentSession.create(opts, require_model=not is_command(prompt))
    held: list = []
    ends: list = []
    session.bus.subscribe(_printer(json_mode, held, ends, opts))
    if not json_mode:
        session.bus.subscribe(_show_command)
    try:
        await session.start()
        result = await _send(session, prompt)
        if result is not None and await _follow(session) and ends and ends[-1] is not result:
            result = ends[-1]                        # a script started a turn after ours: its end counts
    finally:
        await session.close(timeout=10)
    _flush(held)
    sys.stdout.flush()
    return _exit_code(result)


def _signals(session: Any, me: Any) -> Any:
    """Ctrl-C (or SIGTERM) stops the turn; the session is still closed and saved."""
    loop = asyncio.get_running_loop()

    def stop() -> None:
        if not session.abort() and me is not None:
            me.cancel()

    loop.add_signal_handler(signal.SIGINT, stop)
    loop.add_signal_handler(signal.SIGTERM, stop)
    return lambda: (loop.remove_signal_handler(signal.SIGINT), loop.remove_signal_handler(signal.SIGTERM))


async def _send(session: Any, prompt: str) -> Any:
    release = _signals(session, asyncio.current_task())
    try:
        return await session.send(prompt, source="cli")
    except asyncio.CancelledError:
        return None
    finally:
        release()


async def _follow(session: Any) -> bool:
    """Wait for the turns scripts queued during ours; False when interrupted."""
    release = _signals(session, asyncio.current_task())
    try:
        await session.idle()
        return True
    except asyncio.CancelledError:
        return False
    finally:
        release()


def _exit_code(result: Any) -> int:
    from zot.agent import events as ev

    if result is None:
        print("zot: cancelled", file=sys.stderr)
        return 130
    if not isinstance(result, ev.AgentEnd):          # a command's result
        return 1 if result.is_error else 0
    return EXIT.get(result.stop_reason, 1)


def _flush(held: list) -> None:
    for event in held:
        sys.stdout.write(json.dumps(event.to_json(), default=str, ensure_ascii=False) + "\n")
    held.clear()


def _answer(end: Any, opts: Options) -> None:
    """-p: a run's answer on stdout, why it stopped early on stderr."""
    if end.answer:
        print(end.answer, flush=True)
    if end.error:
        print(f"zot: error: {end.error}", file=sys.stderr)
    elif end.stop_reason == "max_steps":
        print(f"zot: stopped after {opts.max_steps} steps (--max-steps)", file=sys.stderr)
    elif end.stop_reason == "cancelled":
        print("zot: cancelled", file=sys.stderr)


def _printer(json_mode: bool, held: list, ends: list, opts: Options):
    from zot.agent import events as ev

    def emit(event) -> None:
        if isinstance(event, ev.AgentEnd):
            ends.append(event)
        if json_mode:
            if isinstance(event, ev.AgentEnd):
                _flush(held)          # an earlier run's end, now that another run followed it
                held.append(event)    # the last one is printed after session_shutdown: the answer ends the stream
                return
            if not isinstance(event, (ev.SessionShutdown, ev.Notice)):
                _flush(held)
            sys.stdout.write(json.dumps(event.to_json(), default=str, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif isinstance(event, ev.AgentEnd):
            _answer(event, opts)
        elif isinstance(event, ev.Notice) and event.level != "info":
            print(f"zot: {event.level}: {event.text}", file=sys.stderr)
        elif isinstance(event, ev.Notice):
            print(f"zot: {event.text}", file=sys.stderr)
        elif isinstance(event, ev.ToolResultEvent) and event.blocked:
            print(f"zot: blocked {event.name}: {event.content}", file=sys.stderr)
    return emit


def _show_command(event) -> None:
    """-p: a command's output goes to stdout, its errors to stderr; a prompt is not shown (the
    model's answer is)."""
    from zot.agent import events as ev

    if not isinstance(event, ev.CommandOutput) or event.action in ("prompt", "clear", "exit"):
        return
    if event.action == "error":
        print(f"zot: error: {event.text}", file=sys.stderr)
    elif event.text:
        print(event.text)
