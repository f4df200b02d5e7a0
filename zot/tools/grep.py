"""The `grep` tool: search file contents by regex, with ripgrep when it is installed.

Both engines return the same `Line`s, so the output format and its caps do not depend on which
one ran. Set ZOT_GREP_ENGINE=python to use the fallback even when rg is installed (tests do).
"""
from __future__ import annotations

import asyncio
import os
import shutil
from typing import Any

from zot.tools import _grep_py, _grep_rg
from zot.tools._common import MAX_BYTES, display_path, error, os_errors_as_results, resolve_path
from zot.tools._grep_common import GrepError, Line, Query, clip
from zot.tools.base import FunctionTool, ToolContext, ToolResult

DEFAULT_LIMIT = 100

DESCRIPTION = (
    "Search file contents for a regular expression (or a plain string with `literal: true`) under "
    "`path` (a folder, searched recursively, or one file; default: the working directory). Output "
    "lines are `path:line:text` for matches and `path-line-text` for `context` lines, with `--` "
    "between separate groups; paths are relative to the working directory, so they can be passed to "
    "read. `glob` filters files (`*.py`, `src/**/*.ts`; without `/` it matches file names at any "
    f"depth). Stops after `limit` matches (default {DEFAULT_LIMIT}). Skips .git, binary files and, "
    "when ripgrep is installed, files ignored by .gitignore. Long lines are shortened."
)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pattern": {"type": "string", "minLength": 1, "description": "Regular expression to search for."},
        "path": {"type": "string", "minLength": 1, "description": "Folder or file to search (default: working directory)."},
        "glob": {"type": "string", "minLength": 1, "description": "Only search files matching this glob, e.g. `*.py`."},
        "ignore_case": {"type": "boolean", "description": "Match case-insensitively (default false)."},
        "literal": {"type": "boolean", "description": "Treat `pattern` as a plain string, not a regex (default false)."},
        "context": {"type": "integer", "minimum": 0, "description": "Lines of context before and after each match (default 0)."},
        "limit": {"type": "integer", "minimum": 1, "description": f"Most matches to show (default {DEFAULT_LIMIT})."},
    },
    "required": ["pattern"],
    "additionalProperties": False,
}


def ripgrep() -> str | None:
    """The rg to use, or None for the Python engine."""
    engine = os.environ.get("ZOT_GREP_ENGINE", "").lower()
    if engine == "python":
        return None
    return shutil.which("rg")


def _format(lines: list[Line], limit: int, context: int, ctx: ToolContext) -> tuple[list[str], int, bool]:
    """Renders up to `limit` matches (and their context); says whether the byte cap cut it short."""
    out: list[str] = []
    used = matches = last_match_number = 0
    previous: tuple[Any, int] | None = None
    for line in lines:
        if matches == limit and (line.is_match or previous is None or line.path != previous[0]
                                 or line.number > last_match_number + context):
            break       # what follows belongs to a match beyond the limit
        if context and previous is not None and (previous[0] != line.path or line.number > previous[1] + 1):
            out.append("--")
        sep = ":" if line.is_match else "-"
        rendered = f"{display_path(line.path, ctx)}{sep}{line.number}{sep}{clip(line.text)}"
        used += len(rendered.encode("utf-8")) + 1
        if used > MAX_BYTES:
            return out, matches, True
        out.append(rendered)
        previous = (line.path, line.number)
        if line.is_match:
            matches += 1
            last_match_number = line.number
    return out, matches, False


@os_errors_as_results
async def run(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    root = resolve_path(args.get("path") or ".", ctx)
    if not root.exists():
        return error(f"Path not found: {display_path(root, ctx)}", path=str(root))
    limit = args.get("limit") or DEFAULT_LIMIT
    context = args.get("context") or 0
    query = Query(pattern=args["pattern"], root=root, glob=args.get("glob"),
                  ignore_case=bool(args.get("ignore_case")), literal=bool(args.get("literal")),
                  context=context, max_matches=limit + 1)
    rg = ripgrep()
    try:
        if rg:
            lines = await _grep_rg.search(rg, query, ctx.cwd, ctx.env)
        else:
            lines = await asyncio.to_thread(_grep_py.search, query)
    except GrepError as exc:
        return error(str(exc), engine="rg" if rg else "python")
    out, shown, byte_capped = _format(lines, limit, context, ctx)
    more = sum(line.is_match for line in lines) > shown
    details = {"engine": "rg" if rg else "python", "matches": shown, "truncated": more or byte_capped}
    if not out:
        return ToolResult(content=f"No matches for {args['pattern']!r} in {display_path(root, ctx)}",
                          details=details)
    if byte_capped:
        out += ["", f"[output reached {MAX_BYTES // 1024} KiB after {shown} matches; narrow the "
                    "pattern, path or glob to see more]"]
    elif more:
        out += ["", f"[showing the first {shown} matches; more exist. Narrow the pattern, path or "
                    "glob, or raise limit]"]
    return ToolResult(content="\n".join(out), details=details)


def tool() -> FunctionTool:
    return FunctionTool(name="grep", description=DESCRIPTION, parameters=PARAMETERS, fn=run)
