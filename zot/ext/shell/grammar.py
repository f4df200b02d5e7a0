"""tree-sitter-bash, kept at arm's length: one parser per thread, fed a shadow of the line.

The shadow has the same length and byte offsets as the line, so node text is always read from
the real bytes (``words.text_of``); only what tree-sitter sees differs, in three ways:

* every non-ASCII byte is ``a`` (its scanner crashes on some code points);
* when the line does not parse, a ``~`` starting a word is ``a``: tree-sitter reads ``~`` as an
  operator inside ``[ ]``/``[[ ]]``, so ``[ -d ~ ]`` and ``[ -d ~+ ]`` were syntax errors; and
  ``<>`` (open for reading and writing, which the grammar lacks) is ``> ``, a write; and a
  bracket glob inside a word (``gi[t]``, which the grammar reads as an array) is ``*...*``;
* the keywords ``time`` and ``coproc`` (with ``-p``, or a coprocess NAME) in front of a compound
  command are blanked: tree-sitter knows neither keyword and reads ``time { rm x; }`` as a
  command ``time`` with words ``{ rm x``. Blanked, the group parses as a group; the walker
  puts the keyword back (``Parsed.keywords``) as a command of its own and a ``via`` label.
  A ``!`` before a compound command (``! { rm x; }``, misread the same way) is blanked too.

Each blanking is followed by a new parse (one per level of nesting, at most
``MAX_KEYWORD_PASSES`` and ``MAX_REPARSE_BYTES`` in all; beyond, ``Parsed.error`` is set and the
line fails closed). A line without ``time``, ``coproc`` or ``!`` is parsed once for them, a
line that parses with no ``~`` trouble is never parsed again for it.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import tree_sitter
import tree_sitter_bash
from tree_sitter import Node, Tree

from .words import text_of

_LOCAL = threading.local()
_LANGUAGE = tree_sitter.Language(tree_sitter_bash.language())
_KEYWORD_QUERY = tree_sitter.Query(_LANGUAGE, """
(command name: (command_name (word) @kw (#any-of? @kw "time" "coproc"))) @cmd
(negated_command . (command name: (command_name (word) @kw
  (#any-of? @kw "{" "for" "select" "while" "until" "if" "case" "!")))) @bang
""")

MAX_KEYWORD_PASSES = 8    # `time { time { ...; }; }`: one reparse per level of nesting
MAX_REPARSE_BYTES = 256 * 1024   # and no more bytes reparsed than this for one string


def _parser() -> tree_sitter.Parser:
    """One parser per thread (a tree-sitter parser is not thread-safe), built on first use."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = tree_sitter.Parser(_LANGUAGE)
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


# A `~` starting a word (after a blank or at the start): `~`, `~+`, `~-`, `~user`, `~/x`.
_BARE_TILDE = re.compile(rb"(?:(?<=[ \t\n])|^)~")
_READ_WRITE = re.compile(rb"<>")
_WORD_BRACKETS = re.compile(rb"(?<=[A-Za-z0-9_./*?-])\[([^\]\s'\"$`;|&()<>]*)\]")


def _tilde_words(shadow: bytes) -> bytes:
    """``shadow`` with the ``~`` starting a word replaced by ``a``: a word to tree-sitter too.

    Only used on a line that does not parse: elsewhere (``$(( ~ x ))``) ``~`` is an operator
    tree-sitter reads right. Where bash reads words, a ``~`` starting one is a tilde prefix,
    text either way."""
    return _BARE_TILDE.sub(b"a", shadow)


@dataclass(frozen=True, slots=True)
class Keyword:
    """``time``/``coproc`` in front of a compound command: the spans of its words
    (``time -p``, ``coproc NAME``) in the source; the command starts at the key of
    ``Parsed.keywords``."""

    words: tuple[tuple[int, int], ...]


@dataclass(slots=True)
class Parsed:
    tree: Tree
    keywords: dict[int, Keyword] = field(default_factory=dict)
    error: str | None = None


_COMPOUND_WORDS = frozenset({"{", "[[", "((", "for", "select", "while", "until", "if", "case"})
# what tree-sitter wrongly takes for a program after `!` (it reads `! [[`, `! (` right)
_NEGATED_WORDS = frozenset({"{", "for", "select", "while", "until", "if", "case", "!"})


def _starts_compound(node: Node, src: bytes) -> bool:
    if node.type == "subshell":             # ( ... ) and (( ... ))
        return True
    return node.type in ("word", "concatenation") and text_of(node, src) in _COMPOUND_WORDS


def _arguments(command: Node) -> list[Node]:
    """The named children after the command name, ERROR nodes opened (``coproc N (x)``)."""
    found: list[Node] = []
    for child in command.named_children[1:]:
        if child.type == "ERROR":
            found.extend(child.named_children)
        else:
            found.append(child)
    return found


def _keyword_sites(root: Node, src: bytes) -> list[tuple[int, int, Keyword | None]]:
    """(start, body, keyword) for each ``time``/``coproc`` keyword in front of a compound
    command (or, for ``time``, a ``!`` pipeline): bytes ``start:body`` are the keyword's
    words, the command starts at ``body``. Bash takes the word for a keyword only as the
    first word of a command. ``time rm x`` and ``coproc rm x`` are left alone: read as
    wrappers, they give the same commands.

    A ``!`` before a compound command (``! { rm x; }``, ``! if ...``) is a site too, with
    keyword None: tree-sitter reads ``{`` or ``if`` as a program there, and negation adds
    nothing a guard needs, so the ``!`` is only blanked."""
    sites: list[tuple[int, int, Keyword | None]] = []
    for _, caps in tree_sitter.QueryCursor(_KEYWORD_QUERY).matches(root):
        if "bang" in caps:
            bang, name = caps["bang"][0], caps["kw"][0]
            word = text_of(name, src)
            if word == "!":               # `! ! rm x`: every `!` goes, up to the command
                rest = [a for a in _arguments(name.parent.parent) if text_of(a, src) != "!"]
                if rest:
                    sites.append((bang.start_byte, rest[0].start_byte, None))
            elif word in _NEGATED_WORDS:
                sites.append((bang.start_byte, name.start_byte, None))
            continue
        command = caps["cmd"][0]
        if command.children[0].type != "command_name":   # X=1 time {...}: not the keyword
            continue
        # the words of `time { time { ls; }; }` hold the inner keyword too: after a `{` comes
        # a command, so the chain is followed in this pass rather than one reparse a level
        words = [caps["kw"][0], *_arguments(command)]
        i = 0
        while True:
            site = _keyword_at(words, i, src)
            if site is None:
                break
            body = site[1]
            sites.append((words[i].start_byte, words[body].start_byte, site[0]))
            if text_of(words[body], src) != "{" or body + 1 >= len(words):
                break
            i = body + 1
    return sites


def _keyword_at(words: list[Node], i: int, src: bytes) -> tuple[Keyword, int] | None:
    """If ``words[i]`` is ``time``/``coproc`` before a compound command, the keyword and the
    index in ``words`` where that command starts."""
    if words[i].type != "word":
        return None
    keyword = text_of(words[i], src)
    j = i + 1
    if keyword == "time":
        # `-p` is a test_operator inside the ERROR of `time -p (ls)`: compare text only
        while j < len(words) and text_of(words[j], src) in ("-p", "--"):
            j += 1
    elif keyword == "coproc":
        if (j + 1 < len(words) and words[j].type == "word"
                and not _starts_compound(words[j], src) and _starts_compound(words[j + 1], src)):
            j += 1                             # coproc NAME { ...; }
    else:
        return None
    if j < len(words) and (_starts_compound(words[j], src) or (
            keyword == "time" and words[j].type == "word" and text_of(words[j], src) == "!")):
        return Keyword(tuple((w.start_byte, w.end_byte) for w in words[i:j])), j
    return None


def _blank(shadow: bytes, sites: list[tuple[int, int, Keyword | None]]) -> bytes:
    buf = bytearray(shadow)
    for start, body, _ in sites:
        for i in range(start, body):
            if buf[i] != 0x0A:         # keep newlines: a `\`-newline must not join lines
                buf[i] = 0x20
    return bytes(buf)


def parse_tree(data: bytes) -> Parsed:
    """Parse ``data`` (UTF-8) into a tree whose byte offsets index ``data``."""
    parser = _parser()
    shadow = ascii_shadow(data)
    tree = parser.parse(shadow)
    keywords: dict[int, Keyword] = {}
    tildes = read_write = brackets = False
    passes = 0
    while True:
        if not tildes and tree.root_node.has_error and _BARE_TILDE.search(shadow):
            tildes = True
            shadow = _tilde_words(shadow)
            tree = parser.parse(shadow)
            continue
        if not read_write and tree.root_node.has_error and b"<>" in shadow:
            read_write = True        # `exec 3<>/dev/tcp/...`: the grammar lacks `<>`; `> ` it is
            shadow = _READ_WRITE.sub(b"> ", shadow)
            tree = parser.parse(shadow)
            continue
        if not brackets and tree.root_node.has_error and b"[" in shadow:
            brackets = True          # `gi[t] push`: a glob the grammar takes for an array
            shadow = _WORD_BRACKETS.sub(lambda m: b"*" + m.group(1) + b"*", shadow)
            tree = parser.parse(shadow)
            continue
        if b"time" not in shadow and b"coproc" not in shadow and b"!" not in shadow:
            break
        sites = _keyword_sites(tree.root_node, data)
        if not sites:
            break
        passes += 1
        if passes > MAX_KEYWORD_PASSES or passes * len(data) > MAX_REPARSE_BYTES:
            return Parsed(tree, keywords, "too many `time`, `coproc` or `!` before compound "
                          "commands inside one another to check")
        for start, body, keyword in sites:
            if start in keywords:          # time ! { ...; }: the keyword's command moves on
                keywords[body] = keywords.pop(start)
            if keyword is not None:
                keywords[body] = keyword
        shadow = _blank(shadow, sites)
        tree = parser.parse(shadow)
    return Parsed(tree, keywords)


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
