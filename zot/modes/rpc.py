"""`zot rpc`: the agent as a long-lived process speaking NDJSON on stdin and stdout.

Compatible with the Go zot's `zot rpc` (its docs/rpc.md): the same commands, `response` frames
and events, so its clients run unchanged; docs/rpc.md here lists zot's additions. One process
serves one session. A `prompt` or `compact` sent while another runs waits in the session's
queue; its `response` comes when it starts, as in the Go zot. Nothing a client writes ends the
process except a wrong token (when `ZOTCORE_RPC_TOKEN` is set) and the end of stdin, after which
what was sent finishes, the scripts are stopped and the session is closed.

stdout carries frames only: anything else that would print there goes to stderr.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import os
import signal
import sys
import threading
from typing import Any

from zot import __version__
from zot.agent.options import Options
from zot.config import UserError
from zot.modes.rpc_commands import COMMANDS, LATER, Problem, follow_prompt
from zot.modes.rpc_events import Translator
from zot.modes.rpc_ui import RpcUI
from zot.modes.rpc_widgets import WidgetFeed

PROTOCOL_VERSION = 1
MAX_LINE = 16 * 1024 * 1024            # the Go zot's scanner limit


def run(opts: Options) -> int:
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)                       # stray prints (a library, a tool) must not break the stream
    sys.stdout = sys.stderr
    return asyncio.run(Server(opts, out).serve())


class Server:
    def __init__(self, opts: Options, out: Any) -> None:
        self.opts = opts
        self.out = out
        self.session: Any = None
        self.ui = RpcUI(self.write)
        self.token = os.environ.get("ZOTCORE_RPC_TOKEN") or ""
        self.authed = not self.token
        self.held: list[dict[str, Any]] = []      # events before the hello: none reach an unauthenticated client
        self.line = 0
        self.waiters: set[asyncio.Task] = set()
        self.code = 0

    # ---------------------------------------------------------------- writing

    def write(self, frame: dict[str, Any]) -> None:
        if not self.authed and frame.get("type") != "response":
            self.held.append(frame)
            return
        data = json.dumps(frame, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8") + b"\n"
        try:
            self.out.write(data)
        except (BrokenPipeError, OSError):
            pass                             # the client is gone; stdin's end will stop us

    def respond(self, command: str, request_id: Any, data: Any = None) -> None:
        frame: dict[str, Any] = {"type": "response", "command": command, "success": True}
        if request_id not in (None, ""):
            frame["id"] = request_id
        if data is not None:
            frame["data"] = data
        self.write(frame)

    def fail(self, command: str, request_id: Any, message: str) -> None:
        frame: dict[str, Any] = {"type": "response", "command": command, "success": False, "error": message}
        if request_id not in (None, ""):
            frame["id"] = request_id
        self.write(frame)

    # ---------------------------------------------------------------- serving

    async def serve(self) -> int:
        from zot.agent.agent_session import AgentSession

        try:
            self.session = await asyncio.to_thread(AgentSession.create, self.opts, False)
        except UserError as exc:
            self.fail("", None, exc.message + (f" ({exc.hint})" if exc.hint else ""))
            raise
        session = self.session
        self.translator = Translator(self.write, lambda: session.state.usage)
        session.bus.subscribe(self.translator)
        # a turn a script started (send_message) ends with `done` too, as a prompt's does
        session.on_script_item = lambda item: self.later(follow_prompt(self, item, [True]))
        loop = asyncio.get_running_loop()
        stopping = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda sig=sig: self._stop(stopping, 128 + sig))
        lines: asyncio.Queue = asyncio.Queue()
        threading.Thread(target=_read_lines, args=(loop, lines), name="zot-rpc-stdin", daemon=True).start()
        widgets = WidgetFeed(session, self.write)
        try:
            await session.start(ui=self.ui)
            widgets.start()
            await self._read(lines, stopping)
            if not stopping.is_set():        # end of input: what was sent still finishes
                self.ui.closed = True
                self.ui.cancel_all("eof")
                await _either(session.idle(), stopping)
        finally:
            widgets.stop()
            await session.close(timeout=5)
            await asyncio.gather(*self.waiters, return_exceptions=True)
        return self.code

    async def _read(self, lines: asyncio.Queue, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            got = await _either(lines.get(), stopping)
            if got is None or got is _STOPPED:
                return
            self.line += 1
            if isinstance(got, _TooLong):
                self.fail("", None, f"line {self.line}: longer than {MAX_LINE} bytes; it was skipped")
                continue
            text = got.decode("utf-8", "replace").strip()
            if text and not await self.handle(text):
                self.code = 1
                return

    async def handle(self, text: str) -> bool:
        """One line; False ends the process (a wrong token)."""
        try:
            frame = json.loads(text)
        except ValueError as exc:
            self.fail("", None, f"line {self.line}: malformed json: {exc}")
            return True
        if not isinstance(frame, dict):
            self.fail("", None, f"line {self.line}: expected a JSON object like "
                                '{"id": "1", "type": "prompt", "message": "..."}, not ' + type(frame).__name__)
            return True
        kind, request_id = frame.get("type"), frame.get("id")
        if not isinstance(kind, str) or not kind:
            self.fail("", request_id, f"line {self.line}: missing \"type\" (a command such as prompt, abort, "
                                      "get_state)")
            return True
        if not self.authed:
            return self._hello_first(kind, request_id, frame)
        handler = COMMANDS.get(kind)
        if handler is None:
            from zot.diagnostics import did_you_mean

            self.fail(kind, request_id, f"unknown command {kind!r}: {did_you_mean(kind, COMMANDS)}"
                                        f"commands: {', '.join(COMMANDS)}")
            return True
        try:
            data = await handler(self, frame)
        except Problem as problem:
            self.fail(kind, request_id, str(problem))
        except UserError as exc:
            self.fail(kind, request_id, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        else:
            if data is not LATER:
                self.respond(kind, request_id, data)
        return True

    def _hello_first(self, kind: str, request_id: Any, frame: dict[str, Any]) -> bool:
        if kind != "hello":
            self.fail(kind, request_id, "auth required: send hello with token first")
            return True
        token = frame.get("token")
        if not isinstance(token, str) or not hmac.compare_digest(token.encode(), self.token.encode()):
            self.fail(kind, request_id, "invalid token")
            return False
        self.authed = True
        self.respond(kind, request_id, self.hello(frame))
        held, self.held = self.held, []
        for event in held:
            self.write(event)
        return True

    def hello(self, frame: dict[str, Any]) -> dict[str, Any]:
        """The hello answer; `"ui": true` turns on questions (rpc_ui), `ui_timeout` bounds them."""
        from zot.agent.models import split_model

        if frame.get("ui") is True:
            self.ui.enabled = True
            if not self.opts.auto_yes:
                self.session.state.hooks.confirm = self.ui.confirm_tool
        timeout = frame.get("ui_timeout")
        if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
            self.ui.timeout = float(timeout) if timeout > 0 else None
        provider, model = split_model(self.session.state.model.model)
        return {"protocol_version": PROTOCOL_VERSION, "version": __version__, "provider": provider, "model": model,
                "ui": self.ui.enabled}

    def later(self, coro: Any) -> Any:
        """Follow a queued item to its end (its events, then `done`) without holding up the reader."""
        task = asyncio.get_running_loop().create_task(coro)
        self.waiters.add(task)
        task.add_done_callback(self.waiters.discard)
        return LATER

    def _stop(self, stopping: asyncio.Event, code: int) -> None:
        self.code = code
        self.ui.cancel_all("aborted")
        if self.session is not None:
            self.session.take_queued()
            self.session.abort()
        stopping.set()


class _TooLong:
    pass


_STOPPED = object()


def _read_lines(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue) -> None:
    """A thread, so stdin may be a pipe, a file or a terminal alike. None marks the end."""
    stream = sys.stdin.buffer
    try:
        while True:
            line = stream.readline(MAX_LINE + 1)
            if not line:
                break
            if len(line) > MAX_LINE and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):      # skip the rest of the long line
                    line = stream.readline(MAX_LINE)
                loop.call_soon_threadsafe(lines.put_nowait, _TooLong())
                continue
            loop.call_soon_threadsafe(lines.put_nowait, line)
    except (OSError, ValueError):
        pass
    finally:
        try:
            loop.call_soon_threadsafe(lines.put_nowait, None)
        except RuntimeError:     # the loop is closed: the process is ending anyway
            pass


async def _either(awaitable: Any, stopping: asyncio.Event) -> Any:
    """`awaitable`'s result, or _STOPPED when a signal came first."""
    task = asyncio.ensure_future(awaitable)
    stop = asyncio.ensure_future(stopping.wait())
    done, _ = await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        stop.cancel()
        return task.result()
    task.cancel()
    return _STOPPED
