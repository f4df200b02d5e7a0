"""One live connection to an MCP server, through the official `mcp` SDK.

The only module that imports the SDK, and only inside functions: importing it takes about a
second, so `load_sdk` is called in a worker thread before the first server starts, and nothing
else in zot pays for it (`zot --version`, `zot ext validate`, sessions without MCP servers).

Why an owner task: the SDK's client is an async context manager with task groups inside, so one
task enters it, keeps it open and leaves it; calls come from other tasks. The transport's read
stream is relayed through `_watched`, so a server that exits or hangs up while nobody is calling
it is noticed at once (`on_lost`), not at the next call. Everything that goes wrong becomes
`StartFailed` (while starting) or `CallFailed` (a call), with a reason a person can read.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import IO, Any, AsyncIterator, Callable

from zot.ext.mcp.spec import ServerSpec

MAX_PAGES = 50          # tools/list pages; a server that pages forever is cut off here


class StartFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CallFailed(Exception):
    """A call got no result. `lost`: the connection is gone (the server crashed or hung up)."""

    def __init__(self, reason: str, lost: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.lost = lost


_sdk_loaded = False


def load_sdk() -> None:
    """Import the SDK (slow; call it in a thread) and send its log records to our log file, so
    a warning of the SDK never prints over the REPL."""
    global _sdk_loaded
    if _sdk_loaded:
        return
    import mcp  # noqa: F401

    from zot.config import zot_home

    logger = logging.getLogger("mcp")
    logger.propagate = False
    try:
        path = zot_home() / "logs" / "mcp-sdk.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    logger.addHandler(handler)
    _sdk_loaded = True


def describe(exc: BaseException) -> str:
    """The innermost cause, in one line (anyio wraps errors in exception groups)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@asynccontextmanager
async def _watched(transport: Any, on_eof: Callable[[], None]) -> AsyncIterator[Any]:
    """The transport's streams, with the read side relayed so its end is seen (`on_eof`)."""
    import anyio

    async with transport as (read, write):
        send, receive = anyio.create_memory_object_stream(0)

        async def relay() -> None:
            try:
                async with send:
                    async for item in read:
                        await send.send(item)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream):
                pass
            on_eof()

        async with anyio.create_task_group() as group:
            group.start_soon(relay)
            try:
                yield receive, write
            finally:
                group.cancel_scope.cancel()      # an orderly close is not a loss


@asynccontextmanager
async def _http(url: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    timeout = httpx2.Timeout(30.0, read=300.0)      # the SDK's own defaults; a stream may stay open
    async with httpx2.AsyncClient(headers=headers, timeout=timeout) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            yield streams


class Connection:
    def __init__(self, spec: ServerSpec, errlog: IO[str], on_lost: Callable[[str], None]) -> None:
        self.spec = spec
        self.errlog = errlog                 # the server's stderr goes here (stdio)
        self.on_lost = on_lost
        self.client: Any = None
        self._task: asyncio.Task | None = None
        self._ready: asyncio.Future | None = None
        self._stop = asyncio.Event()
        self._closing = False

    def _transport(self, environ: dict[str, str]) -> Any:
        from zot.ext.mcp.spec import missing_text

        if self.spec.transport == "http":
            url, headers, missing = self.spec.endpoint(environ)
            if missing:
                raise StartFailed(missing_text(missing))
            return _http(url, headers)
        from mcp.client.stdio import StdioServerParameters, stdio_client

        argv, missing = self.spec.program(environ)
        env, lack = self.spec.environment(environ)
        if missing or lack:
            raise StartFailed(missing_text(missing + lack))
        workdir = self.spec.workdir()
        if not workdir.is_dir():
            raise StartFailed(f"its working folder {workdir} does not exist")
        params = StdioServerParameters(command=argv[0], args=argv[1:], env=env, cwd=str(workdir))
        return stdio_client(params, errlog=self.errlog)

    async def open(self, environ: dict[str, str]) -> list[dict[str, Any]]:
        """Connect and list the tools (wire dicts: name, description, inputSchema). Raises
        StartFailed; nothing is left running then."""
        transport = self._transport(environ)
        self._ready = asyncio.get_running_loop().create_future()
        self._task = asyncio.get_running_loop().create_task(self._own(transport), name=f"mcp-{self.spec.key}")
        try:
            return await asyncio.wait_for(asyncio.shield(self._ready), self.spec.start_timeout)
        except asyncio.TimeoutError:
            await self.close()
            raise StartFailed(f"it did not start and list its tools within {self.spec.start_timeout:g}s") from None
        except asyncio.CancelledError:
            await self.close()
            raise

    async def _own(self, transport: Any) -> None:
        from mcp import Client, Implementation

        from zot import __version__

        ready = self._ready
        assert ready is not None
        try:
            async with Client(_watched(transport, self._eof),
                              client_info=Implementation(name="zot", version=__version__)) as client:
                self.client = client
                tools = await _list_tools(client)
                if not ready.done():
                    ready.set_result(tools)
                await self._stop.wait()
        except asyncio.CancelledError:
            if not ready.done():
                ready.set_exception(StartFailed("its start was cancelled"))
            raise
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, never raised into zot
            if not ready.done():
                ready.set_exception(StartFailed(describe(exc)))
            elif not self._closing:
                self._lost(describe(exc))
        finally:
            self.client = None

    def _eof(self) -> None:
        what = "it exited" if self.spec.transport == "stdio" else "it closed the connection"
        if self._ready is not None and not self._ready.done():
            self._closing = True
            self._ready.set_exception(StartFailed(what + " before it was ready"))
            self._stop.set()
        elif not self._closing:
            self._lost(what)

    def _lost(self, reason: str) -> None:
        self._closing = True          # report once; the owner task winds down on its own
        self._stop.set()
        self.on_lost(reason)

    async def call(self, tool: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
        """The tool's result in its wire shape (content, structuredContent, isError)."""
        from mcp import MCPError

        client = self.client
        if client is None or self._closing:
            raise CallFailed("it is not connected", lost=True)
        try:
            result = await asyncio.wait_for(client.call_tool(tool, args), timeout)
        except asyncio.TimeoutError:
            raise CallFailed(f"it did not answer within {timeout:g}s", lost=False) from None
        except MCPError as exc:
            lost = self._closing or "closed" in str(exc).lower()
            raise CallFailed(describe(exc), lost=lost) from None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a transport error: the server is unreachable
            raise CallFailed(describe(exc), lost=True) from None
        return result.model_dump(by_alias=True, mode="json", exclude_none=True)

    async def close(self, grace: float = 6.0) -> None:
        """Leave the SDK's context (stdio: stdin closed, then SIGTERM, then SIGKILL of the whole
        process group; http: the session is ended with DELETE). Bounded by `grace`."""
        self._closing = True
        self._stop.set()
        task = self._task
        if task is None or task.done():
            return
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            task.cancel()
            await asyncio.wait({task}, timeout=2.0)


async def _list_tools(client: Any) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = await client.list_tools(cursor=cursor)
        tools += [t.model_dump(by_alias=True, mode="json", exclude_none=True) for t in page.tools]
        cursor = page.next_cursor
        if not cursor:
            break
    return tools
