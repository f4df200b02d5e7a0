"""simpleeval expressions (`expr:` matchers, hook `if:`, prompt conditions), checked and bounded.

Expressions are parsed once with Python's `ast`; the checker allows only the node kinds,
names, functions and methods zot provides, so a typo is a validation error rather than a runtime
surprise. Evaluation applies the same check first (a rejected expression fails at once), then
goes through simpleeval with its string and comprehension limits, plus zot's: integers stay under
`MAX_INT_BITS`, and `replace`, `join` and `%` may not build more than `MAX_RESULT` characters.
"""
from __future__ import annotations

import ast
import fnmatch
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_SOURCE = 2000


def _re_search(pattern: str, text: str) -> bool:
    """Bounded in time (`regexes`): a regex that runs too long fails the expression."""
    from zot.ext import regexes

    if len(pattern) > 500:
        raise ValueError("regex is longer than 500 characters")
    return regexes.search_text(pattern, str(text))


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
# the methods an expression may call: none of them can pad a string to a size given as a number
STR_METHODS = frozenset({
    "lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit",
    "splitlines", "replace", "count", "find", "rfind", "index", "rindex", "get", "keys", "values", "items",
    "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "casefold", "title",
    "capitalize", "removeprefix", "removesuffix", "partition", "rpartition",
})
MAX_INT_BITS = 100_000      # ~30,000 digits: enough for any count, fast to compute
MAX_RESULT = 1_000_000      # characters one replace / join / % may build


@dataclass
class ExprInfo:
    error: tuple[int, str] | None = None     # (column, message)
    names: set[str] = field(default_factory=set)
    attrs: dict[str, set[str]] = field(default_factory=dict)
    chains: set[tuple[str, ...]] = field(default_factory=set)    # `session.usage.cost` -> its names


def _chain(node: ast.AST) -> tuple[str, ...] | None:
    parts: list[str] = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
        elif isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            parts.append(node.slice.value)
        else:
            return None
        node = node.value
    return (node.id, *reversed(parts)) if isinstance(node, ast.Name) else None


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
        if isinstance(node, (ast.Attribute, ast.Subscript)) and (chain := _chain(node)) is not None:
            info.chains.add(chain)
        if not isinstance(node, ALLOWED_NODES):
            info.error = (getattr(node, "col_offset", 0) + 1,
                          f"`{type(node).__name__}` is not allowed in an expression")
            return info
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr not in STR_METHODS and not node.func.attr.startswith("_"):
            info.error = (node.func.col_offset + 1, f"`{node.func.attr}` is not a method expressions may call; "
                          "methods: " + ", ".join(sorted(STR_METHODS)))
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


class ExpressionError(ValueError):
    """The expression is not allowed or went over a limit."""


def _check_int(value: Any, what: str) -> None:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ExpressionError(f"{what} would build a number of more than {MAX_INT_BITS:,} bits")


