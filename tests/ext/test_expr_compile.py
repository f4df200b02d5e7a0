"""Compiled expressions (zot.ext.expr_compile) answer exactly what simpleeval answers.

Guards, hooks and prompts evaluate expressions through the closures first; simpleeval is the
reference. Every expression here is run both ways on the same names and must give the same value
(and type), or both must fail; `evaluate` itself must then give simpleeval's value or its error.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zot.ext import expr
from zot.ext.matchers.paths import glob_match  # noqa: F401  (the functions' modules load as in a run)

NAMES = [
    {"tool": "write", "args": {"path": "src/app.py", "content": "x" * 300, "edits": [{"old_text": "a"}]},
     "cwd": "/p", "project": "/p", "params": {"limit": 100, "protected": [".env", "secrets/**"]},
     "session": {"usage": {"input_tokens": 10, "cost": None}, "tools": {"bash": 2}, "turns": 3, "cost": 0.25},
     "model": "openai/gpt", "git": {"branch": "main", "dirty": True}},
    {"tool": "bash", "args": {"command": "git push --force origin main", "timeout": 5, "items": "shadow"},
     "cwd": "/p/sub", "project": "/p", "params": {}, "session": {"tools": {}, "turns": 0, "cost": 0.0},
     "model": "", "git": {"branch": "", "dirty": False}},
]

EXPRESSIONS = [
    # values, names, attributes and subscripts
    "tool", "args", "args.path", "args['path']", "args.command", "params.limit", "params.protected[0]",
    "session.usage.input_tokens", "session.tools.bash", "session.tools['bash']", "git.branch", "git.dirty",
    "args.edits[0].old_text", "args.items", "args.get('path')", "args.get('nope', 'd')", "args.keys()",
    "sorted(args.keys())", "params.protected[-1]", "args.content[:3]", "args.content[1:10:3]", "value",
    # comparisons, chains, booleans, conditionals
    "tool == 'write'", "tool != 'write' and tool != 'edit'", "1 < 2 < 3", "3 > 2 > 5", "0 < session.turns <= 3",
    "tool in ['write', 'edit']", "'force' in args.command", "'x' not in tool", "args.path is None",
    "None is not args.get('x')", "tool == 'write' or args.command", "not args", "not not tool",
    "len(args.content) > 200 or (tool == 'write' and args.path.endswith('.lock'))",
    "args.path if tool == 'write' else args.command", "session.cost > 0.1 and git.branch == 'main'",
    # arithmetic and the limits
    "1 + 2 * 3 - 4 / 2", "7 // 2 + 7 % 3", "2 ** 10", "-session.turns", "+1", "~5", "5 & 3 | 8",
    "'ab' * 3", "'a' + tool", "[1] + [2]", "'%s-%d' % ('a', 3)", "'x' * 200000", "10 ** 10 ** 10",
    "'%*d' % (5, 1)", "2 ** 0.5",
    # functions and methods
    "len(tool)", "str(5) + 'a'", "int('12') + 1", "abs(-3)", "min(3, 1, 2)", "max([4, 9])", "any([0, 1])",
    "all([])", "lower('AB')", "upper(tool)", "startswith(tool, 'wr')", "endswith(args.get('path', ''), '.py')",
    "re_search('push\\\\s+--force', args.get('command', ''))", "glob('*.py', args.get('path', ''))",
    "basename('/a/b.txt')", "dirname('/a/b.txt')", "tool.upper()", "args.command.split(' ')",
    "' '.join(['a', 'b'])", "'a,b'.replace(',', ';')", "tool.startswith(('w', 'b'))", "'abc'.find('c')",
    "list((1, 2))", "tuple([1])", "dict(a=1)", "set([1, 1])", "sorted([3, 1], reverse=True)",
    "'a'.replace('a', 'b' * 2000000)", "'-'.join(['x'] * 2000000)", "args.path.lower()",
    # compound values
    "[tool, 1, [2]]", "(1, tool)", "{'a': tool, 'b': [1]}", "{1, 2, 2}", "{**params}", "{'k': 1}['k']",
    # what fails, and must fail the same way
    "nope", "args.nope", "args['nope']", "session.usage.nope", "tool.nope", "undefined_fn(1)", "len(5)",
    "1 / 0", "args.path.format", "params.protected[9]", "int('x')", "tool + 1", "args.path.mro",
    "re_search('(', 'x')", "{}.nope", "[1][5]",
]


def shown(value):
    """Bound methods of two wrappings of the same data differ only by identity."""
    return ("method", value.__name__) if callable(value) else value


def both(source: str, names: dict):
    wrapped = expr.wrap_names({**names, "value": names["args"].get("path")})
    fast = expr._compiled(source)

    def run(fn):
        try:
            return ("ok", shown(fn(wrapped)))
        except Exception as exc:  # noqa: BLE001 - the comparison is the point
            return ("error", type(exc).__name__)
    reference = run(lambda w: expr._simpleeval(source, w))
    compiled = None if fast is None else run(fast)
    return reference, compiled, fast


@pytest.mark.parametrize("names", NAMES, ids=["write", "bash"])
@pytest.mark.parametrize("source", EXPRESSIONS)
def test_compiled_and_simpleeval_agree(source: str, names: dict):
    if expr.analyse(source).error:
        pytest.skip("rejected before either evaluator runs")
    reference, compiled, fast = both(source, names)
    if fast is None:
        return          # simpleeval alone evaluates this one
    if reference[0] == "ok":
        assert compiled == reference and type(compiled[1]) is type(reference[1]), source
    else:
        assert compiled[0] == "error", (source, compiled, reference)


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_evaluate_gives_simpleevals_answer_or_error(source: str):
    names = NAMES[0]
    if expr.analyse(source).error:
        pytest.skip("rejected before either evaluator runs")
    reference, _, _ = both(source, names)
    try:
        got = ("ok", shown(expr.evaluate(source, {**names, "value": names["args"].get("path")})))
    except Exception as exc:  # noqa: BLE001
        got = ("error", type(exc).__name__)
    assert got == reference


def test_most_expressions_are_compiled():
    compiled = [s for s in EXPRESSIONS if not expr.analyse(s).error and expr._compiled(s) is not None]
    assert len(compiled) >= len(EXPRESSIONS) * 0.9


ATOMS = st.sampled_from(["tool", "args.path", "args.command", "session.turns", "params.limit", "1", "0", "'a'",
                         "None", "True", "len(tool)", "git.branch", "args.get('timeout', 3)", "session.cost",
                         "[1, 2]", "args"])
BINARY = st.sampled_from([" + ", " - ", " * ", " == ", " != ", " < ", " >= ", " and ", " or ", " in ", " % "])


@st.composite
def expressions(draw, depth: int = 3):
    if depth == 0 or draw(st.booleans()):
        return draw(ATOMS)
    kind = draw(st.integers(0, 3))
    left, right = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    if kind == 0:
        return f"({left}{draw(BINARY)}{right})"
    if kind == 1:
        return f"(not {left})"
    if kind == 2:
        return f"({left} if {right} else {draw(expressions(depth - 1))})"
    return f"str({left})"


@settings(max_examples=400, deadline=None)
@given(source=expressions(), which=st.integers(0, 1))
def test_random_expressions_agree(source: str, which: int):
    reference, compiled, fast = both(source, NAMES[which])
    assert fast is not None
    if reference[0] == "ok":
        assert compiled == reference and type(compiled[1]) is type(reference[1])
    else:
        assert compiled[0] == "error"
