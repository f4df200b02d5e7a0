"""The built-in tools: read, write, edit, bash, ls, grep, find.

Each lives in its own module with its description and strict JSON Schema; arguments are checked
with `validate_args` before a tool runs, so the tools themselves assume well-typed input.
"""
from __future__ import annotations

from zot.tools import bash, edit, find, grep, ls, read, write
from zot.tools.base import FunctionTool, Tool, ToolContext, ToolResult
from zot.tools.validate import validate_args

__all__ = ["FunctionTool", "Tool", "ToolContext", "ToolResult", "builtin_tools", "validate_args"]


def builtin_tools() -> list[FunctionTool]:
    """Fresh instances each call, so one session changing a tool cannot affect another."""
    return [module.tool() for module in (read, write, edit, bash, ls, grep, find)]
