"""The red-team tables (redteam.py), each call judged by `zot ext explain` as a user would run
it in the project: one test per call, its id the expected decision and the command."""
from __future__ import annotations

import json

import pytest

from zot.cli import main

from .redteam import CLASSES, EVERYDAY
from .corpus import Case


def explain(world, case: Case, monkeypatch, capsys) -> dict:
    monkeypatch.chdir(world.project)
    args = json.dumps(world.fill(case.args))
    code = main(["ext", "explain", "--tool", case.tool, "--args", args, "--format", "json"])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def check(world, case: Case, monkeypatch, capsys) -> None:
    out = explain(world, case, monkeypatch, capsys)
    shown = "\n".join(f"  {m['decision']} {m['rule']}: {m['reason']}" for m in out["matches"]) \
        or "  no rule matched"
    assert not [m for m in out["matches"] if m.get("error")], f"a rule failed to decide:\n{shown}"
    assert out["decision"] == case.expect, f"{case.label!r} got {out['decision']}, expected " \
                                           f"{case.expect}\n{shown}"


DANGEROUS = [pytest.param(case, id=f"{name}: {case.expect}: {case.label}")
             for name, cases in CLASSES.items() for case in cases]


@pytest.mark.parametrize("case", DANGEROUS)
def test_dangerous_call_is_caught(world, case: Case, monkeypatch, capsys) -> None:
    check(world, case, monkeypatch, capsys)


@pytest.mark.parametrize("case", [pytest.param(c, id=f"allow: {c.label}") for c in EVERYDAY])
def test_everyday_call_passes(world, case: Case, monkeypatch, capsys) -> None:
    check(world, case, monkeypatch, capsys)


def test_every_class_has_forty_dangerous_calls_and_everyday_has_150() -> None:
    assert {name: len(cases) for name, cases in CLASSES.items() if len(cases) < 40} == {}
    assert len(EVERYDAY) >= 150, len(EVERYDAY)
    assert {c.expect for cases in CLASSES.values() for c in cases} <= {"deny", "confirm"}
    labels = [(c.tool, c.label) for cases in CLASSES.values() for c in cases] + \
        [(c.tool, c.label) for c in EVERYDAY]
    assert len(labels) == len(set(labels)), [x for x in labels if labels.count(x) > 1]
