"""regex, glob, equals, in, contains: tests on a value's text."""
from __future__ import annotations

import fnmatch
from typing import Any

from zot.ext import regexes
from zot.ext.matchers.base import MatchError, Subject

MAX_TEXT = 1_000_000   # longer values are matched on their first megabyte: bounds regex time


def _text(value: Any) -> str:
    return (value if isinstance(value, str) else str(value))[:MAX_TEXT]


def _as_list(spec: Any) -> list:
    return list(spec) if isinstance(spec, list) else [spec]


def regex(spec: Any, ignore_case: bool):
    """Bounded in time (`regexes`): a regex that runs too long cannot decide (`on_error`)."""
    flags = regexes.IGNORECASE if ignore_case else 0
    patterns = [regexes.compile(p, flags) for p in _as_list(spec)]

    def predicate(value: Any, subject: Subject) -> bool:
        text = _text(value)
        try:
            return any(regexes.search(p, text) for p in patterns)
        except regexes.RegexTimeout as exc:
            raise MatchError(str(exc)) from None
    return described(predicate, "regex", [p.pattern for p in patterns], ignore_case)


def glob(spec: Any, ignore_case: bool):
    patterns = [p.lower() if ignore_case else p for p in _as_list(spec)]

    def predicate(value: Any, subject: Subject) -> bool:
        text = _text(value).lower() if ignore_case else _text(value)
        return any(fnmatch.fnmatchcase(text, p) for p in patterns)
    return described(predicate, "glob", patterns, ignore_case)


def _fold(value: Any, ignore_case: bool) -> Any:
    return value.lower() if ignore_case and isinstance(value, str) else value


def equals(spec: Any, ignore_case: bool):
    target = _fold(spec, ignore_case)
    return lambda value, subject: _fold(value, ignore_case) == target


def one_of(spec: Any, ignore_case: bool):
    targets = [_fold(v, ignore_case) for v in _as_list(spec)]
    return lambda value, subject: _fold(value, ignore_case) in targets


def contains(spec: Any, ignore_case: bool):
    needles = [_fold(n, ignore_case) for n in _as_list(spec)]

    def predicate(value: Any, subject: Subject) -> bool:
        text = _fold(_text(value), ignore_case)
        return any(n in text for n in needles)
    return described(predicate, "contains", needles, ignore_case)


def described(predicate, kind: str, patterns: list, ignore_case: bool):
    """What the test looks for, for the index (zot.ext.guard_index): (kind, patterns as the
    predicate uses them, whether it ignores case)."""
    predicate.looks_for = (kind, tuple(patterns), ignore_case)
    return predicate
