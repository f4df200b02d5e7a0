"""What every tool, built-in or declared by an extension, looks like to the agent loop.

A result keeps what the model sees (`content`) apart from what the UI shows (`display`).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol


@dataclass
class ToolResult:
    content: str                      # the text the model receives
    is_error: bool = False
    display: str | None = None        # what the UI shows instead, when different (e.g. a diff)
    details: dict[str, Any] = field(default_factory=dict)  # structured extras: full_output_path, diff, ...


@dataclass
class ToolContext:
    cwd: Path
    project_root: Path
    cancel: asyncio.Event = field(default_factory=asyncio.Event)   # set to cancel the running tool
    env: dict[str, str] | None = None  # environment for subprocesses; None means os.environ
    output_dir: Path | None = None     # where full outputs of capped tools are saved
    facts: dict[str, Any] = field(default_factory=dict)  # model and session usage, for declared tools
    # a running tool's status line ("running for 3 s, 120 lines of output"); never the output itself
    progress: Callable[[str], None] | None = None


class Tool(Protocol):
    """A tool the model can call. `parameters` is a JSON Schema (object)."""

    name: str
    description: str
    parameters: dict[str, Any]

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> ToolResult: ...


@dataclass
class FunctionTool:
    """A tool made from an async function; the built-ins and declared tools use this."""

    name: str
    description: str
    parameters: dict[str, Any]
    fn: Callable[[dict[str, Any], ToolContext], Awaitable[ToolResult]]
    source: str = "builtin"           # where it came from: "builtin" or "ext:NAME (file:line)"

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> ToolResult:
        return await self.fn(args, ctx)
