"""simpleeval expressions (`expr:` matchers, hook `if:`, prompt conditions), checked and bounded.

Expressions are parsed once with Python's `ast`; the checker allows only the node kinds,
names and functions zot provides, so a typo is a validation error rather than a runtime surprise.
Evaluation goes through simpleeval with its power, string and comprehension limits.
"""
from __future__ import annotations

import ast
import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_SOURCE = 2000


def _re_search(pattern: str, text: str) -> bool:
    if len(pattern) > 500:
        raise ValueError("regex is longer than 500 characters")
    return re.search(pattern, str(text)) is not None


FUNCTIONS: dict[str, Any] = {
    "len": len, "str": str, "int": int, "float": float, "bool": bool, "abs": abs,
    "min": min, "max": max, "any": any, "all": all, "sorted": sorted,
    "lower": lambda s: str(s).lower(), "upper": lambda s: str(s).upper(),
    "startswith": lambda s, p: str(s).startswith(p), "endswith": lambda s, p: str(s).endswith(p),
    "re_search": _re_search, "glob": lambda pattern, s: fnmatch.fnmatchcase(str(s), pattern),
    "basename": lambda p: os.path.basename(str(p)), "dirname": lambda p: os.path.dirname(str(p)),
}

ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Constant, ast.Name, ast.Load, ast.Attribute, ast.Subscript, ast.Slice, ast.List, ast.Tuple,
    ast.Dict, ast.Set, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Add, ast.Sub, ast.Mult,
    ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
    ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.keyword, ast.Invert, ast.BitAnd, ast.BitOr,
)
STR_METHODS = {"lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split",
               "splitlines", "replace", "count", "find", "get", "keys", "values", "items", "join"}


@dataclass
class ExprInfo:
    error: tuple[int, str] | None = None     # (column, message)
    names: set[str] = field(default_factory=set)
    attrs: dict[str, set[str]] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def analyse(source: str) -> ExprInfo:
    info = ExprInfo()
    if len(source) > MAX_SOURCE:
        info.error = (1, f"the expression is over {MAX_SOURCE} characters")
        return info
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        info.error = (exc.offset or 1, f"syntax error: {exc.msg}")
        return info
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED_NODES):
            info.error = (getattr(node, "col_offset", 0) + 1,
                          f"`{type(node).__name__}` is not allowed in an expression")
            return info
        if isinstance(node, ast.Attribute):
            if node.attr.startswith("_"):
                info.error = (node.col_offset + 1, f"`{node.attr}`: names starting with `_` are not allowed")
                return info
            if isinstance(node.value, ast.Name):
                info.attrs.setdefault(node.value.id, set()).add(node.attr)
        elif isinstance(node, ast.Name):
            info.names.add(node.id)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
                isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            info.attrs.setdefault(node.value.id, set()).add(node.slice.value)
    # a method call like args.command.startswith("x") reads attribute `startswith`: not a name
    return info


class Namespace(dict):
    """A dict whose keys also read as attributes, so `args.command` and `args["command"]` both work."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return Namespace({k: wrap(v) for k, v in value.items()})
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


@lru_cache(maxsize=4096)
def _parsed(source: str):
    return ast.parse(source.strip(), mode="eval").body


def evaluate(source: str, names: dict[str, Any]) -> Any:
    """Evaluate with simpleeval's limits; raises on error (callers apply `on_error`)."""
    from simpleeval import EvalWithCompoundTypes

    evaluator = EvalWithCompoundTypes(names={k: wrap(v) for k, v in names.items()}, functions=FUNCTIONS)
    return evaluator.eval(source.strip(), previously_parsed=_parsed(source))
