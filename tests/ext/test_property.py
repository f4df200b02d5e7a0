"""Nothing a manifest contains makes the validator raise; every diagnostic says where and what.

Start from valid manifests (the shipped ones, the `zot ext new` starter and a manifest that uses
every section), break them at random, in their data and in their text, and validate the result.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from zot.diagnostics import format_text
from zot.ext.validate import validate_paths

from .samples import VALID, shipped_manifests, starter

RECIPE = """\
schema: zot/recipe/v1
name: team
version: 1.0.0
description: Our team's setup
extensions:
  - git: https://example.com/lint.git
    rev: v1.2.0
    subdir: extensions/lint
    params: {protected: [".env"]}
    enabled: true
settings: {model: "anthropic/claude-sonnet-4-5"}
"""

SEEDS: list[tuple[str, str]] = [("extension.yaml", VALID), ("extension.yaml", starter()),
                                ("recipe.yaml", RECIPE)] + \
    [(p.name, p.read_text(encoding="utf-8")) for p in shipped_manifests()]


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(10 ** 40), max_value=10 ** 40)
           | st.floats() | st.text(max_size=30)
           | st.sampled_from(["{{ args.x }}", "{% if %}", "(?P<", "${HOME}", "30 sec", "deny", "1.0", "~",
                              "", "*", "&a", "!!python/object:os.system", "rm -rf /"]))
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=15)
KEYS = st.text(min_size=1, max_size=16) | st.sampled_from(
    ["schema", "name", "when", "action", "args", "run", "argv", "on", "refresh", "every", "ünïcødé", "🔥"])


def nested(depth: int, leaf: Any, kind: str) -> Any:
    for _ in range(depth):
        leaf = [leaf] if kind == "list" else {"k": leaf}
    return leaf


def node_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += node_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += node_paths(value, prefix + (i,))
    return out


def parent_of(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


@st.composite
def mutated_data(draw, data: Any) -> Any:
    for _ in range(draw(st.integers(1, 4))):
        paths = node_paths(data)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["drop", "replace", "nest", "add_key", "rename"]))
        if not path:
            if op in ("replace", "nest"):
                data = draw(JUNK)
            continue
        parent, key = parent_of(data, path), path[-1]
        if op == "drop":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(JUNK)
        elif op == "nest":
            parent[key] = nested(draw(st.integers(1, 300)), parent[key], draw(st.sampled_from(["list", "dict"])))
        elif op == "add_key" and isinstance(parent[key], dict):
            parent[key][draw(KEYS)] = draw(JUNK)
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(KEYS)] = parent.pop(key)
    return data


@st.composite
def mutated_text(draw, text: str) -> str:
    for _ in range(draw(st.integers(0, 2))):
        lines = text.splitlines(keepends=True) or [""]
        op = draw(st.sampled_from(["duplicate_line", "truncate", "insert", "tab"]))
        at = draw(st.integers(0, len(text)))
        if op == "duplicate_line":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i] if lines[i].endswith("\n") else lines[i] + "\n")
            text = "".join(lines)
        elif op == "truncate":
            text = text[:at]
        elif op == "insert":
            junk = draw(st.text(max_size=20) | st.sampled_from([": ", "{", "[", "'", '"', "\t", "- ", "#", "|\n"]))
            text = text[:at] + junk + text[at:]
        elif op == "tab" and text:
            text = text[:at] + "\t" + text[at + 1:]
    return text


@st.composite
def broken_manifests(draw) -> tuple[str, str]:
    name, seed = draw(st.sampled_from(SEEDS))
    data = draw(mutated_data(_load(seed)))
    try:
        text = _dump(data)
    except Exception:  # a value the dumper cannot write (none expected): mutate the seed's text only
        text = seed
    return name, draw(mutated_text(text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(case=broken_manifests())
def test_validation_never_raises_and_every_diagnostic_has_a_place(case, tmp_path_factory):
    name, text = case
    folder = tmp_path_factory.mktemp("prop")
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    lines = max(1, len(text.splitlines()) + 1)

    report = validate_paths([path])

    for diag in report.diagnostics:
        assert diag.message.strip(), diag
        assert 1 <= diag.line <= lines, (diag, text)
        assert diag.column >= 1, diag
        assert format_text(diag, text)


def test_the_seeds_are_valid(tmp_path):
    for i, (name, text) in enumerate(SEEDS):
        path = tmp_path / str(i) / name
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        # a manifest copied here without the files beside it misses its script: only that may be said
        assert [d for d in validate_paths([path]).diagnostics if d.code != "missing-file"] == [], name


def test_nested_deeper_than_the_parser_allows_is_one_diagnostic(tmp_path):
    path = tmp_path / "extension.yaml"
    path.write_text("schema: zot/extension/v1\nhooks: " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")

    [diag] = validate_paths([path]).diagnostics

    assert (diag.line, diag.column, diag.code, diag.message) == (
        1, 1, "too-deep", "the file nests lists or mappings too deeply to read")


def test_huge_numbers_nan_and_fractions_are_reported_as_wrong_types(tmp_path):
    path = tmp_path / "extension.yaml"
    path.write_text(f"schema: zot/extension/v1\nname: n\nversion: {10 ** 40}\ndescription: .nan\n"
                    "guards:\n  g: {tool: bash, action: warn, reason: r, priority: 1.5}\n", encoding="utf-8")

    diags = validate_paths([path]).diagnostics

    assert [(d.line, d.column, d.code, d.message) for d in diags] == [
        (3, 10, "bad-type", "`version` must be a string, not a number"),
        (4, 14, "bad-type", "`description` must be a string, not a number"),
        (6, 54, "bad-type", "`priority` must be a whole number, not a number")]
