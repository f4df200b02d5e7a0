"""Text a pattern cannot match without: the index's cheap first test (zot.ext.guard_index).

`regex_needs("curl .*internal-7\\.example")` is `{"internal-7.example"}`: any text the regex
matches contains one of the returned strings, so a text that contains none of them cannot match
and the rule need not run. None means "no such text is known": the rule always runs.

Manifest regexes run on the `regex` library; the pattern is read with Python's own `re` parser,
and only where both read it alike. Anything `re` rejects, braces that are not a plain `{m,n}`
count (`regex` reads `{e<=1}` as fuzzy matching), POSIX classes (`[[:digit:]]`) and verbose
mode are not read at all. Case-insensitive patterns give lowercase strings, to be looked for in
lowercased ASCII text (Unicode case folding pairs `K` with the Kelvin sign; non-ASCII text is
simply not prefiltered).
"""
from __future__ import annotations

import re
import warnings
from functools import lru_cache

try:  # Python 3.11+: the parser behind `re`
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older Pythons name them sre_*
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

EXACT, LOWER, FOLD = "exact", "lower", "fold"   # how the text is compared (see `present`)
_PLAIN_COUNT = re.compile(r"\{(?!(?:[0-9]+(?:,[0-9]*)?|,[0-9]+)\})")   # a `{` that opens no `{m}`, `{m,n}`
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


@lru_cache(maxsize=4096)
def regex_needs(pattern: str, ignore_case: bool = False) -> tuple[frozenset[str], str] | None:
    """(strings one of which every match contains, how to compare), or None."""
    if _PLAIN_COUNT.search(pattern) or "[:" in pattern or "[=" in pattern or "[." in pattern:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # "possible nested set" and other FutureWarnings
            parsed = _p.parse(pattern, re.IGNORECASE if ignore_case else 0)
    except Exception:   # re.error, RecursionError, ...: not read
        return None
    flags = parsed.state.flags
    if flags & re.VERBOSE or _scoped(parsed, re.VERBOSE):
        return None
    fold = bool(flags & re.IGNORECASE) or _scoped(parsed, re.IGNORECASE)
    try:
        found = _need(parsed, fold)
    except RecursionError:
        return None
    if not found:
        return None
    if fold:
        return frozenset(s.lower() for s in found), FOLD
    return found, EXACT


def glob_needs(pattern: str, lowered: bool) -> tuple[frozenset[str], str] | None:
    """For `fnmatchcase(text, pattern)` (a `glob:` test): its longest literal piece before any
    `[`. `lowered`: the test lowercases both sides itself."""
    head = pattern.split("[", 1)[0]
    pieces = [p for p in re.split(r"[*?]", head) if p]
    if not pieces:
        return None
    return frozenset([max(pieces, key=len)]), LOWER if lowered else EXACT


def present(text: str, how: str) -> str | None:
    """The text as the strings are looked for in it, or None when it cannot be prefiltered."""
    if how == EXACT:
        return text
    if how == LOWER:
        return text.lower()
    return text.lower() if text.isascii() else None


def _scoped(items, flag: int) -> bool:
    """Whether a `(?flag:...)` group anywhere turns the flag on or off."""
    for op, av in _walk(items):
        if op is _c.SUBPATTERN and len(av) == 4 and (av[1] & flag or av[2] & flag):
            return True
    return False


def _walk(items):
    for op, av in items:
        yield op, av
        for sub in _children(op, av):
            yield from _walk(sub)


def _children(op, av) -> list:
    if op is _c.SUBPATTERN:
        return [av[-1]]
    if op in _REPEATS:
        return [av[2]]
    if op is _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return [av]
    if op is _c.GROUPREF_EXISTS:
        return [p for p in av[1:] if p is not None]
    return []


def _need(items, fold: bool) -> frozenset[str] | None:
    """Strings one of which every match of this sequence contains: the best of its literal runs
    and of the needs of its parts that must match at least once."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        if op is _c.SUBPATTERN:
            found = _need(av[-1], fold)
        elif op in _REPEATS:
            found = _need(av[2], fold) if av[0] >= 1 else None
        elif op is _c.BRANCH:
            parts = [_need(branch, fold) for branch in av[1]]
            found = frozenset().union(*parts) if parts and all(parts) else None
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            found = _need(av, fold)
        else:       # a class, any character, an anchor, a lookaround, a backreference: no text known
            found = None
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset(["".join(run)]))
    if fold:
        candidates = [c for c in candidates if all(s.isascii() for s in c)]
    candidates = [c for c in candidates if all(c)]      # an empty string is in every text
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(s) for s in c), -len(c)))
