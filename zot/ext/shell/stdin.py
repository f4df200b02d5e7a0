"""Text a line feeds to a shell's standard input, when the line spells it out.

``bash <<EOF``, ``bash <<< '...'``, ``echo '...' | sh``, ``printf '...' | sh`` and
``cat <<EOF | sh`` all run text that is right there in the line, so it is parsed like a
``bash -c`` string. Backquotes in here-documents are found here too: tree-sitter does not.
"""
from __future__ import annotations

import re

from tree_sitter import Node

from .words import decode, decode_ansi_c, program_name

BACKTICK_ESCAPE = re.compile(r"\\([\\`$])")
_ECHO_OPTIONS = re.compile(r"-[neE]+")


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


def herestring(node: Node, src: bytes) -> str:
    """The text a here-string (``<<< word``) puts on stdin."""
    return " ".join(decode(c, src)[0] for c in node.named_children) + "\n"


def _program_of(node: Node, src: bytes) -> str | None:
    if node.type != "command":
        return None
    name = node.child_by_field_name("name")
    if name is None or not name.named_child_count:
        return None
    return program_name(decode(name.named_children[0], src)[0])


def is_bare_cat(node: Node, src: bytes) -> bool:
    """``cat`` with no file argument: it copies its here-document to the pipe."""
    if _program_of(node, src) != "cat":
        return False
    return all(c.type in ("command_name", "variable_assignment", "file_redirect", "comment")
               for c in node.named_children)


def literal_stdout(node: Node, src: bytes) -> str | None:
    """The text ``echo ...``, ``printf ...`` or ``cat <<<...`` writes, for ``| bash``."""
    program = _program_of(node, src)
    if program not in ("echo", "printf", "cat"):
        return None
    args: list[str] = []
    here = None
    for child in node.named_children:
        if child.type == "herestring_redirect":
            here = herestring(child, src)
        elif child.type not in ("command_name", "variable_assignment", "file_redirect"):
            args.append(decode(child, src)[0])
    if program == "cat":
        return here if not args else None
    if program == "printf":
        if not args:
            return None
        return decode_ansi_c(args[0]) if len(args) == 1 else "\n".join(args[1:]) + "\n"
    escapes = False
    while args and _ECHO_OPTIONS.fullmatch(args[0]):
        escapes = escapes or "e" in args[0]
        args.pop(0)
    text = " ".join(args) + "\n"
    return decode_ansi_c(text) if escapes else text
