"""Turn tree-sitter word nodes into the strings bash would pass as arguments.

Quotes and escapes are removed, because a guard compares ``'rm'``, ``\\rm`` and ``rm`` alike.
Expansions (``$HOME``, ``$(cmd)``, ``${x:-y}``) cannot be known before run time, so they keep
their source text and the word is marked dynamic.
"""
from __future__ import annotations

import re

from tree_sitter import Node

DYNAMIC_TYPES = frozenset({
    "simple_expansion", "expansion", "command_substitution", "process_substitution",
    "arithmetic_expansion",
})

_BACKSLASH = re.compile(r"\\(\n|.)", re.S)
_DQ_ESCAPE = re.compile(r'\\([\\"$`\n])')
_ANSI_C = re.compile(
    r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)", re.S)
_ANSI_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def _unescape_unquoted(text: str) -> str:
    if "\\" not in text:
        return text
    return _BACKSLASH.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)


def _unescape_double(text: str) -> str:
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


def decode(node: Node, src: bytes) -> tuple[str, bool]:
    """Return (value, dynamic) for an argument node of source ``src``.

    ``dynamic`` is true when the value contains an expansion whose result is unknown.
    """
    kind = node.type
    if kind == "word":
        return _unescape_unquoted(text_of(node, src)), False
    if kind == "raw_string":
        return text_of(node, src)[1:-1], False
    if kind in ("string", "translated_string"):
        return _decode_string(node, src)
    if kind == "ansi_c_string":
        return decode_ansi_c(text_of(node, src)[2:-1]), False
    if kind == "concatenation":
        parts: list[str] = []
        dynamic = False
        for child in node.children:
            value, dyn = decode(child, src)
            parts.append(value)
            dynamic = dynamic or dyn
        return "".join(parts), dynamic
    return text_of(node, src), kind in DYNAMIC_TYPES


def _decode_string(node: Node, src: bytes) -> tuple[str, bool]:
    parts: list[str] = []
    dynamic = False
    for child in node.children:
        kind = child.type
        if kind == '"':
            continue
        text = text_of(child, src)
        if kind == "string_content":
            parts.append(_unescape_double(text))
        else:
            parts.append(text)
            dynamic = dynamic or kind in DYNAMIC_TYPES
    return "".join(parts), dynamic


def program_name(value: str) -> str:
    """``/usr/bin/rm`` -> ``rm``; a path built from expansions is kept whole."""
    if "/" not in value:
        return value
    base = value.rsplit("/", 1)[1]
    if not base or any(c in base for c in "$`(){}"):
        return value
    return base
