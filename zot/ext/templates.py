"""Jinja templates inside manifest strings: one sandboxed environment, parsed once.

Templates render in Jinja's immutable sandbox with StrictUndefined, so a template can neither
reach Python internals nor silently print nothing for a misspelt variable. A template is also
bounded in what it costs: every render has a budget of loop iterations and calls
(`MAX_STEPS`), its output stops at `MAX_OUTPUT` characters, the operations that multiply a
string in one step (`*`, `**`, `%`, `replace`, `join`, `indent`, padding methods) are checked
before they run, and a list or mapping is measured before it is printed (`{{ x }}`, `~`,
`string`, `tojson`, `join`), so nested lists that share their items cannot print billions. Exceeding a limit raises `TemplateLimit`, which callers treat like any other
render error.
"""
from __future__ import annotations

import contextvars
import functools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_OUTPUT = 1_000_000      # characters a render may produce (and any one string it builds)
MAX_STEPS = 100_000         # loop iterations plus calls, per render
MAX_INT_BITS = 100_000      # the largest integer `*` or `**` may build (~30,000 digits)
MAX_WIDTH = 10_000          # padding widths and numbers in `%` formats
LOOP_FILTER = "zot_counted_loop"
TEXT_FILTER = "zot_bounded_text"

# str methods a template may call; the padding ones (ljust, center, zfill, expandtabs, format...)
# can build huge strings from one small number, so they are not available.
STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha", "isascii",
    "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle",
    "isupper", "join", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind",
    "rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
    "title", "upper",
})

_steps: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("zot_template_steps", default=None)


@lru_cache(maxsize=1)
def limit_class() -> type:
    """`TemplateLimit`: a jinja2 SecurityError (created lazily: jinja2 loads on first use)."""
    from jinja2.sandbox import SecurityError

    return type("TemplateLimit", (SecurityError,), {"__doc__": "A template went over a limit."})


def _limit_error(message: str) -> Exception:
    return limit_class()(message)


def _step() -> None:
    budget = _steps.get()
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _limit_error(f"the template takes more than {MAX_STEPS:,} loop iterations and calls")


def _check_size(size: int, what: str) -> None:
    if size > MAX_OUTPUT:
        raise _limit_error(f"{what} would build {size:,} characters (the limit is {MAX_OUTPUT:,})")


def replaced_size(text: str, old: str, new: str, count: int = -1) -> int:
    """An upper bound of len(text.replace(old, new, count))."""
    if len(new) <= len(old):
        return len(text)
    times = len(text) + 1 if not old else len(text) // len(old)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(text) + times * (len(new) - len(old))


def percent_ok(fmt: str) -> bool:
    """A `%` format with no `*` width and no width or precision over MAX_WIDTH."""
    specs = re.findall(r"%[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?", fmt.replace("%%", ""))
    return not any(n == "*" or (n.isdigit() and int(n) > MAX_WIDTH) for spec in specs for n in spec)


def _check_percent(fmt: str, values: Any) -> None:
    if not percent_ok(fmt):
        raise _limit_error(f"`%` formats may not use `*` or widths over {MAX_WIDTH:,}")


