"""The `ls` tool: one folder's entries, so the model need not shell out to look around."""
from __future__ import annotations

import os
from typing import Any

from zot.tools._common import display_path, error, os_errors_as_results, resolve_path
from zot.tools.base import FunctionTool, ToolContext, ToolResult

DEFAULT_LIMIT = 500

DESCRIPTION = (
    "List the entries of a folder, sorted by name (case-insensitive), including hidden ones; "
    "folders end with `/`. Not recursive: use find for that. At most `limit` entries are shown "
    f"(default {DEFAULT_LIMIT}); a note says how many were left out. `path` defaults to the working "
    "directory; relative paths resolve against it and `~` is expanded."
)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "minLength": 1, "description": "Folder to list (default: working directory)."},
        "limit": {"type": "integer", "minimum": 1, "description": f"Most entries to show (default {DEFAULT_LIMIT})."},
    },
    "required": [],
    "additionalProperties": False,
}


@os_errors_as_results
async def run(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = resolve_path(args.get("path") or ".", ctx)
    shown_path = display_path(path, ctx)
    if not path.exists():
        return error(f"Folder not found: {shown_path}", path=str(path))
    if not path.is_dir():
        return error(f"{shown_path} is a file, not a folder; use read to see it", path=str(path))
    with os.scandir(path) as it:
        names = [entry.name + ("/" if entry.is_dir() else "") for entry in it]
    names.sort(key=lambda name: (name.lower(), name))
    limit = args.get("limit") or DEFAULT_LIMIT
    details = {"path": str(path), "total": len(names), "truncated": len(names) > limit}
    if not names:
        return ToolResult(content=f"[{shown_path} is empty]", details=details)
    content = "\n".join(names[:limit])
    if len(names) > limit:
        content += (f"\n\n[showing {limit} of {len(names)} entries; call ls with a larger limit, "
                    "or use find with a pattern, to see the rest]")
    return ToolResult(content=content, details=details)


def tool() -> FunctionTool:
    return FunctionTool(name="ls", description=DESCRIPTION, parameters=PARAMETERS, fn=run)
