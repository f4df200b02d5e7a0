"""tree-sitter-bash, kept at arm's length: one parser per thread, fed an ASCII shadow."""
from __future__ import annotations

import threading

import tree_sitter
import tree_sitter_bash
from tree_sitter import Node, Tree

from .words import text_of

_LOCAL = threading.local()


def _parser() -> tree_sitter.Parser:
    """One parser per thread (a tree-sitter parser is not thread-safe), built on first use."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = tree_sitter.Parser(
            tree_sitter.Language(tree_sitter_bash.language()))
    return parser


_SHADOW = bytes(b if b < 128 else 0x61 for b in range(256))


def ascii_shadow(data: bytes) -> bytes:
    """The bytes tree-sitter is given: every non-ASCII byte replaced by ``a``.

    tree-sitter-bash's scanner hands code points to C's ``isalpha()``, which is undefined for
    values above 255 and crashes the process for some (U+E0000 and up, found by fuzzing).
    Non-ASCII text is word text to bash anyway, so an ASCII copy with the same byte offsets
    parses the same; node text is then read from the real bytes (``words.text_of``).
    """
    return data if data.isascii() else data.translate(_SHADOW)


def parse_tree(data: bytes) -> Tree:
    """Parse ``data`` (UTF-8) into a tree whose byte offsets index ``data``."""
    return _parser().parse(ascii_shadow(data))


def first_error(root: Node, src: bytes) -> str:
    """Describe the first ERROR or MISSING node, with line:col, for a person to act on."""
    node = root
    while True:
        if node.is_missing:
            row, col = node.start_point
            return f"syntax error at {row + 1}:{col + 1}: missing {node.type!r}"
        if node.type == "ERROR":
            row, col = node.start_point
            snippet = text_of(node, src)[:30]
            return f"syntax error at {row + 1}:{col + 1} near {snippet!r}"
        nxt = next((c for c in node.children if c.has_error), None)
        if nxt is None:
            row, col = node.start_point
            return f"syntax error at {row + 1}:{col + 1}"
        node = nxt
