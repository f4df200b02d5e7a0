"""The keywords of zot.ext.fastschema: each compiles to a yes/no closure, as jsonschema's own
keyword function (jsonschema/_keywords.py) would answer, and jsonschema's equality.

Like jsonschema's, a keyword that does not apply to the value's type says yes.
"""
from __future__ import annotations

import itertools
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from zot.ext.fastschema import Compiler

Check = Callable[[Any], bool]


class Unsupported(Exception):
    """The schema uses something this compiler does not implement: ask jsonschema instead."""


# keywords jsonschema's Draft 2020-12 validator checks that are not compiled here
UNSUPPORTED = frozenset({"contains", "prefixItems", "unevaluatedItems", "unevaluatedProperties", "multipleOf"})
IGNORED = frozenset({"format"})     # validated only with a format checker, which zot never passes
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _yes(_: Any) -> bool:
    return True


def _no(_: Any) -> bool:
    return False


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


TYPES: dict[str, Check] = {
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "integer": lambda x: (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer()),
    "null": lambda x: x is None,
    "number": _is_number,
    "object": lambda x: isinstance(x, dict),
    "string": lambda x: isinstance(x, str),
}
SIMPLE_TYPES = {"array": list, "boolean": bool, "object": dict, "string": str}


# --------------------------------------------------------------------------- jsonschema's equality


def _unbool(element: Any, true: object = object(), false: object = object()) -> Any:
    if element is True:
        return true
    if element is False:
        return false
    return element


def equal(one: Any, two: Any) -> bool:
    """jsonschema's `equal`: True is not 1, sequences and mappings compared item by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(i, j) for i, j in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and equal(value, two[key]) for key, value in one.items())
    return _unbool(one) == _unbool(two)


def uniq(container: Any) -> bool:
    """jsonschema's `uniq`, step for step (sorted neighbours, else every pair)."""
    try:
        sort = sorted(_unbool(i) for i in container)
        for i, j in zip(sort, itertools.islice(sort, 1, None)):
            if equal(i, j):
                return False
    except (NotImplementedError, TypeError):
        seen: list = []
        for e in container:
            e = _unbool(e)
            if any(equal(i, e) for i in seen):
                return False
            seen.append(e)
    return True


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _yes
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)

    def check(x: Any) -> bool:
        for c in checks:
            if not c(x):
                return False
        return True
    return check


# --------------------------------------------------------------------------- keywords
# each: (compiler, keyword value, the whole schema, base URI) -> Check


