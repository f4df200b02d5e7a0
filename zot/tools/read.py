"""The `read` tool: show a window of a text file, small enough for the model's context.

Lines are shown exactly as they are in the file, without line numbers, so the text can be copied
into `edit` unchanged. Two normalisations: a UTF-8 BOM is dropped and CRLF is shown as LF (edit
matches LF text against CRLF files, so nothing is lost). Invalid UTF-8 bytes show as U+FFFD.
"""
from __future__ import annotations

from typing import Any

from zot.tools._common import (
    MAX_BYTES, MAX_LINES, display_path, error, format_size, looks_binary, os_errors_as_results,
    resolve_path,
)
from zot.tools.base import FunctionTool, ToolContext, ToolResult

DESCRIPTION = (
    "Read a text file. Returns the file's lines exactly as written (no line numbers), at most "
    f"{MAX_LINES} lines or {MAX_BYTES // 1024} KiB per call, whichever comes first. When more "
    "remains, the result ends with a note such as "
    "`[showing lines 1-2000 of 5234; call read with offset=2001 to continue]`. Use `offset` "
    "(1-based line number) and `limit` (number of lines) to read a specific part of a large file. "
    "Binary files are refused. Relative paths resolve against the working directory; `~` is expanded."
)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "minLength": 1, "description": "File to read."},
        "offset": {"type": "integer", "minimum": 1, "description": "First line to show, 1-based (default 1)."},
        "limit": {"type": "integer", "minimum": 1, "description": f"Most lines to show (default and cap {MAX_LINES})."},
    },
    "required": ["path"],
    "additionalProperties": False,
}


def _window(lines: list[str], start: int, limit: int) -> tuple[list[str], bool]:
    """Takes lines from `start` until the line or byte cap; the flag says the byte cap cut it short."""
    shown: list[str] = []
    used = 0
    for line in lines[start:start + min(limit, MAX_LINES)]:
        size = len(line.encode("utf-8")) + 1
        if used + size > MAX_BYTES:
            return shown, True
        shown.append(line)
        used += size
    return shown, False


def _oversized_line(line: str, number: int, total: int) -> str:
    """A single line over the byte cap (minified code, data) still shows something useful."""
    head = line.encode("utf-8")[:MAX_BYTES].decode("utf-8", errors="ignore")
    size = format_size(len(line.encode("utf-8")))
    more = f"; call read with offset={number + 1} to continue" if number < total else ""
    return (f"{head}\n[line {number} is {size}; showing its first {MAX_BYTES // 1024} KiB. "
            f"Use bash (e.g. `cut -c`, `head -c`) to see the rest of it{more}]")


@os_errors_as_results
async def run(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = resolve_path(args["path"], ctx)
    shown_path = display_path(path, ctx)
    if not path.exists():
        return error(f"File not found: {shown_path}", path=str(path))
    if path.is_dir():
        return error(f"{shown_path} is a directory, not a file; use ls to list it", path=str(path))
    data = path.read_bytes()
    if looks_binary(data):
        return error(f"{shown_path} looks like a binary file (it contains NUL bytes); read only shows "
                     f"text files. Use bash (e.g. `file`, `xxd | head`) to inspect it.", path=str(path))
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff").replace("\r\n", "\n")
    if not text:
        return ToolResult(content=f"[{shown_path} is empty]", details={"path": str(path), "total_lines": 0})
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    total = len(lines)
    offset = args.get("offset") or 1
    if offset > total:
        return error(f"offset={offset} is past the end of {shown_path}, which has {total} lines",
                     path=str(path), total_lines=total)
    shown, byte_capped = _window(lines, offset - 1, args.get("limit") or MAX_LINES)
    details = {"path": str(path), "total_lines": total, "start_line": offset}
    if not shown:
        details.update(end_line=offset, truncated=True)
        return ToolResult(content=_oversized_line(lines[offset - 1], offset, total), details=details)
    end = offset + len(shown) - 1
    content = "\n".join(shown)
    details.update(end_line=end, truncated=end < total)
    if end < total:
        reason = f" ({MAX_BYTES // 1024} KiB limit reached)" if byte_capped else ""
        content += (f"\n\n[showing lines {offset}-{end} of {total}{reason}; "
                    f"call read with offset={end + 1} to continue]")
    return ToolResult(content=content, details=details)


def tool() -> FunctionTool:
    return FunctionTool(name="read", description=DESCRIPTION, parameters=PARAMETERS, fn=run)
