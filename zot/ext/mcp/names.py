"""The names the model sees for a server's tools, and which of them are offered.

Model providers accept function names of at most 64 characters from `[A-Za-z0-9_-]`; MCP tool
names may hold dots or slashes and run longer. So an offered name is the prefix (`SERVER__` by
default) and the server's name with every other character turned into `_`, cut to 64. Two tools
that end up with one name are a clash the host reports; the first keeps the name.
"""
from __future__ import annotations

import fnmatch
import re

MAX_NAME = 64
_BAD = re.compile(r"[^A-Za-z0-9_-]")


def default_prefix(server: str) -> str:
    return f"{server}__"


def offered_name(prefix: str, tool: str) -> str:
    return (prefix + _BAD.sub("_", tool))[:MAX_NAME]


def wanted(tool: str, include: tuple[str, ...] | list[str], exclude: tuple[str, ...] | list[str]) -> bool:
    """`include` (every tool when empty), then `exclude`, as fnmatch globs on the server's names."""
    if include and not any(fnmatch.fnmatchcase(tool, p) for p in include):
        return False
    return not any(fnmatch.fnmatchcase(tool, p) for p in exclude)
