"""One line per MCP server, for `/ext` (the live session), `zot ext list` (nothing started) and
`zot mcp list` / `zot mcp tools` (started for the look)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from zot.ext.capabilities import escape


def _count(n: int, what: str = "tool") -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def live_line(server: Any) -> str:
    """`mcp demo: running, 8 tools` / `mcp demo: failed (could not start: ...)`."""
    status = server.status
    if status == "running":
        state = f"running, {_count(len(server.tools))}"
    elif status == "lazy":
        state = f"starts at its first call, {_count(len(server.tools))} known"
    elif status == "failed":
        state = f"failed ({server.reason})"
    else:
        state = {"new": "not started", "starting": "starting"}.get(status, status)
    return escape(f"mcp {server.name}: {state}")


def live_lines(host: Any, ext: str) -> list[str]:
    return [live_line(s) for s in sorted(host.of_extension(ext), key=lambda s: s.name)] if host is not None else []


def static_rows(ext_name: str, data: dict, folder: Path) -> list[dict[str, Any]]:
    """Without starting anything: each server, what it runs, and the tools zot knows (None:
    not known until it runs)."""
    from zot.ext.checks.mcp import known_listing
    from zot.ext.mcp.spec import ServerSpec

    rows = []
    for name, node in sorted((data.get("mcp") or {}).items()):
        if not isinstance(node, dict):
            continue
        spec = ServerSpec(ext_name, str(name), folder, folder, node)
        known = known_listing(ext_name, str(name), node, folder)
        offered = None if known is None else [spec.offered(str(t.get("name"))) for t in known
                                              if spec.wants(str(t.get("name")))]
        rows.append({"name": str(name), "transport": spec.transport, "target": spec.label, "tools": offered})
    return rows


def row_line(row: dict[str, Any]) -> str:
    tools = "tools known when it runs" if row["tools"] is None else f"{_count(len(row['tools']))} known"
    return escape(f"mcp {row['name']} ({row['transport']}: {row['target']}): {tools}")
