"""One declared MCP server for a whole session: its start, its tools, its calls, its failure.

States: `new` (not started), `lazy` (not started, its tools offered from the manifest's
`declared` list or the cached listing), `starting`, `running`, `failed`, `stopped`.

A server that cannot start, does not start within `start_timeout`, or exits, hangs up or
crashes later is reported once (a notice naming it and its log), its tools are withdrawn from
the live tool dict, and the agent goes on; a call that was waiting gets an error result.
`/reload-ext` starts a failed server again. zot does not restart it on its own: a server that
crashed once would likely crash the same way in the middle of the next turn.
"""
from __future__ import annotations

import asyncio
import os
import time
from typing import IO, TYPE_CHECKING, Any

from zot.config import zot_home
from zot.ext.mcp import cache
from zot.ext.mcp.client import CallFailed, Connection, StartFailed, describe, load_sdk
from zot.ext.mcp.results import to_tool_result
from zot.ext.mcp.spec import ServerSpec
from zot.ext.mcp.tool import McpTool, make_tools
from zot.tools.base import ToolContext, ToolResult

if TYPE_CHECKING:
    from zot.ext.mcp.host import McpHost


def log_path(spec: ServerSpec) -> Any:
    return zot_home() / "logs" / f"mcp-{spec.ext}-{spec.name}.log"


def last_words(path: Any, limit: int = 200) -> str:
    """The server's last line on stderr (the log holds it, between zot's own lines)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - 4096))
            lines = fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    theirs = [line.strip() for line in lines if line.strip() and " zot: " not in line[:30]]
    return theirs[-1][:limit] if theirs else ""


class McpServer:
    def __init__(self, spec: ServerSpec, host: "McpHost") -> None:
        self.spec = spec
        self.host = host
        self.status = "new"
        self.reason = ""
        self.tools: dict[str, McpTool] = {}
        self.conn: Connection | None = None
        self._log: IO[str] | None = None
        self._starting: asyncio.Task | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def known_listing(self) -> list[dict[str, Any]] | None:
        """What zot knows of the tools without starting it: the manifest's, else the cache's."""
        declared = self.spec.declared
        if declared:
            return list(declared.values())
        return cache.read(self.spec.ext, self.spec.name, self.spec.digest())

    def offer_known(self) -> bool:
        """Lazy start: offer the known tools now, start at the first call. False when nothing is
        known (the server must start before the model can be told its tools)."""
        listing = self.known_listing()
        if listing is None:
            return False
        self.status = "lazy"
        self._take(listing, report=False)
        self.host.publish(self)
        return True

    # ---------------------------------------------------------------- starting

    async def start(self) -> bool:
        """Start once (callers at the same time share one start); True when it runs."""
        if self.status == "running":
            return True
        if self.status in ("failed", "stopped"):
            return False
        if self._starting is None:
            self._starting = asyncio.get_running_loop().create_task(self._start(), name=f"start {self.spec.key}")
        return await asyncio.shield(self._starting)

    async def _start(self) -> bool:
        was_lazy = self.status == "lazy"
        self.status = "starting"
        try:
            await asyncio.to_thread(load_sdk)
            self.conn = Connection(self.spec, self._open_log(), self._on_lost)
            listing = await self.conn.open(dict(os.environ))
        except StartFailed as exc:
            said = last_words(log_path(self.spec)) if self.spec.transport == "stdio" else ""
            self._fail(f"could not start: {exc.reason}" + (f" (it said: {said})" if said else ""),
                       "its tools are withdrawn" if was_lazy else "its tools are not offered")
            return False
        except Exception as exc:  # noqa: BLE001 - a bug in starting one server fails that server only
            self._fail(f"could not start: {describe(exc)}", "its tools are not offered")
            return False
        if self.status == "stopped":
            await self.conn.close()
            return False
        self.status = "running"
        cache.write(self.spec.ext, self.spec.name, self.spec.digest(), listing)
        self._take(listing, report=True)
        self.host.publish(self)
        self.log(f"running: {len(listing)} tool(s) listed, {len(self.tools)} offered")
        return True

    def _take(self, listing: list[dict[str, Any]], report: bool) -> None:
        self.host.withdraw(self)
        self.tools, problems = make_tools(self, listing)
        for problem in problems:
            self.log(problem)
            if report:
                self.host.notify("warning", f"MCP server {self.name} ({self.spec.ext}): {problem}", self.spec.ext)

    def _open_log(self) -> IO[str]:
        path = log_path(self.spec)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self._log is None or self._log.closed:
            self._log = open(path, "a", encoding="utf-8", buffering=1)   # noqa: SIM115 - lives with the server
        self.log(f"starting ({self.spec.transport}): {self.spec.label}")
        return self._log

    def log(self, message: str) -> None:
        if self._log is not None and not self._log.closed:
            try:
                self._log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} zot: {message}\n")
            except (OSError, ValueError):
                pass

    # ---------------------------------------------------------------- failing

    def _fail(self, what: str, consequence: str) -> None:
        if self.status in ("failed", "stopped"):
            return
        self.status, self.reason = "failed", what
        self.log(what)
        self.host.withdraw(self)
        self.host.notify("error", f"MCP server {self.name} ({self.spec.ext}) {what}; {consequence} "
                         f"(its log: {log_path(self.spec)}; /reload-ext starts it again)", self.spec.ext)

    def _on_lost(self, reason: str) -> None:
        self._fail(f"stopped working: {reason}", "its tools are withdrawn")

    # ---------------------------------------------------------------- calling

    async def call(self, tool: str, args: dict[str, Any], ctx: ToolContext | None = None) -> ToolResult:
        if self.status != "running" and not await self.start():
            return ToolResult(f"The MCP server `{self.name}` is not available ({self.reason or self.status}); "
                              "its tools cannot be used now.", is_error=True)
        assert self.conn is not None
        try:
            wire = await self.conn.call(tool, args, self.spec.timeout)
        except CallFailed as exc:
            self.log(f"call {tool} failed: {exc.reason}")
            if exc.lost:
                self._on_lost(exc.reason)
            return ToolResult(f"The MCP server `{self.name}` gave no result for `{tool}`: {exc.reason}.",
                              is_error=True)
        return to_tool_result(wire)

    # ---------------------------------------------------------------- stopping

    async def stop(self) -> None:
        self.status = "stopped"
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        if self.conn is not None:
            await self.conn.close()
        self.log("stopped")
        if self._log is not None:
            self._log.close()
