"""A rule's quick answer (zot.ext.compile.quick) is its matcher's answer, with the same notes.

Quick answers skip the matcher tree for plain shell, path and regex rules when the call's
shared facts already decide (a line that runs none of the rule's programs, a known written
path, a regex on text). Every shipped rule that has one is asked both ways about every call of
the red-team and everyday tables: wherever the quick test answers, it must say exactly what the
matcher says. The tables reach every branch: hidden code, unknown programs, unparsable lines,
paths only known at run time, symlinks and hard links to protected files."""
from __future__ import annotations

from zot.ext.compile.guards import call_memo
from zot.ext.hooks import CallInfo

from .corpus import DANGEROUS, EVERYDAY
from .redteam import CLASSES, EVERYDAY as REDTEAM_EVERYDAY

CASES = [c for table in (DANGEROUS, EVERYDAY, REDTEAM_EVERYDAY, *CLASSES.values()) for c in table]


def test_quick_answers_are_the_matchers_answers(world):
    hooks = world.engine.hooks
    rules = [r for r in [*hooks.guards, *hooks.rewriters] if getattr(r, "quick", None) is not None]
    assert len(rules) >= 5, [r.source.label() for r in rules]
    answered = matched = 0
    for case in CASES:
        args = world.fill(case.args)
        for rule in rules:
            call = CallInfo("q", case.tool, dict(args), dict(args), str(world.project), str(world.project))
            slow = rule._match(rule.subject(call)), tuple(rule.notes)    # the matcher fills the call's memo
            quick = rule.quick(call, call_memo(call))
            if quick is None:
                continue
            answered += 1
            matched += quick[0]
            assert (quick[0], tuple(quick[1])) == slow, (rule.source.label(), case.label)
    assert answered > 1000 and matched > 100, (answered, matched)