def _check_repeat(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            _check_size(len(seq) * times, "`*`")
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise _limit_error("`*` would build a number too large")


def _check_power(base: Any, exp: Any) -> None:
    if isinstance(base, int) and isinstance(exp, int) and abs(base) > 1 and \
            max(base.bit_length(), 1) * abs(exp) > MAX_INT_BITS:
        raise _limit_error("`**` would build a number too large")


def _check_str_call(name: str, text: str, args: tuple, kwargs: dict) -> tuple:
    """Check a str method call before it runs; returns the (possibly materialised) args."""
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        _check_size(replaced_size(text, args[0], args[1], count), "`replace`")
    elif name == "join" and args:
        items = list(args[0])
        _check_size(len(text) * max(len(items) - 1, 0) + sum(len(i) for i in items if isinstance(i, str)), "`join`")
        args = (items, *args[1:])
    return args


def _bounded_filter(name: str, fn):
    """A filter that counts as a step and checks the filters that can multiply text."""
    from jinja2.utils import _PassArg

    offset = 0 if _PassArg.from_obj(fn) is None else 1

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _step()
        value, rest = (args[offset], args[offset + 1:]) if len(args) > offset else (None, ())
        if name == "indent":
            width = rest[0] if rest else kwargs.get("width", 4)
            if isinstance(width, int) and isinstance(value, str):
                _check_size(len(value) + (value.count("\n") + 1) * width, "`indent`")
            elif isinstance(width, int) and width > MAX_WIDTH:
                raise _limit_error(f"`indent` widths over {MAX_WIDTH:,} are not allowed")
        elif name == "center" and isinstance(rest[0] if rest else None, int):
            _check_size(rest[0], "`center`")
        elif name == "replace" and isinstance(value, str) and len(rest) >= 2:
            _check_size(replaced_size(value, str(rest[0]), str(rest[1]), rest[2] if len(rest) > 2 else -1),
                        "`replace`")
        elif name == "format" and isinstance(value, str):
            _check_percent(value, rest)
        elif name == "join" and value is not None:
            items = list(value)
            sep = rest[0] if rest else kwargs.get("d", "")
            _check_size(len(str(sep)) * max(len(items) - 1, 0), "`join`")
            text_size(items, "`join`")
            args = (*args[:offset], items, *args[offset + 1:])
        elif name in ("string", "tojson", "pprint", "list", "e", "escape", "safe", "trim"):
            text_size(value, f"`{name}`")
        return fn(*args, **kwargs)
    return wrapper


_CONTAINERS = (list, tuple, dict, set, frozenset)


def text_size(value: Any, what: str = "the value") -> Any:
    """Check that printing ``value`` stays within MAX_OUTPUT before it is printed: a list that
    holds itself ten times, ten levels deep, prints as 10 billion items from a few bytes of
    template. Returns the value unchanged."""
    if not isinstance(value, _CONTAINERS):
        return value
    size, todo, seen = 0, [value], 0
    while todo:
        item = todo.pop()
        seen += 1
        if isinstance(item, dict):
            size += 2 + 4 * len(item)
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, _CONTAINERS):
            size += 2 + 2 * len(item)
            todo.extend(item)
        elif isinstance(item, str):
            size += len(item) + 2
        else:
            size += 8 if isinstance(item, (int, float, bool)) or item is None else len(str(item))
        if size > MAX_OUTPUT or seen > MAX_STEPS:
            raise _limit_error(f"{what} would print more than {MAX_OUTPUT:,} characters")
    return value


def _counted_loop(iterable: Any):
    for item in iterable:
        _step()
        yield item


def _sandbox_class():
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class LimitedSandbox(ImmutableSandboxedEnvironment):
        """The immutable sandbox, with a per-render budget and checks on what multiplies text."""

        intercepted_binops = frozenset({"*", "**", "%"})

        def wrap_str_format(self, value: Any) -> None:
            return None     # str.format / format_map can pad to any width: not available at all

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if isinstance(obj, str) and attr not in STR_METHODS:
                return False
            return super().is_safe_attribute(obj, attr, value)

        def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                _check_repeat(left, right)
            elif operator == "**":
                _check_power(left, right)
            elif operator == "%" and isinstance(left, str):
                _check_percent(left, right)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - as Jinja has it
            _step()
            receiver = getattr(__obj, "__self__", None)
            if isinstance(receiver, str):
                args = _check_str_call(getattr(__obj, "__name__", ""), receiver, args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)

    return LimitedSandbox


@lru_cache(maxsize=1)
def environment():
    from jinja2 import StrictUndefined

    env = _sandbox_class()(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                           finalize=text_size)
    env.filters = {name: _bounded_filter(name, fn) for name, fn in env.filters.items()}
    env.filters[LOOP_FILTER] = _counted_loop
    env.filters[TEXT_FILTER] = text_size
    for name in ("lipsum", "cycler", "joiner"):    # Jinja's toys: nothing a manifest needs
        env.globals.pop(name, None)
    return env


