"""Matchers for `when:` — one per kind, registered in one table, compiled once at load.

`compile_matcher(spec, ctx)` turns a validated `when:` mapping into an object with
`match(subject, value=MISSING) -> bool`.
"""
from __future__ import annotations

from typing import Any, Callable

from zot.ext.matchers import paths, shell, text
from zot.ext.matchers.base import MISSING, CompileCtx, Matcher, MatchError, Subject, ValueMatcher, get_arg
from zot.ext.matchers.combine import All, Any_, Expr, Not

__all__ = ["CompileCtx", "MISSING", "MatchError", "Matcher", "Subject", "compile_matcher", "get_arg"]

# kind -> builder(spec value, whole node, ctx) -> predicate over one value
VALUE_TESTS: dict[str, Callable[[Any, dict, CompileCtx], Callable]] = {
    "regex": lambda v, node, ctx: text.regex(v, bool(node.get("ignore_case"))),
    "glob": lambda v, node, ctx: text.glob(v, bool(node.get("ignore_case"))),
    "equals": lambda v, node, ctx: text.equals(v, bool(node.get("ignore_case"))),
    "in": lambda v, node, ctx: text.one_of(v, bool(node.get("ignore_case"))),
    "contains": lambda v, node, ctx: text.contains(v, bool(node.get("ignore_case"))),
    "path": lambda v, node, ctx: paths.path_test(v, ctx.fail_closed),
}


INHERITED = ("arg", "ignore_case")    # what children of all/any/not take from their parent


def _child(node: dict, parent: dict) -> dict:
    """A combinator's child, with `arg` and `ignore_case` inherited unless it sets its own."""
    if not isinstance(node, dict):
        return node
    missing = {k: parent[k] for k in INHERITED if k in parent and k not in node}
    return {**node, **missing} if missing else node


def compile_matcher(node: dict, ctx: CompileCtx, nested: bool = False) -> Matcher:
    """Compile one validated matcher node; `nested` matchers receive their value from outside."""
    arg = node.get("arg")
    if "all" in node:
        return All([compile_matcher(_child(n, node), ctx, nested) for n in node["all"]])
    if "any" in node:
        return Any_([compile_matcher(_child(n, node), ctx, nested) for n in node["any"]])
    if "not" in node:
        return Not(compile_matcher(_child(node["not"], node), ctx, nested))
    if "expr" in node:
        return Expr(node["expr"], arg)
    if "shell" in node:
        spec = node["shell"]
        inner = compile_matcher(spec["args"], ctx, nested=True) if isinstance(spec.get("args"), dict) else None
        writes = spec.get("writes")
        if writes is True:
            writes = {"path": {"match": "**"}}     # any path at all
        written = compile_matcher(writes, ctx, nested=True) if isinstance(writes, dict) else None
        predicate = shell.shell_test(spec, ctx.fail_closed, inner, written)
        return ValueMatcher(predicate, None if nested else (arg or "command"))
    for kind, build in VALUE_TESTS.items():
        if kind in node:
            if kind == "path":      # shell words (in `shell.args`, written paths) or a path as written
                predicate = paths.path_test(node[kind], ctx.fail_closed, shell_words=nested or arg is None)
            else:
                predicate = build(node[kind], node, ctx)
            if nested:
                return ValueMatcher(predicate, None)
            if kind == "path" and arg is None:
                return ValueMatcher(predicate, None, paths.written_paths)
            if arg is None and ctx.default_arg is None:    # a guard on several tools: each its own
                return ValueMatcher(predicate, None, ctx.default_source)
            return ValueMatcher(predicate, arg or ctx.default_arg)
    raise ValueError(f"matcher has no test: {sorted(node)}")
