"""The matcher protocol: one compiled object per `when:` node, evaluated per tool call.

Matchers are compiled once at load (regexes, globs, parsed expressions) and evaluated against a
`Subject`. A matcher raises `MatchError` when it cannot decide (a failed expression, an
unresolvable value); the guard then applies its `on_error`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

MISSING = object()


class MatchError(Exception):
    """The matcher could not decide; the guard's on_error applies."""


@dataclass
class Subject:
    """What every matcher sees: the call, where it runs, and facts about the session."""

    tool: str
    args: dict[str, Any]
    cwd: Path
    project: Path
    params: dict[str, Any] = field(default_factory=dict)
    session: dict[str, Any] = field(default_factory=dict)
    model: str = ""
    memo: dict = field(default_factory=dict, compare=False, repr=False)   # one call's resolved paths
    base: Any = field(default=MISSING, compare=False, repr=False)   # the folder a shell word is in
    notes: list = field(default_factory=list, compare=False, repr=False)
    git: Any = field(default=None, compare=False, repr=False)   # `git.branch`, `git.dirty` for expressions
    expr_names: Any = field(default=None, compare=False, repr=False)   # what expressions see, built once

    def note(self, text: str) -> None:
        """Say why a rule matched what zot could not know (shown with the verdict's reason)."""
        if len(text) > 300:
            text = text[:297] + "..."
        if text not in self.notes:
            self.notes.append(text)


@dataclass
class CompileCtx:
    """What a matcher compiler needs: whether to fail closed and where diagnostics point."""

    fail_closed: bool = True          # deny/confirm guards: unknowns match
    location: str = ""
    tools: tuple[str, ...] = ()       # the tools the guard applies to
    default_arg: str | None = None    # the argument a matcher without `arg` reads (bash: command)
    default_source: Callable[["Subject"], Any] | None = None   # the same, per call, for several tools


class Matcher(Protocol):
    def match(self, subject: Subject, value: Any = MISSING) -> bool: ...


class Predicate(Protocol):
    def __call__(self, value: Any, subject: Subject) -> bool: ...


def get_arg(args: dict[str, Any], dotted: str) -> Any:
    """`command`, `edits.0.path`: a dotted path into the arguments; MISSING when absent."""
    node: Any = args
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


@dataclass
class ValueMatcher:
    """A test on one value: taken from `arg`, from a default, or handed in by an outer matcher.
    A list value matches when any item does."""

    predicate: Predicate
    arg: str | None
    source: Callable[[Subject], Any] | None = None   # used when there is no `arg` (e.g. written paths)

    def match(self, subject: Subject, value: Any = MISSING) -> bool:
        if value is MISSING:
            if self.arg is not None:
                value = get_arg(subject.args, self.arg)
            elif self.source is not None:
                value = self.source(subject)
        if value is MISSING or value is None:
            return False
        predicate = self.predicate
        if isinstance(value, (list, tuple)):
            for item in value:
                if predicate(item, subject):
                    return True
            return False
        return predicate(value, subject)
