"""Brace expansion: ``{a,b}`` and ``{1..3}`` turn one word into several, before anything else.

Bash expands braces on the word as written, before parameters and substitutions, and only in
unquoted text: ``{rm,-rf,~}`` is three words, ``'{a,b}'`` one. The word is a list of tokens: a
``str`` for each unquoted literal character, and the segments ``expand.py`` makes for the rest.
"""
from __future__ import annotations

import re
from typing import Any

MAX_BRACE_WORDS = 64


Token = Any        # one unquoted literal character (a str), or any other segment (an expand.Seg)


def tokens(segs: list) -> list[Token]:
    out: list[Token] = []
    for seg in segs:
        if seg.literal and not seg.quoted:
            out.extend(seg.text)
        else:
            out.append(seg)
    return out


def _sequence(body: list[Token]) -> list[list[Token]] | None:
    """``{1..5}``, ``{a..e}``, ``{1..9..2}``: the items, or None when it is not one."""
    if any(not isinstance(t, str) for t in body):
        return None
    parts = "".join(body).split("..")
    if len(parts) not in (2, 3):
        return None
    step = int(parts[2]) if len(parts) == 3 and re.fullmatch(r"-?\d+", parts[2]) else 1
    a, b = parts[0], parts[1]
    if re.fullmatch(r"-?\d+", a) and re.fullmatch(r"-?\d+", b):
        lo, hi = int(a), int(b)
        step = abs(step) or 1
        rng = range(lo, hi + 1, step) if lo <= hi else range(lo, hi - 1, -step)
        items = [str(n) for n in rng[:MAX_BRACE_WORDS + 1]]
    elif len(a) == 1 and len(b) == 1 and a.isalpha() and b.isalpha():
        lo, hi = ord(a), ord(b)
        rng = range(lo, hi + 1) if lo <= hi else range(lo, hi - 1, -1)
        items = [chr(n) for n in rng[:MAX_BRACE_WORDS + 1]]
    else:
        return None
    return [list(item) for item in items]


def brace_expand(tokens: list[Token]) -> list[list[Token]]:
    """Bash's brace expansion over tokens; past ``MAX_BRACE_WORDS`` words the word is left as
    written (a path rule then sees the braces; ``paths.expand_braces`` knows them)."""
    for i, tok in enumerate(tokens):
        if tok != "{" or (i and tokens[i - 1] == "$"):
            continue
        depth, commas, j = 0, [], i + 1
        while j < len(tokens):
            t = tokens[j]
            if t == "{":
                depth += 1
            elif t == "}":
                if depth == 0:
                    break
                depth -= 1
            elif t == "," and depth == 0:
                commas.append(j)
            j += 1
        if j >= len(tokens):
            return [tokens]
        body = tokens[i + 1:j]
        if commas:
            cuts = [i, *commas, j]
            alts = [tokens[cuts[k] + 1:cuts[k + 1]] for k in range(len(cuts) - 1)]
        else:
            alts = _sequence(body)
            if alts is None:
                rest = brace_expand(tokens[i + 1:])
                return [tokens[:i + 1] + r for r in rest]
        out: list[list[Token]] = []
        suffixes = brace_expand(tokens[j + 1:])
        for alt in alts:
            for middle in brace_expand(alt):
                for suffix in suffixes:
                    out.append(tokens[:i] + middle + suffix)
                    if len(out) > MAX_BRACE_WORDS:
                        return [tokens]
        return out
    return [tokens]
