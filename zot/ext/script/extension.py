"""One script extension for a whole session: its registrations, its frames, its restarts.

A process (`ScriptProcess`) lives until it fails; this object outlives it. It turns the
script's frames into registrations (tools, commands, subscriptions, guards, widgets) and
services (notify, panels, ui, kv), and on a failure reports it once, withdraws the tools and
commands (`host.withdraw`), and starts the script again after `backoff`, doubling, at most
`restart.max` times. Subscriptions stay in force while the script is down, so its intercepts are
decided by `on_error` instead of silently skipped. Guards a script registered are data and stay
too; a restarted script that registers a guard of the same name replaces it.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from zot.ext.script.frames import FrameHandlers, Registry
from zot.ext.script.requests import SessionRequests
from zot.ext.script.kv import KVStore
from zot.ext.script.process import ScriptDown, ScriptProcess, StartError, data_dir, log_path
from zot.ext.script.spec import ScriptSpec

if TYPE_CHECKING:
    from zot.ext.script.host import ScriptHost


class _ProcessHandler:
    """Routes one process's frames and failure to the extension, and ignores them once a newer
    process has replaced it."""

    def __init__(self, ext: "ScriptExtension", generation: int) -> None:
        self.ext, self.generation = ext, generation

    def on_frame(self, frame: dict[str, Any]) -> None:
        if self.generation == self.ext.generation:
            self.ext.on_frame(frame)

    def on_failure(self, reason: str) -> None:
        if self.generation == self.ext.generation:
            self.ext.on_failure(reason)


class ScriptExtension(FrameHandlers, SessionRequests):
    def __init__(self, spec: ScriptSpec, host: "ScriptHost") -> None:
        self.spec = spec
        self.host = host
        self.proc: ScriptProcess | None = None
        self.generation = 0
        self.reg = Registry()               # in force (the last ready process's)
        self.staging = Registry()           # filled during a start-up, in force at `ready`
        self.guards: dict[str, Any] = {}    # registered guard rules by name (compiled)
        self.status = "new"                 # new | running | restarting | failed | stopped
        self.restarts = 0
        self.reason = ""
        self.kv = KVStore(data_dir(spec.name) / "kv.json")
        self._reported: set[str] = set()
        self._restart: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def name(self) -> str:
        return self.spec.name

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """The first start; returns when the script is ready or has failed (never raises)."""
        error = await self._launch()
        if error is None:
            return
        self.reason = error.reason
        what = f"the script {error.reason}" + (" before it was ready" if error.retry else "")
        if error.retry and self.spec.restart_max > 0:
            self._schedule(what)
        else:
            self.status = "failed"
            self.notify("error", f"extension {self.name}: {what}; it is stopped and gives nothing "
                        f"(see `zot ext logs {self.name}`)")

    async def _launch(self) -> StartError | None:
        self.generation += 1
        self.staging = Registry()
        self._reported.clear()
        proc = ScriptProcess(self.spec, _ProcessHandler(self, self.generation))
        self.proc = proc
        try:
            await proc.start(self.host.ack_fields(self.spec))
        except StartError as exc:
            return exc
        self.reg, self.status = self.staging, "running"
        self.host.publish(self)
        return None

    def on_failure(self, reason: str) -> None:
        """A running script failed: report once, withdraw, restart later (or give up)."""
        self.reason = reason
        self.host.withdraw(self)
        if self.status == "stopped":
            return
        self._schedule(f"the script {reason}")

    def _schedule(self, what: str) -> None:
        if self.restarts >= self.spec.restart_max:
            self.status = "failed"
            tried = f"after {self.restarts} restart(s)" if self.restarts else "(restart.max is 0)"
            self.notify("error", f"extension {self.name}: {what}; its tools and commands are withdrawn and it is "
                        f"not restarted {tried} (see `zot ext logs {self.name}`)")
            return
        delay = self.spec.backoff * (2 ** self.restarts)
        self.status = "restarting"
        if self.restarts == 0:    # later failures of the restarts are in the log, and the last is told
            self.notify("error", f"extension {self.name}: {what}; its tools and commands are withdrawn until it "
                        f"restarts in {delay:g}s (see `zot ext logs {self.name}`)")
        elif self.proc is not None:
            self.proc.log(f"restart {self.restarts} failed: {what}")
        self._restart = asyncio.get_running_loop().create_task(self._restart_after(delay))

    async def _restart_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.restarts += 1
        error = await self._launch()
        if error is None:
            self.notify("info", f"extension {self.name}: the script was restarted ({self.restarts} of "
                        f"{self.spec.restart_max})")
        elif self.status != "stopped":
            self.reason = error.reason
            if error.retry:
                self._schedule(f"the script {error.reason} before it was ready")
            else:
                self.status = "failed"
                self.notify("error", f"extension {self.name}: the restarted script {error.reason}; it is not "
                            "restarted again")

    async def stop(self) -> None:
        self.status = "stopped"
        if self._restart is not None:
            self._restart.cancel()
        for task in list(self._tasks):
            task.cancel()
        if self.proc is not None:
            await self.proc.stop()

    # ---------------------------------------------------------------- talking to the script

    async def request(self, frame: dict[str, Any], timeout: float) -> dict[str, Any]:
        if self.proc is None or self.status != "running":
            raise ScriptDown(self.reason or f"extension {self.name} is {self.status}")
        return await self.proc.request(frame, timeout)

    def send(self, frame: dict[str, Any]) -> bool:
        return self.proc is not None and self.status == "running" and self.proc.send(frame)

    def log(self, message: str) -> None:
        if self.proc is not None:
            self.proc.log(message)

    def notify(self, level: str, text: str) -> None:
        self.host.notify(level, text, self.name)

    def report_once(self, key: str, text: str) -> None:
        """Say it once per process (a hanging script would otherwise repeat it on every call)."""
        self.log(text)
        if key not in self._reported:
            self._reported.add(key)
            self.notify("error", f"extension {self.name}: {text}")

    def on_error_words(self) -> str:
        return ("its intercepts are decided by on_error: deny" if self.spec.on_error == "deny"
                else "its intercepts are decided by on_error: allow")

    def log_file(self) -> str:
        return str(log_path(self.name))
