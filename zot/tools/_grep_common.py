"""What both grep engines produce, and how their lines become the text the model reads."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_LINE_CHARS = 500


@dataclass(frozen=True)
class Query:
    pattern: str
    root: Path                 # a folder or a single file, absolute
    glob: str | None
    ignore_case: bool
    literal: bool
    context: int
    max_matches: int           # engines stop after this many; the caller asks for one more than it shows


@dataclass(frozen=True)
class Line:
    path: Path
    number: int
    text: str
    is_match: bool


class GrepError(Exception):
    """A problem with the query (bad regex, unreadable root) to report to the model as is."""


def clip(text: str) -> str:
    """Minified files put a whole program on one line; a match in one must not flood the context."""
    if len(text) <= MAX_LINE_CHARS:
        return text
    return text[:MAX_LINE_CHARS] + f"... [{len(text) - MAX_LINE_CHARS} more characters]"