@dataclass
class TemplateInfo:
    """What a template uses: root variables and the attributes read from each root."""

    error: tuple[int, str] | None = None        # (template line, message)
    roots: set[str] = field(default_factory=set)
    attrs: dict[str, set[str]] = field(default_factory=dict)
    chains: set[tuple[str, ...]] = field(default_factory=set)   # `session.usage.cost` -> (session, usage, cost)


def looks_templated(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def _private_name(node) -> str | None:
    """`x.__class__`, `x['__globals__']`, `x|attr('__init__')`: what names a private attribute."""
    from jinja2 import nodes

    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and \
            isinstance(node.arg.value, str) and node.arg.value.startswith("_"):
        return node.arg.value
    if isinstance(node, nodes.Filter) and node.name == "attr" and node.args and \
            isinstance(node.args[0], nodes.Const) and str(node.args[0].value).startswith("_"):
        return str(node.args[0].value)
    return None


@lru_cache(maxsize=4096)
def analyse(source: str) -> TemplateInfo:
    from jinja2 import TemplateSyntaxError, meta, nodes

    info = TemplateInfo()
    env = environment()
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        info.error = (exc.lineno or 1, exc.message or "syntax error")
        return info
    private = [(node, name) for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter))
               if (name := _private_name(node))]
    if private:     # the innermost, i.e. the first one written
        node, name = private[-1]
        info.error = (node.lineno or 1, f"`{name}`: names starting with `_` are not available in "
                      "templates (they lead to Python internals); use the variables the manifest provides")
        return info
    unknown_test = next((n for n in ast.find_all(nodes.Test) if n.name not in env.tests), None)
    if unknown_test is not None:     # Jinja only finds these when the test runs
        info.error = (unknown_test.lineno or 1, f"No test named '{unknown_test.name}'.")
        return info
    try:  # the variable tracker compiles the template: unknown filters and tests surface here
        info.roots = set(meta.find_undeclared_variables(ast))
    except TemplateSyntaxError as exc:
        info.error = (exc.lineno or 1, exc.message or "template error")
        return info
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node
        if isinstance(base, nodes.Name) and base.ctx == "load":
            if isinstance(node, nodes.Getattr):
                info.attrs.setdefault(base.name, set()).add(node.attr)
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                info.attrs.setdefault(base.name, set()).add(node.arg.value)
        chain = _chain(node)
        if chain is not None and chain[0] in info.roots:
            info.chains.add(chain)
    return info


def _chain(node) -> tuple[str, ...] | None:
    """`a.b['c'].d` as ('a', 'b', 'c', 'd'); None when a step is not a plain name."""
    from jinja2 import nodes

    parts: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
        else:
            return None
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return (node.name, *reversed(parts))


@lru_cache(maxsize=4096)
def compile_template(source: str):
    """Parse once; every `{% for %}` loop counts its iterations against the render's budget."""
    from jinja2 import nodes

    env = environment()
    ast = env.parse(source)
    for loop in ast.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
    for concat in ast.find_all(nodes.Concat):     # `a ~ b` prints a and b: bounded like `{{ }}`
        concat.nodes = [nodes.Filter(n, TEXT_FILTER, [], [], None, None, lineno=concat.lineno)
                        for n in concat.nodes]
    return env.from_string(ast)


def render(source: str, context: dict[str, Any]) -> str:
    """Render within the limits; raises jinja2 errors (the caller turns them into an error result)."""
    if not looks_templated(source):   # plain text: no need for Jinja (nor its import at start-up)
        return source
    template = compile_template(source)
    token = _steps.set([MAX_STEPS])
    try:
        pieces: list[str] = []
        size = 0
        for piece in template.generate(**context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise ValueError(f"template output is over {MAX_OUTPUT:,} characters")
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _steps.reset(token)
