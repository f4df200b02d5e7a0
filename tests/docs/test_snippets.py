"""Every YAML snippet in docs/ is a manifest (or part of one) that `zot ext validate` passes clean,
or a settings file (its first comment says so) that zot reads without a problem.

A snippet that is only a section (`guards:`, `hooks:`, ...) is checked inside a manifest with the
required header; a snippet that names a script file gets an empty file of that name beside it.
The tutorial's snippets are checked together, as the one extension the tutorial builds; a
`yaml file=PATH` block of the tutorial (a mistake on purpose) is checked by tests/docs/test_tutorial.py,
which compares `zot ext validate`'s output with the one the page shows.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from zot.diagnostics import format_text
from zot.ext.validate import validate_paths

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```ya?ml( file=\S+)?\n(.*?)^```", re.S | re.M)


def snippets() -> list[tuple[str, str]]:
    out = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            line = text[:m.start()].count("\n") + 2
            where = f"{page.relative_to(DOCS)}:{line}"
            if m.group(1):      # a file the tutorial writes and validates, showing the output: its test checks it
                assert page.name == "tutorial.md", f"{where}: `yaml file=` blocks are only run by the tutorial test"
                continue
            out.append((where, m.group(2)))
    return out


def as_manifest(name: str, body: str) -> str:
    head = "" if re.search(r"^schema:", body, re.M) else \
        f"schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: a snippet of the docs\n"
    return head + body


def check(folder: Path, text: str) -> list:
    folder.mkdir(parents=True)
    recipe = re.search(r"^schema: zot/recipe/v1", text, re.M) is not None
    path = folder / ("recipe.yaml" if recipe else "extension.yaml")
    path.write_text(text, encoding="utf-8")
    for rel in re.findall(r"- path: (\S+)", text) if recipe else []:
        (folder / rel).mkdir(parents=True)       # the extension folders the recipe names
        (folder / rel / "extension.yaml").write_text(f"schema: zot/extension/v1\nname: {Path(rel).name}\n"
                                                     "version: 1.0.0\ndescription: x\n")
    for word in re.findall(r"^  args: \[(.*)\]", text, re.M)[:1]:
        for name in filter(None, (w.strip() for w in word.split(","))):
            (folder / name).write_text("")        # the script file the snippet names
    return validate_paths([path]).diagnostics


SNIPPETS = [s for s in snippets() if any(ln.strip() and not ln.lstrip().startswith("#") for ln in s[1].splitlines())]
# the tutorial builds one extension step by step: its snippets are checked together, below
ALONE = [s for s in SNIPPETS if not s[0].startswith("tutorial.md")]


def test_the_docs_have_snippets_to_check():
    assert len(SNIPPETS) >= 8
    assert any(where.startswith("tutorial.md") for where, _ in SNIPPETS)


def is_settings(body: str) -> bool:
    """A settings file, as its first comment says (`# .zot/settings.yaml ...`)."""
    return re.match(r"#[^\n]*settings\.yaml", body) is not None


def check_settings(folder: Path, body: str) -> None:
    """Settings have no schema: they must read as a mapping the way zot reads them, and name per
    extension only what zot knows (`enabled`, `params`)."""
    from zot.yamlio import load_plain_mapping

    path = folder / "settings.yaml"
    folder.mkdir(parents=True)
    path.write_text(body, encoding="utf-8")
    data = load_plain_mapping(path)
    for name, entry in (data.get("extensions") or {}).items():
        assert set(entry) <= {"enabled", "params"}, (name, entry)


@pytest.mark.parametrize("where, body", ALONE, ids=[w for w, _ in ALONE])
def test_a_docs_snippet_validates_clean(where, body, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if is_settings(body):
        check_settings(tmp_path / "settings", body)
        return
    diags = check(tmp_path / "snippet", as_manifest("snippet", body))
    assert not diags, f"{where}:\n" + "\n".join(format_text(d) for d in diags)


def test_the_tutorial_snippets_make_one_clean_extension(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parts = [body for where, body in SNIPPETS if where.startswith("tutorial.md")]
    diags = check(tmp_path / "house-rules", as_manifest("house-rules", "".join(parts)))
    assert not diags, "\n".join(format_text(d) for d in diags)
