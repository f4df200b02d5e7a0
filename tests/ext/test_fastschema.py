"""The compiled schema check answers exactly as jsonschema does.

`zot ext validate` asks zot.ext.fastschema first and runs jsonschema only when it says "no", so a
"yes" that jsonschema would not give hides a problem. Each case compares the two on the same
data: every file of the broken-manifest corpus, the shipped manifests and recipes, the samples,
random mutations of them, tool parameter schemas against the metaschema and param declarations.
"""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from zot.ext import fastschema, schema_check
from zot.ext.fastschema import compile_schema
from zot.yamlio import load_document

from .samples import REPO, VALID, shipped_manifests, starter

CORPUS = Path(__file__).resolve().parent / "corpus"


def _kind(path: Path) -> str:
    return "recipe" if path.name.startswith("recipe") else "extension"


def _corpus() -> list[tuple[str, Any]]:
    """(kind, data) for every YAML file the tests know, broken ones included."""
    out: list[tuple[str, Any]] = []
    paths = sorted(CORPUS.rglob("*.yaml")) + shipped_manifests() + sorted((REPO / "recipes").rglob("recipe.yaml"))
    for path in paths:
        doc = load_document(path)
        if isinstance(doc.plain, dict):
            out.append((_kind(path), doc.plain))
    yaml = YAML(typ="safe", pure=True)
    out += [("extension", yaml.load(VALID)), ("extension", yaml.load(starter()))]
    return out


DATA = _corpus()


def _same(kind: str, data: Any) -> None:
    slow = schema_check.validator(kind).is_valid(data)
    assert schema_check.surely_valid(kind, data) == slow, json.dumps(data, default=str)[:2000]


def test_every_keyword_jsonschema_checks_is_compiled_or_refused():
    """A keyword jsonschema learns in an upgrade must not be skipped by the compiled check."""
    known = set(fastschema.KEYWORDS) | fastschema.UNSUPPORTED | fastschema.IGNORED
    assert set(Draft202012Validator.VALIDATORS) <= known


def test_the_shipped_schemas_compile():
    assert schema_check._fast("extension") is not None
    assert schema_check._fast("recipe") is not None
    assert schema_check._metaschema() is not None


@pytest.mark.parametrize("index", range(len(DATA)))
def test_corpus_file_same_verdict(index: int):
    kind, data = DATA[index]
    _same(kind, data)


def test_the_corpus_has_both_verdicts():
    verdicts = {schema_check.validator(kind).is_valid(data) for kind, data in DATA}
    assert verdicts == {True, False}


# --------------------------------------------------------------------------- mutations

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-3, max_value=10 ** 20) | st.floats(allow_nan=False)
           | st.text(max_size=12) | st.sampled_from(["deny", "confirm", "bash", "1.0", "", "string", "object",
                                                    "tool_result", "30s", "zot/extension/v1", "a-b", "A_B"]))
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["name", "tool", "when", "action", "type", "run", "argv",
                                                       "x", "on", "prompt", "items", "default"]) | st.text(max_size=6),
                                      inner, max_size=3), max_leaves=8)


def _nodes(data: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _nodes(value, path + (i,))
    return found


def _mutate(data: Any, rng: random.Random, junk: Any) -> Any:
    data = copy.deepcopy(data)
    path = rng.choice(_nodes(data)[1:] or [()])
    if not path:
        return data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    move = rng.randrange(4)
    if move == 0:
        parent[path[-1]] = junk                           # replace a value
    elif move == 1 and isinstance(parent, dict):
        del parent[path[-1]]                              # drop a key
    elif move == 2 and isinstance(parent, dict):
        parent[str(junk)[:8] or "k"] = parent[path[-1]]   # an unknown or misspelt key
    elif isinstance(parent[path[-1]], list) and parent[path[-1]]:
        parent[path[-1]].append(parent[path[-1]][0])      # a duplicate item
    else:
        parent[path[-1]] = [parent[path[-1]]]             # a list where one value was
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10 ** 9), junk=JUNK, which=st.integers(0, 10 ** 6))
def test_mutated_manifests_same_verdict(seed: int, junk: Any, which: int):
    kind, data = DATA[which % len(DATA)]
    rng = random.Random(seed)
    for _ in range(1 + seed % 3):
        data = _mutate(data, rng, junk)
    _same(kind, data)


@settings(max_examples=300, deadline=None)
@given(schema=JUNK)
def test_junk_schemas_against_the_metaschema_same_verdict(schema: Any):
    """Tool `parameters` are checked against the 2020-12 metaschema, compiled the same way."""
    slow = Draft202012Validator(Draft202012Validator.META_SCHEMA).is_valid(schema)
    assert schema_check.fits_metaschema(schema) == slow


PARAMS = [
    ({"type": "integer"}, [1, 1.0, 1.5, True, "1", None]),
    ({"type": "number", "minimum": 0, "maximum": 10}, [0, -1, 10.5, 5, False]),
    ({"type": "array", "items": {"type": "string"}}, [[], ["a"], ["a", 1], "a", [None]]),
    ({"type": "string", "enum": ["a", "b"]}, ["a", "c", 1, None]),
    ({"enum": [1, True, [1], {"a": 1}]}, [1, 1.0, True, False, [1], [True], {"a": 1}, {"a": True}]),
    ({"type": ["string", "null"]}, ["x", None, 0]),
    ({"type": "array", "items": {"type": "object", "properties": {"a": {"const": 1}}, "required": ["a"]},
      "uniqueItems": True}, [[{"a": 1}], [{"a": 1}, {"a": 1}], [{"a": 1.0}, {"a": 1}], [{"a": True}], [{}]]),
    ({"type": "array", "items": {"pattern": "^x"}, "minItems": 1}, [[], ["xa"], ["ax"], [1]]),
    ({"type": "str"}, ["a"]),                     # an unknown type: jsonschema decides (it raises)
    ({"items": {"$ref": "#/$defs/nope"}}, [[1]]),  # an unresolvable reference: jsonschema decides
]


@pytest.mark.parametrize("schema,values", PARAMS)
def test_param_declarations_same_verdict(schema: dict, values: list):
    for value in values:
        try:
            slow = Draft202012Validator(schema).is_valid(value)
        except Exception:
            slow = False       # jsonschema raises: the fast path must not claim "valid"
        assert schema_check.fits(schema, value) == slow, (schema, value)


def test_unsupported_keywords_are_refused_not_skipped():
    for keyword, value in [("contains", {"type": "string"}), ("prefixItems", [True]), ("multipleOf", 2),
                           ("unevaluatedProperties", False), ("unevaluatedItems", False)]:
        assert compile_schema({keyword: value}) is None
    assert compile_schema({"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}) is None
    assert compile_schema({"properties": {"a": {"$id": "other", "type": "string"}}}) is None
