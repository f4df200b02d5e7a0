"""Helpers the built-in tools share, so every tool resolves paths and caps output the same way."""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Awaitable, Callable

from zot.tools.base import ToolContext, ToolResult

MAX_LINES = 2000
MAX_BYTES = 50 * 1024
BINARY_SNIFF_BYTES = 8 * 1024

ToolFn = Callable[[dict[str, Any], ToolContext], Awaitable[ToolResult]]


def resolve_path(raw: str, ctx: ToolContext) -> Path:
    """Models write `~/x` and `src/x` alike; both must land where a shell in ctx.cwd would put them."""
    path = Path(os.path.expanduser(raw))
    if not path.is_absolute():
        path = Path(ctx.cwd) / path
    return Path(os.path.normpath(path))


def display_path(path: Path, ctx: ToolContext) -> str:
    """Paths inside cwd are shown relative so the model can pass them straight back to another tool."""
    try:
        rel = path.relative_to(Path(os.path.normpath(ctx.cwd)))
    except ValueError:
        return str(path)
    return rel.as_posix() or "."


def looks_binary(head: bytes) -> bool:
    """A NUL byte early on is the same heuristic git and grep use; text files practically never have one."""
    return b"\x00" in head[:BINARY_SNIFF_BYTES]


def format_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / (1024 * 1024):.1f} MiB"


def error(message: str, **details: Any) -> ToolResult:
    return ToolResult(content=message, is_error=True, details=dict(details))


def os_errors_as_results(fn: ToolFn) -> ToolFn:
    """Nothing may raise into the agent loop: a permission or I/O problem becomes an error the model reads."""

    @functools.wraps(fn)
    async def wrapper(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
        try:
            return await fn(args, ctx)
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            return error(f"{exc.strerror or exc}{where}")

    return wrapper
