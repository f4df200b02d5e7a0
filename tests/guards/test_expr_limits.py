"""`expr` matchers that would hang, eat memory or reach Python internals: `zot ext validate`
rejects them with a clear message, or they fail fast at run time and the guard's `on_error`
applies (deny by default for a deny guard; `on_error: allow` lets the call through).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.guards.harness import compile_unvalidated, decide, write_extension
from zot.ext import expr as expressions

ZOT = Path(sys.executable).with_name("zot")
DEEP = "(" * 300 + "1" + ")" * 300
HUGE = " or ".join(["len(args.command) > 1"] * 4500)     # ~100 KB

# name -> (expression, what `zot ext validate` says, or None when only the run time can tell)
CASES = {
    "repeat": ("len('x' * 10**9) > 0", None),
    "power-tower": ("10 ** 10 ** 10 > 0", None),
    "power": ("7 ** 4000000 > 0", None),
    "big-product": ("(7 ** 30000) * (7 ** 30000) > 0", None),
    "replace": ("len(('x' * 99999).replace('', 'x' * 99999)) > 0", None),
    "join": ("len(('x' * 99999).join('y' * 99999)) > 0", None),
    "percent": ("len('%1000000000s' % 'x') > 0", None),
    "comprehension": ("len([i for i in range(10**9)]) > 0", "`ListComp` is not allowed in an expression"),
    "generator": ("any(i for i in args.command * 10**9)", "`GeneratorExp` is not allowed"),
    "nested": (DEEP, "syntax error: too many nested parentheses"),
    "100kb": (HUGE, "the expression is over 2000 characters"),
    "class": ("().__class__ is None", "`__class__`: names starting with `_` are not allowed"),
    "args-class": ("args.__class__ is None", "`__class__`: names starting with `_` are not allowed"),
    "import": ("__import__('os') is None", "the expression uses `__import__`, which is not defined here"),
    "ljust": ("len(args.command.ljust(10**9)) > 0", "`ljust` is not a method expressions may call"),
    "format": ("args.command.format() == ''", "`format` is not a method expressions may call"),
}
SLOW = 5.0      # generous: the failure mode is a hang; these take milliseconds


def extension(tmp_path: Path, on_error: str | None = None) -> Path:
    lines = ["guards:"]
    for name, (source, _) in CASES.items():
        lines += [f"  {name}:", "    tool: bash", f"    when: {{expr: {json.dumps(source)}}}", "    action: deny",
                  f"    reason: {name} matched"]
        if on_error:
            lines.append(f"    on_error: {on_error}")
    return write_extension(tmp_path / f"ext-{on_error}", "\n".join(lines) + "\n")


def test_validate_rejects_what_it_can_see_with_a_clear_message(tmp_path):
    folder = extension(tmp_path)
    started = time.monotonic()
    result = subprocess.run([str(ZOT), "ext", "validate", "--format", "json", str(folder)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stderr
    by_rule: dict[str, list[str]] = {}
    for diag in json.loads(result.stdout):
        assert diag["line"] > 1 and diag["column"] >= 1
        by_rule.setdefault(diag["path"][1], []).append(diag["message"])
    for name, (_, message) in CASES.items():
        if message:
            assert any(message in m for m in by_rule.get(name, [])), (name, by_rule.get(name))
        else:
            assert name not in by_rule, (name, by_rule[name])


@pytest.mark.parametrize("name", CASES)
def test_at_run_time_each_fails_fast_and_a_deny_guard_denies(tmp_path, name):
    source, _ = CASES[name]
    project = tmp_path / "project"
    folder = write_extension(tmp_path / "ext", "guards:\n  g:\n    tool: bash\n"
                             f"    when: {{expr: {json.dumps(source)}}}\n    action: deny\n    reason: matched\n")
    hooks = compile_unvalidated(folder, project)
    started = time.monotonic()
    decision, _ = decide(hooks, "bash", {"command": "ls"}, project)
    elapsed = time.monotonic() - started
    assert elapsed < SLOW, f"{name} took {elapsed:.1f}s"
    [verdict] = decision.verdicts
    assert (decision.decision, verdict.decision) == ("deny", "deny")
    assert verdict.error and "could not decide" in verdict.reason and "on_error is deny" in verdict.reason


def test_with_on_error_allow_every_one_of_them_lets_the_call_through(tmp_path):
    project = tmp_path / "project"
    hooks = compile_unvalidated(extension(tmp_path, on_error="allow"), project)
    started = time.monotonic()
    decision, _ = decide(hooks, "bash", {"command": "ls"}, project)
    assert time.monotonic() - started < SLOW
    assert decision.decision == "allow"
    assert len(decision.verdicts) == len(CASES)
    assert all(v.decision == "allow" and v.error for v in decision.verdicts)


@pytest.mark.parametrize("source, expected", [
    ("args.command.startswith('git') and len(args.command.split()) == 3", True),
    ("args.command.replace('push', 'pull') == 'git pull origin'", True),
    ("' '.join(args.command.split()[1:]) == 'push origin'", True),
    ("'%-5s|' % tool == 'bash |' and 2 ** 64 > 10 ** 18", True),
    ("args.get('timeout', 0) > 60 or args.command.count('o') == 1", True),
])
def test_ordinary_expressions_still_work(source, expected):
    assert expressions.analyse(source).error is None
    assert expressions.evaluate(source, {"tool": "bash", "args": {"command": "git push origin"}}) is expected


def test_one_evaluation_sees_only_its_own_names():
    """The evaluator is reused between evaluations: what one call was given is gone for the next."""
    assert expressions.evaluate("args.command == 'ls'", {"args": {"command": "ls"}}) is True
    with pytest.raises(Exception, match="args"):
        expressions.evaluate("args.command == 'ls'", {"tool": "bash"})
    assert expressions.evaluate("tool == 'bash'", {"tool": "bash"}) is True
