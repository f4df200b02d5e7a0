"""The streamed tool-call accumulator, as tables of deltas and the calls they must give."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from zot.llm.accumulate import ToolCallAccumulator, parse_arguments, split_json_objects


def d(index=None, id=None, name=None, args=None):
    """One OpenAI-style tool-call delta; keys left out when None, as servers do."""
    out: dict = {}
    if index is not None:
        out["index"] = index
    if id is not None:
        out["id"] = id
    fn = {}
    if name is not None:
        fn["name"] = name
    if args is not None:
        fn["arguments"] = args
    if fn:
        out["function"] = fn
    return out


def summary(deltas):
    acc = ToolCallAccumulator()
    for delta in deltas:
        acc.add([delta])
    return [(c.id, c.name, c.arguments, c.raw_arguments, c.error) for c in acc.result()]


CASES = [
    ("one piece",
     [d(0, "c1", "read", '{"path": "a.py"}')],
     [("c1", "read", {"path": "a.py"}, '{"path": "a.py"}', None)]),
    ("many small pieces, id and name only on the first",
     [d(0, "c1", "read", "")] + [d(0, args=ch) for ch in '{"path": "a.py"}'],
     [("c1", "read", {"path": "a.py"}, '{"path": "a.py"}', None)]),
    ("empty argument deltas are ignored",
     [d(0, "c1", "read", ""), d(0, args=""), d(0, args='{"a":'), d(0, args=""), d(0, args="1}"), d(0, args="")],
     [("c1", "read", {"a": 1}, '{"a":1}', None)]),
    ("first non-empty id and name are kept",
     [d(0, "", "", '{"a"'), d(0, "c1", "read", ":1"), d(0, "c9", "write", "}")],
     [("c1", "read", {"a": 1}, '{"a":1}', None)]),
    ("two parallel calls, interleaved by index",
     [d(0, "c1", "read", ""), d(1, "c2", "ls", ""), d(0, args='{"p":'), d(1, args='{"d":'),
      d(1, args='"."}'), d(0, args='"x"}')],
     [("c1", "read", {"p": "x"}, '{"p":"x"}', None), ("c2", "ls", {"d": "."}, '{"d":"."}', None)]),
    ("calls come out in index order",
     [d(1, "c2", "ls", "{}"), d(0, "c1", "read", "{}")],
     [("c1", "read", {}, "{}", None), ("c2", "ls", {}, "{}", None)]),
    ("missing index: continues the current call",
     [d(None, "c1", "read", '{"a"'), d(None, None, None, ":1}")],
     [("c1", "read", {"a": 1}, '{"a":1}', None)]),
    ("missing index: a new id starts a new call",
     [d(None, "c1", "read", '{"a":1}'), d(None, "c2", "ls", '{"b":'), d(None, args="2}")],
     [("c1", "read", {"a": 1}, '{"a":1}', None), ("c2", "ls", {"b": 2}, '{"b":2}', None)]),
    ("missing index: a repeated id goes back to its call",
     [d(None, "c1", "read", '{"a"'), d(None, "c2", "ls", "{}"), d(None, "c1", None, ":1}")],
     [("c1", "read", {"a": 1}, '{"a":1}', None), ("c2", "ls", {}, "{}", None)]),
    ("every call numbered 0 (litellm's default when a server omits index)",
     [d(0, "c1", "read", ""), d(0, args='{"a":'), d(0, args="1}"), d(0, "c2", "ls", ""), d(0, args="{}")],
     [("c1", "read", {"a": 1}, '{"a":1}', None), ("c2", "ls", {}, "{}", None)]),
    ("a new id mid-arguments does not start a call",
     [d(0, "c1", "read", '{"a":'), d(0, "c2", "read", "1}")],
     [("c1", "read", {"a": 1}, '{"a":1}', None)]),
    ("index as a numeric string",
     [d("0", "c1", "read", '{"a":'), d(0, args="1}")],
     [("c1", "read", {"a": 1}, '{"a":1}', None)]),
    ("concatenated objects become separate calls with derived ids",
     [d(0, "c1", "read", '{"path": "a"}'), d(0, args='{"path": "b"}')],
     [("c1", "read", {"path": "a"}, '{"path": "a"}', None),
      ("c1_1", "read", {"path": "b"}, '{"path": "b"}', None)]),
    ("concatenated objects with whitespace between",
     [d(0, "c1", "t", '{"a":1}\n {"b":2} {"c":3}')],
     [("c1", "t", {"a": 1}, '{"a":1}', None), ("c1_1", "t", {"b": 2}, '{"b":2}', None),
      ("c1_2", "t", {"c": 3}, '{"c":3}', None)]),
    ("empty arguments mean no arguments",
     [d(0, "c1", "now", "")],
     [("c1", "now", {}, "", None)]),
    ("blank arguments mean no arguments",
     [d(0, "c1", "now", "  ")],
     [("c1", "now", {}, "  ", None)]),
    ("arguments already parsed by the provider",
     [d(0, "c1", "read", {"path": "a"})],
     [("c1", "read", {"path": "a"}, '{"path": "a"}', None)]),
]


@pytest.mark.parametrize("deltas,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_accumulate(deltas, expected):
    assert summary(deltas) == expected


ERROR_CASES = [
    ("unparseable", '{"path": "a.py"', "not valid JSON"),
    ("trailing garbage", '{"a": 1} trailing', "not valid JSON"),
    ("single quotes", "{'a': 1}", "not valid JSON"),
    ("an array", "[1, 2]", "must be a JSON object, not an array"),
    ("a string", '"a.py"', "must be a JSON object, not a string"),
    ("null", "null", "must be a JSON object, not null"),
    ("a number", "3", "must be a JSON object, not a number"),
    ("object then array", '{"a":1}[2]', "not valid JSON"),
]


@pytest.mark.parametrize("raw,message", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_bad_arguments_are_reported_never_silently_empty(raw, message):
    [(call_id, name, arguments, raw_arguments, error)] = summary([d(0, "c1", "read", raw)])
    assert (call_id, name, arguments, raw_arguments) == ("c1", "read", {}, raw)
    assert error is not None and message in error


def test_truncated_output_is_named_as_the_likely_cause():
    acc = ToolCallAccumulator()
    acc.add([d(0, "c1", "write", '{"content": "abc')])
    [call] = acc.result(truncated=True)
    assert "not valid JSON" in call.error and "output token limit" in call.error


def test_missing_name_is_an_error():
    [(_, name, arguments, _, error)] = summary([d(0, "c1", None, '{"a":1}')])
    assert (name, arguments) == ("", {"a": 1})
    assert error == "the tool call has no tool name"


def test_missing_id_gets_a_unique_generated_one():
    a = summary([d(0, None, "read", "{}"), d(1, None, "ls", "{}")])
    ids = [row[0] for row in a]
    assert all(i.startswith("call_") for i in ids) and len(set(ids)) == 2


def test_objects_with_attributes_like_litellm_deltas():
    fn = SimpleNamespace(name="read", arguments='{"a":')
    acc = ToolCallAccumulator()
    acc.add([SimpleNamespace(index=0, id="c1", type="function", function=fn)])
    acc.add([SimpleNamespace(index=0, id=None, type="function",
                             function=SimpleNamespace(name=None, arguments="1}"))])
    [call] = acc.result()
    assert (call.id, call.name, call.arguments, call.error) == ("c1", "read", {"a": 1}, None)


def test_nothing_fed_gives_no_calls():
    acc = ToolCallAccumulator()
    acc.add(None)
    acc.add([])
    assert not acc and acc.result() == []


@pytest.mark.parametrize("raw,expected", [
    ("", ({}, None)),
    ('{"a": [1, {"b": null}]}', ({"a": [1, {"b": None}]}, None)),
])
def test_parse_arguments(raw, expected):
    assert parse_arguments(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ('{"a":1}', [({"a": 1}, '{"a":1}')]),
    ('{"a":1}{"b":2}', [({"a": 1}, '{"a":1}'), ({"b": 2}, '{"b":2}')]),
    ('{"a":1}{"b":', None),
    ('{"a":1}[]', None),
    ("", None),
])
def test_split_json_objects(raw, expected):
    assert split_json_objects(raw) == expected
