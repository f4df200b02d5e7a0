"""Expressions turned into Python closures once, so a rule set with thousands of expressions
stays fast (issue 15: 5,000 rules, hundreds of them `expr:` on every `write`).

simpleeval walks the tree on every evaluation, dispatching by node type and re-checking every
intermediate value; that costs ~15 us for a short expression. The closures built here do the
same steps with the same operator functions (simpleeval's, with zot's size limits), the same
attribute rules (no `_`/`func_` names, no `format`/`format_map`/`mro`, getattr then `[name]`),
the same string-literal limit and the same method allowlist, in ~1 us.

They are the fast path only: `zot.ext.expr.evaluate` runs simpleeval whenever a closure raises,
so every error (its type and its words) is simpleeval's own, and an expression with a node kind
this module does not know is never compiled (`compile_expression` returns None). What is not
repeated is simpleeval's scan of each intermediate value for modules and forbidden functions:
the names zot passes are data (JSON values and strings), and the functions are zot's table,
checked against simpleeval's forbidden list when the table is built.
"""
from __future__ import annotations

import ast
from typing import Any, Callable

Compiled = Callable[[dict[str, Any]], Any]

# The key under which a names dict may carry a per-call memo of shared subexpressions. Not an
# identifier, so no expression can read it. Rule sets repeat subexpressions across rules
# (`len(args.content)`, `args.path.endswith('.lock')` in 500 teams' rules that differ only in a
# number): with the memo, each is computed once per call. Only values of pure functions of the
# call are kept (every function and method zot offers is pure, and none mutates what it is
# given); a subtree that reads `value` (each rule's own) or raises is never kept.
MEMO = "\0memo"
_MEMOIZED = (ast.Call, ast.Compare, ast.BoolOp, ast.BinOp, ast.Subscript, ast.IfExp, ast.UnaryOp)


class _NotCompiled(Exception):
    """A node kind or operator this module does not handle: simpleeval evaluates instead."""


class _Fail(Exception):
    """Raised at evaluation where simpleeval would raise its own error (it is asked again)."""


def compile_expression(tree: ast.AST, operators: dict, functions: dict, methods: frozenset,
                       check_method: Callable, namespace: type = dict) -> Compiled | None:
    """A closure computing what simpleeval computes for the parsed `tree` (an expression body),
    or None when the tree holds something only simpleeval handles. `namespace` is the dict type
    whose keys read as attributes (zot.ext.expr.Namespace): its attributes are found without
    raising, which is most of the time saved."""
    from simpleeval import DISALLOW_FUNCTIONS, DISALLOW_METHODS, DISALLOW_PREFIXES, MAX_STRING_LENGTH

    if any(fn in DISALLOW_FUNCTIONS for fn in functions.values()):
        return None          # simpleeval would refuse the whole table: let it say so
    limits = (tuple(DISALLOW_PREFIXES), frozenset(DISALLOW_METHODS), DISALLOW_FUNCTIONS, MAX_STRING_LENGTH)
    try:
        return _Builder(operators, functions, methods, check_method, limits, namespace).compile(tree)
    except _NotCompiled:
        return None


