"""Small helpers on words: a node's real text, bash's escapes, a program's name.

Word expansion itself (quotes, escapes, variables, braces, splitting) is ``expand.py``'s.
"""
from __future__ import annotations

import re

from tree_sitter import Node

# node types that hold no command (what the walker does not descend into)
LEAVES = frozenset({
    "word", "raw_string", "ansi_c_string", "number", "variable_name", "string_content",
    "heredoc_start", "heredoc_end", "comment", "test_operator", "file_descriptor",
    "special_variable_name", "regex", "extglob_pattern", "heredoc_content",
})

_DQ_ESCAPE = re.compile(r'\\([\\"$`\n])')
_ANSI_C = re.compile(
    r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)", re.S)
_ANSI_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def unescape_double(text: str) -> str:
    """Inside double quotes, a backslash escapes only \\, ", $, ` and a newline."""
    if "\\" not in text:
        return text
    return _DQ_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)


def _ansi_c_escape(m: re.Match[str]) -> str:
    esc = m.group(1)
    head = esc[0]
    if head in "xuU" and len(esc) > 1:
        code = int(esc[1:], 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    if head.isdigit():
        return chr(int(esc, 8))
    if head == "c" and len(esc) == 2:
        return chr(ord(esc[1]) & 0x1F)
    return _ANSI_SIMPLE.get(esc, "\\" + esc)


def decode_ansi_c(body: str) -> str:
    """Decode the inside of ``$'...'`` the way bash does (``\\n``, ``\\x41``, ``\\047``...)."""
    return _ANSI_C.sub(_ansi_c_escape, body)


def text_of(node: Node, src: bytes) -> str:
    """The source text of a node, read from ``src``: the parser only ever sees an ASCII
    shadow of the line (see ``parse.ascii_shadow``), so ``node.text`` is not the real text."""
    return src[node.start_byte:node.end_byte].decode("utf-8", "replace")


def program_name(value: str) -> str:
    """``/usr/bin/rm`` -> ``rm``; a path built from expansions is kept whole."""
    if "/" not in value:
        return value
    base = value.rsplit("/", 1)[1]
    if not base or any(c in base for c in "$`(){}"):
        return value
    return base
