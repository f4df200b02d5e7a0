"""The `write` tool: create or overwrite a whole file, making its folders as needed."""
from __future__ import annotations

from typing import Any

from zot.tools._common import display_path, error, os_errors_as_results, resolve_path
from zot.tools.base import FunctionTool, ToolContext, ToolResult

DESCRIPTION = (
    "Write `content` to a file, replacing it entirely if it exists and creating it and any missing "
    "parent folders if not. The content is written as UTF-8, exactly as given (no newline is added). "
    "Prefer `edit` for changing part of an existing file. Relative paths resolve against the working "
    "directory; `~` is expanded. Reports the number of bytes written."
)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "minLength": 1, "description": "File to write."},
        "content": {"type": "string", "description": "The complete new content of the file."},
    },
    "required": ["path", "content"],
    "additionalProperties": False,
}


@os_errors_as_results
async def run(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = resolve_path(args["path"], ctx)
    shown_path = display_path(path, ctx)
    if path.is_dir():
        return error(f"{shown_path} is a directory; give a file path", path=str(path))
    existed = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = args["content"].encode("utf-8")
    path.write_bytes(data)
    verb = "Overwrote" if existed else "Created"
    return ToolResult(content=f"{verb} {shown_path} ({len(data)} bytes written)",
                      details={"path": str(path), "bytes": len(data), "created": not existed})


def tool() -> FunctionTool:
    return FunctionTool(name="write", description=DESCRIPTION, parameters=PARAMETERS, fn=run)
