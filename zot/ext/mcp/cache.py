"""The last tool listing of each server: `$ZOT_HOME/cache/mcp/EXT/SERVER.json`.

Written whenever a server lists its tools (a session, `zot mcp tools`, `zot mcp list`); read by
`zot ext validate` (so a guard on `SERVER__TOOL` is checked against the tool's arguments) and by
a lazily started server (its tools are offered before it runs). A listing counts only for the
entry it was made with: the file keeps the entry's digest, and a changed entry ignores it.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from zot.config import zot_home

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def path_of(ext: str, server: str) -> Path:
    return zot_home() / "cache" / "mcp" / _SAFE.sub("_", ext) / f"{_SAFE.sub('_', server)}.json"


def read(ext: str, server: str, digest: str) -> list[dict[str, Any]] | None:
    try:
        data = json.loads(path_of(ext, server).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("digest") != digest or not isinstance(data.get("tools"), list):
        return None
    return [t for t in data["tools"] if isinstance(t, dict)]


def write(ext: str, server: str, digest: str, tools: list[dict[str, Any]]) -> None:
    path = path_of(ext, server)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"digest": digest, "listed": time.strftime("%Y-%m-%dT%H:%M:%S"),
                                   "tools": tools}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except (OSError, TypeError, ValueError):
        pass      # no cache: validation knows less, a lazy server starts to learn its tools
