"""Backquotes the grammar does not see: in here-documents, and nested ones escaped with `\\``.

tree-sitter-bash reads ``$(...)`` inside an unquoted here-document but not `...`, and a nested
backquote inside backquotes is written ``\\```; both run, so their text is found here and parsed.
"""
from __future__ import annotations

import re

BACKTICK_ESCAPE = re.compile(r"\\([\\`$])")


def unescape_backquoted(text: str) -> str:
    """Inside `...`, backslash escapes only \\, ` and $."""
    return BACKTICK_ESCAPE.sub(r"\1", text)


def backquoted(text: str) -> tuple[list[str], bool]:
    """The insides of unescaped `...` spans in text, and whether one is left open."""
    spans: list[str] = []
    start = -1
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            if start < 0:
                start = i + 1
            else:
                spans.append(text[start:i])
                start = -1
        i += 1
    return spans, start >= 0
