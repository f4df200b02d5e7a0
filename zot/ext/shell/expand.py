"""Expand one word node the way bash would: braces, parameters, substitutions, splitting, globs.

``expand(node, host)`` returns the ways the word may expand (one per combination of the values
its variables may hold, at most ``MAX_READINGS``), each a list of fields (the argv words bash
would pass). Known parts become text; what cannot be known becomes a hole (see ``value.py``).
The order is bash's: brace expansion on the word as written (``{rm,-rf,~}`` is three words),
then tilde, parameter and arithmetic expansion and command substitution, then splitting on
``IFS`` of the unquoted results (``rm${IFS}-rf${IFS}~``), then globs (``/???/r?`` stays text
but is marked a pattern), then quote removal (``b''ash``, ``"bash"``, ``\\sh`` are ``bash``).

The host (the walker) evaluates substitutions, since they run and must be seen as commands;
``params.py`` does ``${...}``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from tree_sitter import Node

from .braces import Token, brace_expand, tokens
from .state import State
from .value import ANY, LITERAL, NAME, hole, make_word, parts_of, sources_of
from .words import unescape_double, decode_ansi_c, text_of

MAX_READINGS = 16
EXPANSIONS = frozenset({"simple_expansion", "expansion", "command_substitution",
                        "arithmetic_expansion", "process_substitution"})
_GLOB = re.compile(r"[*?]|\[[^\]]*\]")


class Host(Protocol):
    src: bytes
    state: State

    def substitute(self, node: Node) -> str: ...
    def process_sub(self, node: Node) -> str: ...
    def visit_inside(self, node: Node) -> None: ...
    def prompt_code(self, value: str, node: Node) -> None: ...


@dataclass(slots=True)
class Seg:
    literal: bool
    text: str = ""
    node: Node | None = None
    quoted: bool = False


@dataclass(slots=True)
class Scalar:
    """One value, split on IFS where it is not quoted."""

    word: str


@dataclass(slots=True)
class Fields:
    """Several values that stay separate words: ``"$@"``, ``"${a[@]}"``."""

    words: tuple[str, ...]


Result = Scalar | Fields


# ---------------------------------------------------------------------------- segments


def segments(node: Node, src: bytes, quoted: bool = False) -> list[Seg]:
    """The literal pieces and expansions of a word node, with what is quoted marked."""
    kind = node.type
    if kind == "word":
        return _word_segments(text_of(node, src))
    if kind == "raw_string":
        return [Seg(True, text_of(node, src)[1:-1], quoted=True)]
    if kind == "ansi_c_string":
        return [Seg(True, decode_ansi_c(text_of(node, src)[2:-1]), quoted=True)]
    if kind in ("string", "translated_string"):
        out: list[Seg] = []
        for child in node.children:
            if child.type == "string_content":
                out.append(Seg(True, unescape_double(text_of(child, src)), quoted=True))
            elif child.type in EXPANSIONS:
                out.append(Seg(False, node=child, quoted=True))
        return out or [Seg(True, "", quoted=True)]
    if kind == "concatenation":
        return [s for child in node.children for s in segments(child, src, quoted)]
    if kind in EXPANSIONS:
        return [Seg(False, node=node, quoted=quoted)]
    return [Seg(True, text_of(node, src), quoted=quoted)]


def _word_segments(text: str) -> list[Seg]:
    if "\\" not in text:
        return [Seg(True, text)]
    out: list[Seg] = []
    plain: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            if plain:
                out.append(Seg(True, "".join(plain)))
                plain = []
            if text[i + 1] != "\n":
                out.append(Seg(True, text[i + 1], quoted=True))
            i += 2
            continue
        plain.append(char)
        i += 1
    if plain:
        out.append(Seg(True, "".join(plain)))
    return out


def _segs(items: list[Token]) -> list[Seg]:
    out: list[Seg] = []
    for tok in items:
        if isinstance(tok, str):
            if out and out[-1].literal and not out[-1].quoted:
                out[-1].text += tok
            else:
                out.append(Seg(True, tok))
        else:
            out.append(tok)
    return out


# ---------------------------------------------------------------------------- fields


@dataclass(slots=True)
class _Field:
    parts: list[tuple[str, str]] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    view: list[str] = field(default_factory=list)   # unquoted text as written, the rest masked
    content: bool = False

    def add(self, word: str, quoted: bool) -> None:
        parts = parts_of(word)
        self.parts.extend(parts)
        self.sources |= sources_of(word)
        for text, kind in parts:
            self.view.append(text if kind == LITERAL and not quoted else "\0")
        self.content = self.content or quoted or bool(word)

    def done(self) -> str:
        glob = bool(_GLOB.search("".join(self.view)))     # /bin/r[m] is three nodes to the grammar
        return make_word(self.parts, frozenset(self.sources), glob)

    def clone(self) -> "_Field":
        return _Field(list(self.parts), set(self.sources), list(self.view), self.content)


@dataclass(slots=True)
class _Reading:
    fields: list[str] = field(default_factory=list)
    cur: _Field | None = None

    def clone(self) -> "_Reading":
        return _Reading(list(self.fields), self.cur.clone() if self.cur else None)

    def add(self, word: str, quoted: bool) -> None:
        if self.cur is None:
            self.cur = _Field()
        self.cur.add(word, quoted)

    def finish(self) -> None:
        if self.cur is not None and self.cur.content:
            self.fields.append(self.cur.done())
        self.cur = None


def split(word: str, ifs: str) -> tuple[bool, list[str], bool]:
    """Split an unquoted value on IFS: (starts with a break, pieces, ends with a break).
    Holes are not split: an ``ENV`` or ``NAME`` value is taken as one word, an ``ANY`` one may
    be several, which the rules already treat as anything."""
    white = "".join(c for c in ifs if c in " \t\n")
    pieces: list[list[tuple[str, str]]] = [[]]
    lead = trail = False
    pending_white = False
    for text, kind in parts_of(word):
        if kind != LITERAL:
            if pending_white and (pieces[-1] or len(pieces) > 1):
                pieces.append([])
            elif pending_white:
                lead = True
            pending_white = False
            pieces[-1].append((text, kind))
            continue
        for char in text:
            if char in white:
                pending_white = True
            elif char in ifs:
                if not pieces[-1] and not pending_white and len(pieces) == 1:
                    lead = True
                pieces.append([])
                pending_white = False
            else:
                if pending_white:
                    if pieces[-1] or len(pieces) > 1:
                        pieces.append([])
                    else:
                        lead = True
                    pending_white = False
                pieces[-1].append((char, LITERAL))
    trail = pending_white
    sources = sources_of(word)
    return lead, [make_word(p, sources) for p in pieces], trail


def _apply(reading: _Reading, result: Result, quoted: bool, ifs: str) -> None:
    if isinstance(result, Fields):
        for i, word in enumerate(result.words):
            if i:
                reading.finish()
            if quoted:
                reading.add(word, True)
            else:
                _apply(reading, Scalar(word), False, ifs)
        return
    word = result.word
    if quoted or not ifs:
        reading.add(word, quoted)
        return
    lead, pieces, trail = split(word, ifs)
    if lead:
        reading.finish()
    for i, piece in enumerate(pieces):
        if i:
            reading.finish()
        if piece:
            reading.add(piece, False)
    if trail:
        reading.finish()


_SIMPLE = re.compile(r"[^\\{}*?\[$`]+")


def _simple(node: Node, src: bytes) -> list[list[str]] | None:
    """The common words with nothing to expand, read at once."""
    kind = node.type
    if kind == "word" or kind == "number":
        text = text_of(node, src)
        return [[text]] if _SIMPLE.fullmatch(text) else None
    if kind == "raw_string":
        return [[text_of(node, src)[1:-1]]]
    if kind == "string" and all(c.type in ('"', "string_content") for c in node.children):
        return [["".join(unescape_double(text_of(c, src)) for c in node.children
                         if c.type == "string_content")]]
    return None


def expand(node: Node, host: Host, split_words: bool = True,
           ifs: str | None = None) -> list[list[str]]:
    """The ways ``node`` may expand, each a list of fields; see the module docstring."""
    quick = _simple(node, host.src)
    if quick is not None:
        return quick
    if ifs is None:
        ifs = host.state.ifs() if split_words else ""
        if ifs is None:
            ifs = " \t\n"
    elif not split_words:
        ifs = ""
    out: list[list[str]] = []
    segs = segments(node, host.src)
    alternatives = [_segs(t) for t in brace_expand(tokens(segs))] if split_words and any(
        s.literal and not s.quoted and "{" in s.text for s in segs) else [segs]
    cache: dict[int, list[Result]] = {}
    combined: list[list[str]] = [[]]     # brace alternatives are words side by side
    for alt in alternatives:
        ways = _expand_segments(alt, host, ifs, cache)
        if len(combined) * len(ways) > MAX_READINGS:
            ways = ways[:1] if len(combined) > 1 else ways[:MAX_READINGS]
        combined = [c + w for c in combined for w in ways]
    return combined


def _expand_segments(alt: list[Seg], host: Host, ifs: str,
                     cache: dict[int, list[Result]]) -> list[list[str]]:
    readings = [_Reading()]
    for seg in alt:
        if seg.literal:
            for r in readings:
                r.add(seg.text, seg.quoted)
            continue
        key = seg.node.start_byte
        if key not in cache:
            cache[key] = expansion_results(seg.node, host, seg.quoted)
        results = cache[key]
        if len(readings) * len(results) > MAX_READINGS:
            results = [Scalar(hole(text_of(seg.node, host.src), ANY, frozenset({"$"})))]
        nxt: list[_Reading] = []
        for r in readings:
            for k, result in enumerate(results):
                target = r if k == len(results) - 1 else r.clone()
                _apply(target, result, seg.quoted, ifs)
                nxt.append(target)
        readings = nxt
    out: list[list[str]] = []
    for r in readings:
        r.finish()
        out.append(r.fields)
    return out


def expand_one(node: Node, host: Host) -> list[str]:
    """The values a word may take where bash does not split it (assignments, here-strings,
    redirection targets, ``case`` words): one word per reading."""
    values: list[str] = []
    for fields in expand(node, host, split_words=False):
        values.append(fields[0] if len(fields) == 1 else make_word(
            [p for f in fields for p in parts_of(f)], frozenset().union(*map(sources_of, fields))))
    return list(dict.fromkeys(values)) or [""]


def number_hole(text: str) -> str:
    return hole(text, NAME)


from .params import expansion_results  # noqa: E402  (params builds on the types above)