def _type(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or any(n not in TYPES for n in names):
        raise Unsupported(f"type {value!r}")
    if all(n in SIMPLE_TYPES for n in names):
        classes = tuple(SIMPLE_TYPES[n] for n in names)
        return lambda x: isinstance(x, classes)
    tests = [TYPES[n] for n in names]
    return lambda x: any(t(x) for t in tests)


def _enum(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not isinstance(value, list):
        raise Unsupported("enum that is not a list")
    if all(isinstance(v, str) for v in value):
        words = frozenset(value)
        return lambda x: isinstance(x, str) and x in words
    return lambda x: any(equal(each, x) for each in value)


def _const(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if isinstance(value, str):
        return lambda x: isinstance(x, str) and x == value
    return lambda x: equal(x, value)


def _properties(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not isinstance(value, dict):
        raise Unsupported("properties that is not a mapping")
    props = {name: c.node(sub, base) for name, sub in value.items()}

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for key, item in x.items():
            test = props.get(key)
            if test is not None and not test(item):
                return False
        return True
    return check


def _additional(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    known = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    rest = c.node(value, base) if isinstance(value, dict) else None
    if rest is None and value is not False:
        if value is True:
            return _yes
        raise Unsupported("additionalProperties that is not a schema")

    def extras(x: dict):
        for key in x:
            if key not in known and not (patterns and re.search(patterns, key)):
                yield key

    if rest is None:
        return lambda x: not isinstance(x, dict) or next(extras(x), None) is None
    return lambda x: not isinstance(x, dict) or all(rest(x[key]) for key in extras(x))


def _pattern_properties(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not isinstance(value, dict):
        raise Unsupported("patternProperties that is not a mapping")
    tests = [(pattern, c.node(sub, base)) for pattern, sub in value.items()]
    return lambda x: not isinstance(x, dict) or all(
        test(v) for pattern, test in tests for k, v in x.items() if re.search(pattern, k))


def _property_names(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    test = c.node(value, base)
    return lambda x: not isinstance(x, dict) or all(test(key) for key in x)


def _required(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not isinstance(value, list):
        raise Unsupported("required that is not a list")
    return lambda x: not isinstance(x, dict) or all(key in x for key in value)


def _items(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if value is False:
        return lambda x: not isinstance(x, list) or not x
    test = c.node(value, base)
    return lambda x: not isinstance(x, list) or all(test(item) for item in x)


def _sized(kind: type, compare: Callable[[int, Any], bool]):
    def build(c: Compiler, value: Any, schema: dict, base: str) -> Check:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unsupported("a size limit that is not a number")
        return lambda x: not isinstance(x, kind) or compare(len(x), value)
    return build


def _bound(compare: Callable[[Any, Any], bool]):
    def build(c: Compiler, value: Any, schema: dict, base: str) -> Check:
        if not _is_number(value):
            raise Unsupported("a bound that is not a number")
        return lambda x: not _is_number(x) or compare(x, value)
    return build


def _unique(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not value:
        return _yes
    return lambda x: not isinstance(x, list) or uniq(x)


def _pattern(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not isinstance(value, str):
        raise Unsupported("a pattern that is not a string")
    try:
        regex = re.compile(value)
    except re.error as exc:
        raise Unsupported(f"a pattern that does not compile: {exc}") from None
    return lambda x: not isinstance(x, str) or regex.search(x) is not None


def _all_of(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    return _all([c.node(sub, base) for sub in _schemas(value)])


def _any_of(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    tests = [c.node(sub, base) for sub in _schemas(value)]
    return lambda x: any(t(x) for t in tests)


def _one_of(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    tests = [c.node(sub, base) for sub in _schemas(value)]

    def check(x: Any) -> bool:
        found = False
        for test in tests:
            if test(x):
                if found:
                    return False
                found = True
        return found
    return check


def _not(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    test = c.node(value, base)
    return lambda x: not test(x)


def _if(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    condition = c.node(value, base)
    then = c.node(schema["then"], base) if "then" in schema else _yes
    other = c.node(schema["else"], base) if "else" in schema else _yes
    return lambda x: then(x) if condition(x) else other(x)


def _dependent_schemas(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not isinstance(value, dict):
        raise Unsupported("dependentSchemas that is not a mapping")
    tests = [(name, c.node(sub, base)) for name, sub in value.items()]
    return lambda x: not isinstance(x, dict) or all(test(x) for name, test in tests if name in x)


def _dependent_required(c: Compiler, value: Any, schema: dict, base: str) -> Check:
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise Unsupported("dependentRequired that is not a mapping of lists")
    return lambda x: not isinstance(x, dict) or all(
        each in x for name, needed in value.items() if name in x for each in needed)


def _schemas(value: Any) -> list:
    if not isinstance(value, list):
        raise Unsupported("a list of schemas that is not a list")
    return value


KEYWORDS: dict[str, Callable[[Compiler, Any, dict, str], Check]] = {
    "type": _type, "enum": _enum, "const": _const, "properties": _properties,
    "additionalProperties": _additional, "patternProperties": _pattern_properties,
    "propertyNames": _property_names, "required": _required, "items": _items,
    "minItems": _sized(list, lambda n, v: n >= v), "maxItems": _sized(list, lambda n, v: n <= v),
    "minLength": _sized(str, lambda n, v: n >= v), "maxLength": _sized(str, lambda n, v: n <= v),
    "minProperties": _sized(dict, lambda n, v: n >= v), "maxProperties": _sized(dict, lambda n, v: n <= v),
    "minimum": _bound(lambda x, v: x >= v), "maximum": _bound(lambda x, v: x <= v),
    "exclusiveMinimum": _bound(lambda x, v: x > v), "exclusiveMaximum": _bound(lambda x, v: x < v),
    "uniqueItems": _unique, "pattern": _pattern, "allOf": _all_of, "anyOf": _any_of, "oneOf": _one_of,
    "not": _not, "if": _if, "dependentSchemas": _dependent_schemas, "dependentRequired": _dependent_required,
    "$ref": lambda c, value, schema, base: c.ref(value, base),
    "$dynamicRef": lambda c, value, schema, base: c.dynamic_ref(value, base),
}
ORDER = {"type": 0, "enum": 0, "const": 0, "required": 0, "$ref": 2, "$dynamicRef": 2, "allOf": 2, "anyOf": 2,
         "oneOf": 2, "if": 2, "not": 2}     # cheap, decisive tests first (the answer does not depend on it)
