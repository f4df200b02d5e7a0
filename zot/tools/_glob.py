"""Glob patterns as ripgrep and fd read them, shared by `find` and the Python `grep`.

A pattern without `/` matches a file name at any depth (`*.py` is `**/*.py`); one with `/` matches
the path relative to the search folder. `*` and `?` stay within one path segment, `**` spans any
number of them, `[...]` is a character class.
"""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    if "/" not in pattern.strip("/"):
        pattern = "**/" + pattern.strip("/")
    return re.compile(_translate(pattern.lstrip("/")) + r"\Z")


def _translate(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append(r"(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(r".*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append(r"[^/]")
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body[0] in "!^" else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def glob_matches(pattern: str, relative_path: str) -> bool:
    """`relative_path` uses `/` and is relative to the folder being searched."""
    return compile_glob(pattern).match(relative_path) is not None