def _power(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and abs(a) > 1 and a.bit_length() * abs(b) > MAX_INT_BITS:
        raise ExpressionError(f"`**` would build a number of more than {MAX_INT_BITS:,} bits")
    from simpleeval import safe_power

    return safe_power(a, b)


def _mult(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
        raise ExpressionError(f"`*` would build a number of more than {MAX_INT_BITS:,} bits")
    from simpleeval import safe_mult

    return safe_mult(a, b)


def _mod(a: Any, b: Any) -> Any:
    if isinstance(a, str):
        from zot.ext.templates import MAX_WIDTH, percent_ok

        if not percent_ok(a):
            raise ExpressionError(f"`%` formats may not use `*` or widths over {MAX_WIDTH:,}")
    return a % b


def _check_method(name: str, receiver: Any, args: list, kwargs: dict) -> list:
    """Before a str method runs: would it build more than MAX_RESULT characters?"""
    if not isinstance(receiver, str) or name not in ("replace", "join"):
        return args
    size = 0
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        from zot.ext.templates import replaced_size

        size = replaced_size(receiver, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
    elif name == "join" and args:
        args = [list(args[0]), *args[1:]]
        size = len(receiver) * max(len(args[0]) - 1, 0) + sum(len(x) for x in args[0] if isinstance(x, str))
    if size > max(MAX_RESULT, len(receiver)):
        raise ExpressionError(f"`{name}` would build {size:,} characters (the limit is {MAX_RESULT:,})")
    return args


def _evaluator_class():
    from simpleeval import DEFAULT_OPERATORS, EvalWithCompoundTypes, FeatureNotAvailable

    class Evaluator(EvalWithCompoundTypes):
        """simpleeval with zot's method allowlist and size checks."""

        def _eval_call(self, node):
            if not isinstance(node.func, ast.Attribute):
                return super()._eval_call(node)
            name = node.func.attr
            if name not in STR_METHODS:
                raise FeatureNotAvailable(f"`{name}` is not a method expressions may call")
            func = self._eval(node.func)
            args = [self._eval(a) for a in node.args]
            kwargs = dict(self._eval(k) for k in node.keywords)
            args = _check_method(name, getattr(func, "__self__", None), args, kwargs)
            return func(*args, **kwargs)

    operators = {**DEFAULT_OPERATORS, ast.Pow: _power, ast.Mult: _mult, ast.Mod: _mod}
    return Evaluator, operators


_EVALUATOR: tuple | None = None
_IDLE = threading.local()     # one evaluator per thread, reused: building one cost more than most evaluations


def evaluate(source: str, names: dict[str, Any], memo: dict | None = None) -> Any:
    """Evaluate with simpleeval's limits and zot's; raises on error (callers apply `on_error`).

    The validation check runs first (cached), so an expression `zot ext validate` would reject
    (too long, a node kind or method that is not allowed, `_` names) fails here at once too.
    The compiled closures answer first; whenever they raise, simpleeval evaluates the expression
    again, so an error is always simpleeval's (or zot's limits', which are the same on both).
    `memo` (one per tool call) keeps the wrapped names, so the rules of one call wrap them once."""
    return evaluate_wrapped(source, wrap_names(names, memo))


def evaluate_wrapped(source: str, wrapped: dict[str, Any], fast: Any = None) -> Any:
    """`evaluate` for names already made by `wrap_names` (a matcher builds them once per call).
    `fast`: the expression's closures when the caller kept them (`compiled`): then the source
    analysed clean and is not looked up again."""
    if fast is None:
        info = analyse(source)
        if info.error:
            raise ExpressionError(info.error[1])
        fast = _compiled(source)
    if fast is not None:
        try:
            return fast(wrapped)
        except ExpressionError:      # zot's own limits say the same words on either path
            raise
        except Exception as exc:     # simpleeval answers, with its own error if there is one
            from zot.ext.regexes import RegexTimeout

            if isinstance(exc, RegexTimeout):
                raise                # the regex would only run out of time again
    return _simpleeval(source, wrapped)


def compiled(source: str) -> Any:
    """The closures for an expression that analyses clean (None: evaluate_wrapped decides, and
    raises what it finds). A caller may keep them: both depend on the text alone."""
    info = analyse(source)
    return None if info.error else _compiled(source)


def wrap_names(names: dict[str, Any], memo: dict | None = None) -> dict[str, Any]:
    """Dicts as `Namespace`s (`args.command`), each value once per `memo` (one per tool call)."""
    if memo is None:
        return {k: wrap(v) for k, v in names.items()}
    held = memo.setdefault("expr-wrapped", {})
    out = {}
    for key, value in names.items():
        if not isinstance(value, (dict, list)):
            out[key] = value
            continue
        entry = held.get(id(value))
        if entry is None or entry[0] is not value:   # the value is held, so its id is not reused
            entry = held[id(value)] = (value, wrap(value))
        out[key] = entry[1]
    return out


@lru_cache(maxsize=8192)
def _compiled(source: str):
    """The expression as closures (zot.ext.expr_compile), or None: simpleeval evaluates it."""
    from zot.ext.expr_compile import compile_expression

    _, operators = _evaluator()
    functions = {**FUNCTIONS, "list": list, "tuple": tuple, "dict": dict, "set": set}  # simpleeval's compound types
    return compile_expression(_parsed(source), operators, functions, STR_METHODS, _check_method, Namespace)


def _evaluator() -> tuple:
    global _EVALUATOR
    if _EVALUATOR is None:
        _EVALUATOR = _evaluator_class()
    return _EVALUATOR


def _simpleeval(source: str, wrapped: dict[str, Any]) -> Any:
    cls, operators = _evaluator()
    evaluator = getattr(_IDLE, "evaluator", None)
    _IDLE.evaluator = None           # in use: a nested evaluation (there is none today) builds its own
    if evaluator is None:
        evaluator = cls(operators=operators, names=wrapped, functions=FUNCTIONS)
    evaluator.names = wrapped
    try:
        return evaluator.eval(source.strip(), previously_parsed=_parsed(source))
    finally:
        evaluator.names = None       # the call's values are not kept
        _IDLE.evaluator = evaluator
