"""Fixtures for the built-in tool tests: a context rooted in tmp_path and a sync way to call a tool."""
from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any, Callable

import pytest

from zot.tools import builtin_tools
from zot.tools.base import ToolContext, ToolResult


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    work = tmp_path / "work"
    work.mkdir()
    return ToolContext(cwd=work, project_root=work, output_dir=tmp_path / "outputs")


@pytest.fixture
def call(ctx: ToolContext) -> Callable[..., ToolResult]:
    """call("read", path="x") runs the tool on a fresh event loop (pytest-asyncio is not used)."""
    tools = {t.name: t for t in builtin_tools()}

    def _call(name: str, _ctx: ToolContext | None = None, **args: Any) -> ToolResult:
        async def go() -> ToolResult:
            # a fresh Event per loop: an asyncio.Event binds to the first loop that waits on it
            return await tools[name].run(args, dataclasses.replace(_ctx or ctx, cancel=asyncio.Event()))
        return asyncio.run(go())

    return _call
