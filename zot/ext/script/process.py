"""One script process: spawn, handshake, frames in and out, requests by id, shutdown, kill.

Why a class of its own: everything that can go wrong with a child process (it never says hello,
exits, prints garbage or a 5 MiB line, stops reading, ignores shutdown) is caught here and turned
into one call of `Handler.on_failure(reason)` (after start-up) or a `StartError` (during it).
Every waiting request is then answered with `ScriptDown`, so nothing in zot waits on a dead
script. Restarting is the owner's business (`zot.ext.script.extension`).

The process starts in its own session (so Ctrl-C in the terminal reaches zot, not the scripts)
with the extension folder as cwd; its stderr is appended to `$ZOT_HOME/logs/ext-NAME.log`, where
zot also writes what it noticed.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from pathlib import Path
from typing import Any, Protocol

from zot.config import zot_home
from zot.ext.script import protocol
from zot.ext.script.spec import ScriptSpec

STOP_GRACE = 2.0                     # shutdown -> SIGTERM -> SIGKILL, each after this long
MAX_UNREAD = 16 * 1024 * 1024        # bytes zot buffers for a script that does not read its input


class StartError(Exception):
    """The script did not come up. `retry`: whether starting it again could help (it crashed),
    as opposed to a missing program or a script that never speaks."""

    def __init__(self, reason: str, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class ScriptDown(Exception):
    """The script cannot answer: it failed, is restarting, or zot is shutting it down."""


class ScriptTimeout(Exception):
    """No answer in the time the manifest allows."""


class Handler(Protocol):
    def on_frame(self, frame: dict[str, Any]) -> None: ...

    def on_failure(self, reason: str) -> None: ...


def log_path(name: str) -> Path:
    return zot_home() / "logs" / f"ext-{name}.log"


def data_dir(name: str) -> Path:
    return zot_home() / "data" / name


class ScriptProcess:
    _ids = itertools.count(1)

    def __init__(self, spec: ScriptSpec, handler: Handler) -> None:
        self.spec = spec
        self.handler = handler
        self.proc: asyncio.subprocess.Process | None = None
        self.state = "new"            # new | starting | running | failed | stopping | stopped
        self.reason = ""              # why it failed
        self.hello: dict[str, Any] = {}
        self.holds = 0                # > 0 while the script waits on the person (ui_request)
        self._last_frame = 0.0        # loop time of the last frame read (for the quiet grace)
        self._pending: dict[str, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None
        self._hello: asyncio.Future | None = None
        self._ready: asyncio.Future | None = None
        self._dead: asyncio.Future | None = None

    # ---------------------------------------------------------------- logging

    def log(self, message: str) -> None:
        """A line from zot in the extension's log, beside the script's own stderr."""
        try:
            path = log_path(self.spec.name)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"[zot {time.strftime('%H:%M:%S')}] {message}\n")
        except OSError:
            pass

    # ---------------------------------------------------------------- start-up

    async def start(self, ack: dict[str, Any]) -> None:
        """Spawn, wait for `hello`, send `hello_ack` (+ `ack` fields), wait for `ready`.
        Raises StartError; the process is gone when it does."""
        loop = asyncio.get_running_loop()
        self._hello, self._ready, self._dead = loop.create_future(), loop.create_future(), loop.create_future()
        self.state = "starting"
        await self._spawn()
        t = self.spec.timeouts
        self.hello = await self._phase(self._hello, t.hello, f"did not say hello within {t.hello:g}s")
        need = self.hello.get("min_protocol")
        if isinstance(need, int) and need > protocol.PROTOCOL_VERSION:
            await self._give_up(f"needs protocol {need}; zot speaks {protocol.PROTOCOL_VERSION}")
        try:
            self._write({"type": "hello_ack", **ack})
        except ScriptDown as exc:
            raise StartError(str(exc), True) from None
        await self._settle()
        self.state = "running"

    async def _settle(self) -> None:
        """Wait for `ready`, as the Go zot does: a script that is quiet for `timeouts.grace` after
        its last frame (the Go docs' quick-start never sends ready) counts as ready, and so does
        one still talking after `timeouts.ready`. Only a script that says in its hello that it
        sends `ready` (capability `ready`, zot's SDK) is waited for until `timeouts.ready`."""
        assert self._ready is not None and self._dead is not None
        loop = asyncio.get_running_loop()
        t = self.spec.timeouts
        promised = "ready" in protocol.names(self.hello, "capabilities")
        deadline = loop.time() + t.ready
        self._last_frame = loop.time()
        while True:
            now = loop.time()
            until = deadline if promised else min(deadline, self._last_frame + t.grace)
            done, _ = await asyncio.wait({self._ready, self._dead}, timeout=max(0.0, until - now),
                                         return_when=asyncio.FIRST_COMPLETED)
            if self._ready in done:
                return
            if self._dead in done:
                raise StartError(self.reason, True)
            now = loop.time()
            if now >= deadline:
                self.log(f"no ready within {t.ready:g}s of hello_ack; going on without it")
                return
            if not promised and now >= self._last_frame + t.grace:
                self.log(f"quiet for {t.grace:g}s without ready; treated as ready (as the Go zot does)")
                return

    async def _spawn(self) -> None:
        argv = self.spec.command()
        if argv is None:
            await self._give_up(f"cannot start: `{self.spec.exec}` is neither a program on PATH nor a file in "
                                f"{self.spec.folder}")
        data = data_dir(self.spec.name)
        env = {**os.environ, **self.spec.env, "ZOT_EXTENSION_DIR": str(self.spec.folder),
               "ZOT_DATA_DIR": str(data), "ZOT_PROJECT_DATA_DIR": self.spec.project_data_dir}
        path = log_path(self.spec.name)
        try:
            data.mkdir(parents=True, exist_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as stderr:
                self.proc = await asyncio.create_subprocess_exec(
                    *argv, cwd=self.spec.folder, env=env, stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, stderr=stderr, limit=protocol.MAX_LINE,
                    start_new_session=True)
        except (OSError, ValueError) as exc:
            await self._give_up(f"cannot start `{argv[0]}`: {exc}")
        self.log(f"started {' '.join(argv)} (pid {self.proc.pid})")
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _phase(self, target: asyncio.Future, timeout: float, late: str) -> Any:
        assert self._dead is not None
        done, _ = await asyncio.wait({target, self._dead}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if target in done:
            return target.result()
        if self._dead in done:
            raise StartError(self.reason, True)
        await self._give_up(late)

    async def _give_up(self, reason: str) -> None:
        """A start-up failure that a restart would not mend."""
        self._fail(reason)
        await self.wait_exit(STOP_GRACE)
        raise StartError(reason, False)

    # ---------------------------------------------------------------- reading

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        stdout = self.proc.stdout
        try:
            while True:
                try:
                    line = await stdout.readline()
                except ValueError:
                    return self._fail(f"printed a line over {protocol.MAX_LINE:,} bytes (the limit)")
                if not line:
                    break
                try:
                    frame = protocol.decode(line)
                except protocol.Oversize as exc:
                    return self._fail(str(exc))
                except protocol.FrameError as exc:   # a stray print: logged and ignored, as the Go zot does
                    self.log(f"ignored a line that is not a frame: {exc}")
                    continue
                self._last_frame = asyncio.get_running_loop().time()
                if frame is not None:
                    self._dispatch(frame)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in a frame handler must not leave requests waiting
            return self._fail(f"zot could not handle a frame: {type(exc).__name__}: {exc}")
        code = await self.wait_exit(1.0)
        self._fail("closed its output" if code is None else f"exited with code {code}")

    def _dispatch(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "hello" and self._hello is not None and not self._hello.done():
            self._hello.set_result(frame)
        elif kind == "ready" and self._ready is not None and not self._ready.done():
            self._ready.set_result(frame)
        elif kind in protocol.REPLY_TYPES or (kind == "error" and protocol.request_id(frame) in self._pending):
            future = self._pending.pop(protocol.request_id(frame) or "", None)
            if future is not None and not future.done():
                future.set_result(frame)
            else:
                self.log(f"a {kind} for no waiting request (id {frame.get('id')!r}; too late?) was dropped")
        elif kind == "shutdown_ack":
            self.log("shutdown_ack")
        else:
            self.handler.on_frame(frame)

    # ---------------------------------------------------------------- writing and requests

    def _write(self, frame: dict[str, Any]) -> None:
        """Raises ScriptDown when the script cannot take frames; FrameError when `frame` is too big."""
        if self.proc is None or self.proc.stdin is None or self.state in ("failed", "stopping", "stopped"):
            raise ScriptDown(self.reason or "the script is not running")
        data = protocol.encode(frame)
        stdin = self.proc.stdin
        if stdin.is_closing():
            raise ScriptDown(self.reason or "the script closed its input")
        stdin.write(data)
        if stdin.transport.get_write_buffer_size() > MAX_UNREAD:
            self._fail(f"does not read its input ({MAX_UNREAD:,} bytes are waiting)")
            raise ScriptDown(self.reason)

    def send(self, frame: dict[str, Any]) -> bool:
        """Fire and forget (events, ui_response, kv_result); False when it could not be sent."""
        try:
            self._write(frame)
            return True
        except (ScriptDown, protocol.FrameError) as exc:
            self.log(f"could not send {frame.get('type')}: {exc}")
            return False

    async def request(self, frame: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send `frame` with a fresh id; its answer (which may be an `error` frame). Raises
        ScriptDown, ScriptTimeout, or FrameError when the request itself is too big to send.
        While the script waits on the person (`holds`), the clock does not run out."""
        if self.state != "running":
            raise ScriptDown(self.reason or "the script is not running")
        rid = f"z{next(self._ids)}"
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[rid] = future
        try:
            self._write({**frame, "id": rid})
            while True:
                done, _ = await asyncio.wait({future}, timeout=timeout)
                if done:
                    return future.result()
                if self.holds <= 0:
                    raise ScriptTimeout(f"did not answer {frame.get('type')} within {timeout:g}s")
        finally:
            self._pending.pop(rid, None)

    # ---------------------------------------------------------------- failure and stopping

    def _fail(self, reason: str) -> None:
        """Once: note why, answer every waiting request with ScriptDown, kill, tell the handler."""
        if self.state in ("failed", "stopping", "stopped"):
            return
        was_running = self.state == "running"
        self.state, self.reason = "failed", reason
        self.log(f"failed: {reason}")
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ScriptDown(reason))
        self._pending.clear()
        if self._dead is not None and not self._dead.done():
            self._dead.set_result(reason)
        self._signal(signal.SIGKILL)
        if was_running:
            self.handler.on_failure(reason)

    def _signal(self, sig: int) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        try:
            os.killpg(self.proc.pid, sig)          # the script and whatever it started
        except (ProcessLookupError, PermissionError):
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass

    async def wait_exit(self, timeout: float) -> int | None:
        if self.proc is None:
            return None
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            return None

    async def stop(self) -> None:
        """`shutdown`, then SIGTERM after STOP_GRACE, then SIGKILL after as long again."""
        if self.state in ("stopping", "stopped"):
            return
        alive = self.state in ("starting", "running")
        self.state = "stopping"
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ScriptDown("zot is shutting the script down"))
        self._pending.clear()
        if self.proc is not None and alive and self.proc.returncode is None:
            try:
                if self.proc.stdin is not None and not self.proc.stdin.is_closing():
                    self.proc.stdin.write(protocol.encode({"type": "shutdown"}))
                    self.proc.stdin.close()
            except (OSError, RuntimeError):
                pass
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if await self.wait_exit(STOP_GRACE) is not None:
                    break
                self.log(f"did not exit after shutdown; sending {signal.Signals(sig).name}")
                self._signal(sig)
            await self.wait_exit(STOP_GRACE)
        elif self.proc is not None:
            await self.wait_exit(STOP_GRACE)
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass
        self.state = "stopped"
        self.log("stopped")
