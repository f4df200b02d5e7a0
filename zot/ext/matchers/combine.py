"""all / any / not, and `expr` (simpleeval over the call)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zot.ext import expr as expressions
from zot.ext.expr_compile import MEMO
from zot.ext.matchers.base import MISSING, Matcher, MatchError, Subject, get_arg


@dataclass
class All:
    parts: list[Matcher]

    def match(self, subject: Subject, value: Any = MISSING) -> bool:
        return all(p.match(subject, value) for p in self.parts)


@dataclass
class Any_:
    parts: list[Matcher]

    def match(self, subject: Subject, value: Any = MISSING) -> bool:
        return any(p.match(subject, value) for p in self.parts)


@dataclass
class Not:
    part: Matcher

    def match(self, subject: Subject, value: Any = MISSING) -> bool:
        return not self.part.match(subject, value)


@dataclass
class Expr:
    source: str
    arg: str | None = None

    def match(self, subject: Subject, value: Any = MISSING) -> bool:
        names = subject.expr_names
        if names is None:        # the same for every expression of this extension on this call
            names = subject.expr_names = expressions.wrap_names({
                "tool": subject.tool, "args": subject.args, "cwd": str(subject.cwd),
                "project": str(subject.project), "params": subject.params, "session": subject.session,
                "model": subject.model, "git": subject.git}, subject.memo)
            names[MEMO] = {}     # shared subexpressions, once per call for this subject's rules
        if value is MISSING and self.arg:
            value = get_arg(subject.args, self.arg)
        if value is not MISSING:
            names = {**names, "value": expressions.wrap(value)}
        fast = self.__dict__.get("_fast", MISSING)
        if fast is MISSING:     # its closures, kept: the text of an expression does not change
            fast = self.__dict__["_fast"] = expressions.compiled(self.source)
        try:
            return bool(expressions.evaluate_wrapped(self.source, names, fast))
        except Exception as exc:  # simpleeval's limits and any runtime error: the guard decides
            raise MatchError(f"expression `{self.source}` failed: {type(exc).__name__}: {exc}") from exc
