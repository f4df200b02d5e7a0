"""Every call in the corpus, judged by the shipped extensions through the real engine.

Each case is one test: its id is the expected decision and the command (or tool and path).
Nothing is ever executed; see corpus.py.
"""
from __future__ import annotations

import pytest

from .corpus import DANGEROUS, EVERYDAY, Case
from .engine import judge


def params(cases: list[Case]) -> list:
    out = []
    for case in cases:
        marks = [pytest.mark.xfail(strict=True, reason=f"shell parser: {case.parser_bug}")] \
            if case.parser_bug else []
        out.append(pytest.param(case, id=f"{case.expect}: {case.label}", marks=marks))
    return out


def check(world, case: Case) -> None:
    decision, _, verdicts = judge(world, case.tool, case.args)
    shown = "\n".join(f"  {v.decision} {v.source.label()}: {v.reason}" for v in verdicts) or "  no rule matched"
    errors = [v for v in verdicts if v.error]
    assert not errors, f"a rule failed to decide (on_error hid it):\n{shown}"
    assert decision == case.expect, f"{case.label!r} got {decision}, expected {case.expect}\n{shown}"
    if case.expect != "allow":
        reasons = [v.reason for v in verdicts if v.decision == case.expect]
        assert all(len(r) > 40 for r in reasons), reasons


@pytest.mark.parametrize("case", params(DANGEROUS))
def test_dangerous_call_is_caught(world, case: Case) -> None:
    check(world, case)


@pytest.mark.parametrize("case", params(EVERYDAY))
def test_everyday_call_passes(world, case: Case) -> None:
    check(world, case)


def test_corpus_size_and_shape() -> None:
    assert len(DANGEROUS) >= 160 and len(EVERYDAY) >= 110, (len(DANGEROUS), len(EVERYDAY))
    assert {c.expect for c in DANGEROUS} <= {"deny", "confirm"}
    assert {c.expect for c in EVERYDAY} == {"allow"}
    ids = [(c.tool, c.label) for c in DANGEROUS + EVERYDAY]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
