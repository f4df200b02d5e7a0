from __future__ import annotations

import pytest

from zot.tools import builtin_tools, validate_args
from zot.tools import validate as validate_module

SCHEMAS = {t.name: t.parameters for t in builtin_tools()}


@pytest.mark.parametrize("tool, args, expected", [
    ("read", {"path": "a.txt"}, None),
    ("read", {"path": "a.txt", "offset": 3, "limit": 10}, None),
    ("read", {}, "missing required argument: 'path'"),
    ("read", {"path": "a", "offset": 0}, "argument 'offset' must be >= 1, got 0"),
    ("read", {"path": "a", "offset": "5"}, "argument 'offset' must be of type integer, got string \"5\""),
    ("read", {"path": "a", "limit": True}, "argument 'limit' must be of type integer, got boolean true"),
    ("read", {"path": ""}, "argument 'path' must not be empty"),
    ("read", {"path": "a", "lines": 3}, "unexpected argument: 'lines'; allowed: limit, offset, path"),
    ("bash", {"command": "ls", "timeout": 0}, "argument 'timeout' must be >= 1, got 0"),
    ("edit", {"path": "a", "edits": []}, "argument 'edits' must have at least 1 item"),
    ("edit", {"path": "a", "edits": [{"old_text": "x"}]}, "missing required argument in 'edits[0]': 'new_text'"),
    ("edit", {"path": "a", "edits": [{"old": "x", "old_text": "y", "new_text": "z"}]},
     "unexpected argument in 'edits[0]': 'old'; allowed: new_text, old_text"),
    ("grep", {"pattern": "x", "context": -1}, "argument 'context' must be >= 0, got -1"),
    ("grep", {"pattern": "x", "ignore_case": "yes"}, "argument 'ignore_case' must be of type boolean, got string \"yes\""),
])
def test_messages(tool, args, expected):
    assert validate_args(SCHEMAS[tool], args) == expected


def test_several_problems_one_per_line():
    message = validate_args(SCHEMAS["write"], {"content": 3, "mode": "x"})
    assert message.splitlines() == [
        "missing required argument: 'path'",
        "unexpected argument: 'mode'; allowed: content, path",
        "argument 'content' must be of type string, got integer 3",
    ]


def test_not_an_object():
    assert validate_args(SCHEMAS["read"], ["a"]) == "the arguments must be a JSON object, got array"


def test_enum_and_other_keywords():
    schema = {"type": "object", "properties": {"mode": {"enum": ["a", "b"]}, "n": {"type": "integer", "maximum": 3},
                                               "s": {"type": "string", "pattern": "^x"}}}
    assert validate_args(schema, {"mode": "c"}) == "argument 'mode' must be one of \"a\", \"b\", got \"c\""
    assert validate_args(schema, {"n": 4}) == "argument 'n' must be <= 3, got 4"
    assert validate_args(schema, {"s": "y"}) == "argument 's': 'y' does not match '^x'"


def test_validators_are_cached_per_schema():
    schema = {"type": "object"}
    validate_args(schema, {})
    first = validate_module._validator(schema)
    validate_args(schema, {})
    assert validate_module._validator(schema) is first
    assert validate_module._validator({"type": "object"}) is not first
