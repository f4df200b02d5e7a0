"""McpHost: every MCP server of a session, on the live tool dict the loop reads.

When servers start (the `mcp_start` setting):
- `startup` (the default): all at once when the session starts, in the background; a mode that
  waits for its extensions (`-p`, `--json`, rpc) waits for them too, the REPL paints at once.
- `lazy`: a server whose tools are known (declared in the manifest, or cached from an earlier
  listing) offers them at once and starts at its first call; the others start before the
  first prompt, since the model must be told their tools.
Either way the first prompt waits for servers still starting (`ready`), each bounded by its
`start_timeout`, so the model is offered every tool that will exist.

A tool whose name another tool already has (a built-in, an extension's, another server's) is
not offered, said once. Notices raised before a mode attaches its bus are held and delivered on
`attach`, as the script host does.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable

from zot.ext.mcp.server import McpServer
from zot.ext.mcp.spec import ServerSpec

Notify = Callable[[str, str, str], None]
START_MODES = ("startup", "lazy")


class McpHost:
    def __init__(self, specs: list[ServerSpec], tools: dict[str, Any], start: str = "startup") -> None:
        self.tools = tools                  # the session's live tool dict, changed in place
        self.lazy = start == "lazy"
        self.servers = [McpServer(spec, self) for spec in specs]
        self._notify: Notify | None = None
        self._held: list[tuple[str, str, str]] = []
        self._clashes: set[str] = set()

    # ---------------------------------------------------------------- session

    def adopt(self, old: "McpHost | None") -> list[McpServer]:
        """On reload: keep the old host's servers that run (or wait lazily) with an unchanged
        entry; returns the old servers to stop (changed, removed or failed ones)."""
        if old is None:
            return []
        by_key = {s.spec.key: s for s in old.servers}
        stale = [s for s in old.servers]
        for i, server in enumerate(self.servers):
            previous = by_key.get(server.spec.key)
            if previous is not None and previous.spec.digest() == server.spec.digest() and \
                    previous.status in ("running", "lazy", "starting"):
                previous.host, previous.spec = self, server.spec
                self.servers[i] = previous
                stale.remove(previous)
        return stale

    async def start(self) -> None:
        """Start the servers the setting says to start now; returns when each runs or failed."""
        todo = []
        for server in self.servers:
            if server.status == "running":
                self.publish(server)          # kept across a reload: its tools go back in
            elif server.status == "lazy":
                self.publish(server)
            elif not (self.lazy and server.offer_known()):
                todo.append(server)
        if todo and not self.lazy:
            await self._start_all(todo)

    async def ready(self) -> None:
        """Before a prompt: start what must run before the model is told its tools (lazy
        servers with no known tools), and wait for every server still starting."""
        todo = [s for s in self.servers if s.status in ("new", "starting")]
        if todo:
            await self._start_all(todo)

    async def _start_all(self, servers: list[McpServer]) -> None:
        results = await asyncio.gather(*(s.start() for s in servers), return_exceptions=True)
        for server, result in zip(servers, results):
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                server._fail(f"could not start: {type(result).__name__}: {result}", "its tools are not offered")

    async def shutdown(self, servers: list[McpServer] | None = None) -> None:
        await asyncio.gather(*(s.stop() for s in (self.servers if servers is None else servers)),
                             return_exceptions=True)

    def pending(self) -> bool:
        """Whether a prompt would wait (`ready` has work)."""
        return any(s.status in ("new", "starting") for s in self.servers)

    # ---------------------------------------------------------------- notices

    def attach(self, notify: Notify) -> None:
        self._notify = notify
        held, self._held = self._held, []
        for item in held:
            notify(*item)

    def notify(self, level: str, text: str, source: str) -> None:
        if self._notify is None:
            self._held.append((level, text, source))
        else:
            self._notify(level, text, source)

    # ---------------------------------------------------------------- the live tool dict

    def publish(self, server: McpServer) -> None:
        for name, tool in server.tools.items():
            current = self.tools.get(name)
            if current is not None and getattr(current, "server", None) is not server:
                if name not in self._clashes:
                    self._clashes.add(name)
                    owner = getattr(current, "source", "builtin")
                    owner = "a built-in tool" if owner == "builtin" else f"a tool of {owner}"
                    self.notify("warning", f"MCP server {server.name} ({server.spec.ext}): its tool `{name}` "
                                f"clashes with {owner} and is not offered (set `prefix:` to rename it)",
                                server.spec.ext)
                continue
            self.tools[name] = tool

    def withdraw(self, server: McpServer) -> None:
        for name in [n for n, t in self.tools.items() if getattr(t, "server", None) is server]:
            del self.tools[name]

    def of_extension(self, ext: str) -> list[McpServer]:
        return [s for s in self.servers if s.spec.ext == ext]
