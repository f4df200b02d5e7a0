"""`zot ext validate` on a corpus of broken manifests: each gets exactly the diagnostics it expects.

Every case in `tests/ext/corpus/` is a file (or a folder of files validated together) whose first
lines say what the validator must report, in that same file:

    # expect: LINE:COL CODE message fragment      (an error)
    # warn: LINE:COL CODE message fragment        (a warning)
    # hint: fragment of the hint of the diagnostic expected just above

Each expected diagnostic must be present at exactly that line and column with that code and
severity, its message containing the fragment; and nothing else may be reported, so noise is a
failure too. A file whose name starts with `recipe` is checked as a recipe.

Cases 77 to 122 are issue 16's mutations: each a mistake that used to leave a rule quietly dead
or broken (`python -m pytest tests/ext/test_corpus.py` runs the whole corpus).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from zot.diagnostics import Diagnostic, format_text
from zot.ext.validate import validate_paths
from zot.yamlio import MAX_BYTES

from .samples import VALID

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECT = re.compile(r"^# (expect|warn): (\d+):(\d+) ([a-z-]+) (.+)$")
HINT = re.compile(r"^# hint: (.+)$")
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir() or p.suffix == ".yaml")


@dataclass(frozen=True)
class Expected:
    file: Path
    line: int
    column: int
    code: str
    fragment: str
    hint: str = ""
    severity: str = "error"

    def matches(self, diag: Diagnostic) -> bool:
        return (Path(diag.file).resolve() == self.file.resolve() and (diag.line, diag.column, diag.code)
                == (self.line, self.column, self.code) and self.fragment in diag.message
                and diag.severity == self.severity)

    def __str__(self) -> str:
        return f"{self.file.name}:{self.line}:{self.column} {self.code} {self.fragment!r}" + \
            (f" hint {self.hint!r}" if self.hint else "")


def manifest_files(case: Path) -> list[Path]:
    return sorted(case.rglob("*.yaml")) if case.is_dir() else [case]


def expectations(path: Path) -> list[Expected]:
    out: list[Expected] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := EXPECT.match(line):
            out.append(Expected(path, int(m[2]), int(m[3]), m[4], m[5],
                                severity="error" if m[1] == "expect" else "warning"))
        elif (h := HINT.match(line)) and out:
            last = out.pop()
            out.append(Expected(last.file, last.line, last.column, last.code, last.fragment, h[1], last.severity))
        else:
            break
    return out


def shown(diags: list[Diagnostic]) -> str:
    return "\n".join(format_text(d) for d in diags) or "(nothing)"


ISSUE_16 = [c for c in CASES if c.name.split("-")[0].isdigit() and 77 <= int(c.name.split("-")[0]) <= 122]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 45
    # issue 16: every mistake that used to leave a rule quietly dead, by its code
    codes = {line.split()[3] for case in ISSUE_16 for line in case.read_text().splitlines()
             if line.startswith(("# expect:", "# warn:"))}
    assert len(ISSUE_16) == 46 and {
        "unknown-argument", "never-matches", "bad-glob", "absolute-glob", "yaml-syntax", "regex-quoting",
        "unknown-attribute", "bad-template", "undeclared-variable", "command-line", "missing-file",
        "not-on-path", "misplaced-key", "untrusts-project", "example-failed"} <= codes
    assert sum(1 for c in CASES for f in manifest_files(c) if f.name.startswith("recipe")) >= 2


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_corpus_case(case: Path, monkeypatch):
    monkeypatch.chdir(case if case.is_dir() else case.parent)
    files = manifest_files(case)
    expected = [e for f in files for e in expectations(f)]
    assert expected, f"{case.name}: no `# expect:` line"

    report = validate_paths(files)
    diags = report.diagnostics

    if any(e.severity == "error" for e in expected):
        assert report.errors >= 1, f"{case.name} must yield an error; got:\n{shown(diags)}"
    else:
        assert report.errors == 0 and report.warnings >= 1, f"{case.name} must warn only; got:\n{shown(diags)}"
    for exp in expected:
        found = [d for d in diags if exp.matches(d)]
        assert found, f"expected {exp}\ngot:\n{shown(diags)}"
        if exp.hint:
            assert any(exp.hint in d.hint for d in found), f"expected {exp}\ngot:\n{shown(found)}"
    unexpected = [d for d in diags if not any(
        Path(d.file).resolve() == e.file.resolve() and (d.line, d.column, d.code) == (e.line, e.column, e.code)
        for e in expected)]
    assert not unexpected, f"{case.name}: unexpected diagnostics:\n{shown(unexpected)}"
    for d in diags:
        assert d.message and "Traceback" not in d.message


def test_a_file_over_one_mib_is_refused_without_parsing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    big = tmp_path / "extension.yaml"
    head = "schema: zot/extension/v1\nname: big\nversion: 1.0.0\ndescription: Too big\n"
    big.write_text(head + "# padding\n" * (MAX_BYTES // 10 + 1), encoding="utf-8")
    size = big.stat().st_size

    [diag] = validate_paths([big]).diagnostics

    assert (diag.file, diag.line, diag.column, diag.code) == ("extension.yaml", 1, 1, "file-too-large")
    assert diag.message == f"the file is {size:,} bytes; the limit is 1,048,576"
    assert "split it into several extensions" in diag.hint


def test_non_utf8_bytes_are_pointed_at(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "extension.yaml"
    path.write_bytes(b"schema: zot/extension/v1\nname: cafe\nversion: 1.0.0\ndescription: Caf\xe9 au lait\n")

    [diag] = validate_paths([path]).diagnostics

    assert (diag.line, diag.column, diag.code) == (4, 17, "encoding")
    assert diag.message == "byte 0xe9 is not valid UTF-8"
    assert diag.hint == "save the file as UTF-8"


def test_a_valid_manifest_next_to_the_corpus_is_clean(tmp_path, monkeypatch):
    """The control: the same checks pass a correct manifest that uses every section."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "extension.yaml"
    path.write_text(VALID, encoding="utf-8")

    report = validate_paths([path])

    assert report.diagnostics == []



def test_an_unknown_filter_is_a_template_error_not_a_crash(tmp_path):
    from zot.ext.validate import validate_paths

    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "extension.yaml").write_text(
        "schema: zot/extension/v1\nname: x\nversion: 1.0.0\ndescription: x\n"
        "hooks:\n  - on: input\n    log: {line: '{{ event.text | t }}'}\n")
    diags = validate_paths([folder / "extension.yaml"]).diagnostics
    assert [(d.line, d.code) for d in diags] == [(7, "bad-template")]
    assert "No filter named 't'" in diags[0].message