class _Builder:
    def __init__(self, operators: dict, functions: dict, methods: frozenset, check_method: Callable,
                 limits: tuple, namespace: type) -> None:
        self.operators, self.functions, self.methods, self.check_method = operators, functions, methods, check_method
        self.prefixes, self.disallowed_methods, self.disallowed_functions, self.max_string = limits
        self.namespace = namespace
        self.root: ast.AST | None = None

    def compile(self, tree: ast.AST) -> Compiled:
        self.root = tree
        return self.build(tree)

    def build(self, node: ast.AST) -> Compiled:
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            raise _NotCompiled(type(node).__name__)
        compiled = handler(node)
        if isinstance(node, _MEMOIZED) and node is not self.root and not _reads(node, "value"):
            key = ast.dump(node)
            _USES[key] = _USES.get(key, 0) + 1
            return _memoized(key, compiled)
        return compiled

    def _operator(self, op: ast.AST) -> Callable:
        try:
            return self.operators[type(op)]
        except KeyError:
            raise _NotCompiled(type(op).__name__) from None

    # ---------------------------------------------------------------- leaves

    def _Constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if hasattr(value, "__len__") and len(value) > self.max_string:
            raise _NotCompiled("a literal over simpleeval's length limit")
        return lambda names: value

    def _Name(self, node: ast.Name) -> Compiled:
        key, functions = node.id, self.functions

        def name(names: dict) -> Any:
            try:
                return names[key]
            except (TypeError, KeyError):
                pass
            if key in functions:
                return functions[key]
            raise _Fail(key)
        return name

    def _Attribute(self, node: ast.Attribute) -> Compiled:
        attr = node.attr
        if attr.startswith(self.prefixes) or attr in self.disallowed_methods:
            raise _NotCompiled(attr)      # simpleeval refuses it before evaluating anything
        inner, forbidden, namespace = self.build(node.value), self.disallowed_functions, self.namespace
        own = hasattr(namespace, attr)      # a dict method (`get`, `items`, ...) wins over a key

        def attribute(names: dict) -> Any:
            value = inner(names)
            if type(value) is namespace and not own:     # getattr would end in value[attr]
                try:
                    return value[attr]
                except KeyError:
                    raise _Fail(attr) from None
            try:
                item = getattr(value, attr)
            except (AttributeError, TypeError):
                try:
                    item = value[attr]
                except (KeyError, TypeError):
                    raise _Fail(attr) from None
            if callable(item) and item in forbidden:
                raise _Fail(attr)
            return item
        return attribute

    def _Subscript(self, node: ast.Subscript) -> Compiled:
        container, key = self.build(node.value), self.build(node.slice)
        return lambda names: container(names)[key(names)]

    def _Slice(self, node: ast.Slice) -> Compiled:
        parts = [self.build(p) if p is not None else (lambda names: None) for p in (node.lower, node.upper, node.step)]
        lower, upper, step = parts
        return lambda names: slice(lower(names), upper(names), step(names))

    # ---------------------------------------------------------------- operators

    def _BinOp(self, node: ast.BinOp) -> Compiled:
        fn, left, right = self._operator(node.op), self.build(node.left), self.build(node.right)
        return lambda names: fn(left(names), right(names))

    def _UnaryOp(self, node: ast.UnaryOp) -> Compiled:
        fn, operand = self._operator(node.op), self.build(node.operand)
        return lambda names: fn(operand(names))

    def _BoolOp(self, node: ast.BoolOp) -> Compiled:
        values = [self.build(v) for v in node.values]
        if len(values) == 2 and isinstance(node.op, (ast.And, ast.Or)):     # Python's and/or: the same values
            first, second = values
            if isinstance(node.op, ast.And):
                return lambda names: first(names) and second(names)
            return lambda names: first(names) or second(names)
        if isinstance(node.op, ast.And):
            def both(names: dict) -> Any:
                result: Any = False
                for value in values:
                    result = value(names)
                    if not result:
                        break
                return result
            return both
        if isinstance(node.op, ast.Or):
            def either(names: dict) -> Any:
                result: Any = False
                for value in values:
                    result = value(names)
                    if result:
                        break
                return result
            return either
        raise _NotCompiled(type(node.op).__name__)

    def _Compare(self, node: ast.Compare) -> Compiled:
        first = self.build(node.left)
        steps = [(self._operator(op), self.build(comp)) for op, comp in zip(node.ops, node.comparators)]
        if len(steps) == 1:
            fn, second = steps[0]
            return lambda names: fn(first(names), second(names))

        def compare(names: dict) -> Any:
            right = first(names)
            result: Any = True
            for fn, comp in steps:
                if not result:
                    break
                left, right = right, comp(names)
                result = fn(left, right)
            return result
        return compare

    def _IfExp(self, node: ast.IfExp) -> Compiled:
        test, body, orelse = self.build(node.test), self.build(node.body), self.build(node.orelse)
        return lambda names: body(names) if test(names) else orelse(names)

    # ---------------------------------------------------------------- calls

    def _Call(self, node: ast.Call) -> Compiled:
        args = [self.build(a) for a in node.args]
        keywords = [(k.arg, self.build(k.value)) for k in node.keywords]
        if any(key is None for key, _ in keywords):
            raise _NotCompiled("**kwargs")
        if isinstance(node.func, ast.Attribute):
            return self._method(node.func, args, keywords)
        if not isinstance(node.func, ast.Name):
            raise _NotCompiled("a call of something other than a name or a method")
        name, functions, forbidden = node.func.id, self.functions, self.disallowed_functions

        def call(names: dict) -> Any:
            fn = functions.get(name)
            if fn is None or fn in forbidden:
                raise _Fail(name)
            return fn(*(a(names) for a in args), **{k: v(names) for k, v in keywords})
        return call

    def _method(self, func: ast.Attribute, args: list, keywords: list) -> Compiled:
        if func.attr not in self.methods:
            raise _NotCompiled(func.attr)
        bound, name, check = self._Attribute(func), func.attr, self.check_method

        def method(names: dict) -> Any:
            fn = bound(names)
            values = [a(names) for a in args]
            kwargs = {k: v(names) for k, v in keywords}
            values = check(name, getattr(fn, "__self__", None), values, kwargs)
            return fn(*values, **kwargs)
        return method

    # ---------------------------------------------------------------- compound values

    def _List(self, node: ast.List) -> Compiled:
        items = [self.build(e) for e in node.elts]
        return lambda names: [item(names) for item in items]

    def _Tuple(self, node: ast.Tuple) -> Compiled:
        items = [self.build(e) for e in node.elts]
        return lambda names: tuple(item(names) for item in items)

    def _Set(self, node: ast.Set) -> Compiled:
        items = [self.build(e) for e in node.elts]
        return lambda names: {item(names) for item in items}

    def _Dict(self, node: ast.Dict) -> Compiled:
        pairs = [(None if k is None else self.build(k), self.build(v)) for k, v in zip(node.keys, node.values)]

        def mapping(names: dict) -> dict:
            out: dict = {}
            for key, value in pairs:
                if key is None:
                    out.update(value(names))
                else:
                    out[key(names)] = value(names)
            return out
        return mapping


def _reads(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


_USES: dict[str, int] = {}     # subexpression -> how many compiled expressions have it


def _memoized(key: str, compiled: Compiled) -> Compiled:
    """`compiled`, answered from the names' memo when another rule computed it on this call.
    A subexpression only one expression has (`len(x) > 100123`) is not kept: it costs more to
    keep than to compute."""
    uses = _USES

    def memoized(names: dict) -> Any:
        if uses[key] < 2:
            return compiled(names)
        memo = names.get(MEMO)
        if memo is None:
            return compiled(names)
        held = memo.get(key, memo)
        if held is memo:
            held = memo[key] = compiled(names)
        return held
    return memoized
