"""The `find` tool: paths matching a glob, for finding files without a shell."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from zot.tools._common import display_path, error, os_errors_as_results, resolve_path
from zot.tools._glob import compile_glob
from zot.tools.base import FunctionTool, ToolContext, ToolResult

DEFAULT_LIMIT = 1000
SKIP_DIRS = frozenset({".git"})

DESCRIPTION = (
    "Find files and folders whose path matches a glob, searching `path` (default: the working "
    "directory) recursively. `**` matches any number of folders, `*` and `?` stay within one name; a "
    "pattern without `/` matches names at any depth (`*.py` finds every .py file), one with `/` "
    "matches the path relative to `path` (`src/**/test_*.py`). Skips .git but nothing else (no "
    "ignore files). Results are sorted, relative to the working directory, folders end with `/`, at "
    f"most `limit` of them (default {DEFAULT_LIMIT})."
)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pattern": {"type": "string", "minLength": 1, "description": "Glob, e.g. `**/*.py` or `src/*.ts`."},
        "path": {"type": "string", "minLength": 1, "description": "Folder to search (default: working directory)."},
        "limit": {"type": "integer", "minimum": 1, "description": f"Most results to show (default {DEFAULT_LIMIT})."},
    },
    "required": ["pattern"],
    "additionalProperties": False,
}


def _matches(root: Path, pattern: str) -> list[Path]:
    regex = compile_glob(pattern)
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        for name in dirs + files:
            if regex.match(prefix + name):
                found.append(Path(folder, name))
    return found


@os_errors_as_results
async def run(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    root = resolve_path(args.get("path") or ".", ctx)
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        return error(f"Cannot search {display_path(root, ctx)}: it {what}", path=str(root))
    pattern = args["pattern"]
    shown = sorted(display_path(p, ctx) + ("/" if p.is_dir() else "") for p in await asyncio.to_thread(_matches, root, pattern))
    limit = args.get("limit") or DEFAULT_LIMIT
    details = {"path": str(root), "total": len(shown), "truncated": len(shown) > limit}
    if not shown:
        return ToolResult(content=f"No paths match {pattern!r} under {display_path(root, ctx)}", details=details)
    content = "\n".join(shown[:limit])
    if len(shown) > limit:
        content += (f"\n\n[showing {limit} of {len(shown)} matches; use a narrower pattern or path, "
                    "or a larger limit]")
    return ToolResult(content=content, details=details)


def tool() -> FunctionTool:
    return FunctionTool(name="find", description=DESCRIPTION, parameters=PARAMETERS, fn=run)
