"""Regular expressions written in manifests, compiled once and run with a time bound.

Every regex an extension supplies goes through here: guard `regex` tests, rewrite `sub`, hook
`redact` and `transform.regex`, `re_search()` in expressions, and the examples and tests that
`zot ext validate` runs. They run on the well-kept `regex` library (a superset of Python's `re`
syntax), whose matching can stop after a time limit: a pattern such as `(a+)+$` on a long
value would otherwise never return and hang the agent. RE2 would be linear, but it rejects
backreferences and lookarounds that users rely on, and is not installed.

A search or substitution gets `TIMEOUT` plus `PER_MIB` for each MiB of text (so linear patterns
over a 1 MiB tool result have room, and `(a+)+$` on 100 KiB stops within ~20 ms; the library
checks its clock only now and then, so a bound can run over a little). Past it, `RegexTimeout`
is raised; callers treat it as the rule failing to decide, so `on_error` applies (deny for
guards, withhold for redaction) and the diagnostic names the rule's file and line.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import regex as _regex

TIMEOUT = 0.02                 # seconds one search or substitution may take ...
PER_MIB = 0.04                 # ... plus this much per MiB of text
IGNORECASE = _regex.IGNORECASE
error = _regex.error
Pattern = Any


class RegexTimeout(Exception):
    """A manifest regex ran longer than TIMEOUT on one value."""


@lru_cache(maxsize=2048)
def compile(pattern: str, flags: int = 0) -> Pattern:    # noqa: A001 - the usual name
    """Compile with the `regex` library (raises `error` for a bad pattern)."""
    return _regex.compile(pattern, flags)


def limit(text: str) -> float:
    """The time one search of `text` may take."""
    return TIMEOUT + PER_MIB * len(text) / (1024 * 1024)


def _timed_out(pattern: Pattern, text: str) -> RegexTimeout:
    return RegexTimeout(f"the regular expression `{_short(pattern.pattern)}` took longer than "
                        f"{limit(text) * 1000:.0f} ms on {len(text):,} characters")


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def search(pattern: Pattern, text: str) -> Any:
    """`pattern.search(text)`, bounded in time."""
    try:
        return pattern.search(text, timeout=limit(text))
    except TimeoutError:
        raise _timed_out(pattern, text) from None


def sub(pattern: Pattern, repl: str | Callable[[Any], str], text: str, count: int = 0) -> str:
    """`pattern.sub(repl, text, count)`, bounded in time."""
    try:
        return pattern.sub(repl, text, count=count, timeout=limit(text))
    except TimeoutError:
        raise _timed_out(pattern, text) from None


def search_text(pattern: str, text: str, flags: int = 0) -> bool:
    """Whether `pattern` (a source string) is found in `text`, bounded in time."""
    return search(compile(pattern, flags), text) is not None
