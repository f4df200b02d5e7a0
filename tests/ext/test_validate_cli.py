"""`zot ext validate` as a user runs it: the real console script in a subprocess, in a project."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
ZOT = str(Path(sys.executable).with_name("zot")) if Path(sys.executable).with_name("zot").exists() \
    else shutil.which("zot")

HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: A test extension\n"
BLOCKY = HEAD.format(name="blocky") + """\
guards:
  no-sudo:
    tool: bash
    when: {shell: {program: sudo}}
    action: block
    reason: no sudo
"""
CLEAN = HEAD.format(name="clean") + """\
commands:
  hello:
    description: Greet
    display: hello
"""
# a guard on a tool only its script registers: a warning, not an error
WARNS = HEAD.format(name="scripted") + """\
script: {exec: python3, args: [main.py]}
guards:
  careful:
    tool: deploy
    action: confirm
    reason: deploy now?
"""


def zot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ZOT, *args], cwd=cwd, env=os.environ.copy(), capture_output=True, text=True,
                          timeout=60)


def add_ext(project: Path, name: str, text: str) -> Path:
    path = project / ".zot" / "extensions" / name / "extension.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_text_output_names_the_place_quotes_the_line_and_points_at_the_column(project):
    add_ext(project, "blocky", BLOCKY)

    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 1
    assert out.stdout == (
        ".zot/extensions/blocky/extension.yaml:9:13: error[bad-value]: `block` is not a valid `action`; "
        "expected one of `deny`, `confirm`, `allow`, `warn`, `rewrite`\n"
        "     9 |     action: block\n"
        "       |             ^\n"
        "  hint: did you mean `action: deny`?\n"
        "\n")
    assert out.stderr == "1 error(s), 0 warning(s) in 1 file\n"


def test_a_yaml_error_points_at_the_character(project):
    add_ext(project, "colon", HEAD.format(name="colon") + "guards:\n  g:\n    tool: bash\n    action: deny\n"
            "    reason: no: never\n")

    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        ".zot/extensions/colon/extension.yaml:9:15: error[yaml-syntax]: YAML syntax error: mapping values "
        "are not allowed here",
        "     9 |     reason: no: never",
        "       |               ^",
        '  hint: a value that contains `: ` must be quoted, e.g. reason: "why: because"',
        "",
    ]


def test_json_output_is_a_list_of_diagnostics(project):
    add_ext(project, "blocky", BLOCKY)

    out = zot("ext", "validate", "--format", "json", cwd=project)

    assert out.returncode == 1
    [diag] = json.loads(out.stdout)
    assert {k: diag[k] for k in ("file", "line", "column", "severity", "code", "message", "hint")} == {
        "file": ".zot/extensions/blocky/extension.yaml", "line": 9, "column": 13, "severity": "error",
        "code": "bad-value",
        "message": "`block` is not a valid `action`; expected one of `deny`, `confirm`, `allow`, `warn`, `rewrite`",
        "hint": "did you mean `action: deny`?"}


def test_json_output_of_a_clean_project_is_an_empty_list(project):
    add_ext(project, "clean", CLEAN)

    out = zot("ext", "validate", "--format", "json", cwd=project)

    assert (out.returncode, json.loads(out.stdout)) == (0, [])


def test_a_clean_file_exits_0(project):
    add_ext(project, "clean", CLEAN)

    out = zot("ext", "validate", cwd=project)

    assert (out.returncode, out.stdout, out.stderr) == (0, "ok: 1 file, no problems\n", "")


def test_warnings_alone_exit_0(project):
    add_ext(project, "scripted", WARNS)
    (project / ".zot" / "extensions" / "scripted" / "main.py").write_text("")   # the script it starts

    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 0
    assert out.stdout.startswith(".zot/extensions/scripted/extension.yaml:8:11: warning[unknown-tool]: "
                                 "there is no tool `deploy` (fine if this extension's script registers it)\n")
    assert out.stderr == "0 error(s), 1 warning(s) in 1 file\n"


def test_one_error_among_warnings_exits_1(project):
    add_ext(project, "scripted", WARNS)
    (project / ".zot" / "extensions" / "scripted" / "main.py").write_text("")   # the script it starts
    add_ext(project, "blocky", BLOCKY)

    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 1
    assert out.stderr == "1 error(s), 1 warning(s) in 2 files\n"


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "zot ext: error: unrecognized arguments: --bogus"),
    (["missing.yaml"], "zot: error: no such file or folder: missing.yaml"),
    (["--format", "xml"], "zot ext validate: error: argument --format: invalid choice: 'xml'"),
])
def test_usage_errors_exit_2(project, args, message):
    out = zot("ext", "validate", *args, cwd=project)

    assert out.returncode == 2
    assert message in out.stderr
    assert out.stdout == ""
    assert "Traceback" not in out.stderr


def test_default_targets_are_the_projects_extensions(project):
    add_ext(project, "clean", CLEAN)
    # manifests elsewhere in the project are not extensions of it
    stray = project / "examples" / "broken" / "extension.yaml"
    stray.parent.mkdir(parents=True)
    stray.write_text(BLOCKY, encoding="utf-8")
    (project / ".zot" / "extensions" / "notes").mkdir()
    (project / ".zot" / "extensions" / "notes" / "README.md").write_text("not a manifest\n")

    assert zot("ext", "validate", cwd=project).stdout == "ok: 1 file, no problems\n"
    # the same folder named explicitly is checked
    explicit = zot("ext", "validate", "examples", cwd=project)
    assert explicit.returncode == 1
    assert explicit.stdout.startswith("examples/broken/extension.yaml:9:13: error[bad-value]")


def test_default_targets_work_from_a_subfolder(project):
    add_ext(project, "blocky", BLOCKY)
    (project / "src" / "pkg").mkdir(parents=True)

    out = zot("ext", "validate", cwd=project / "src" / "pkg")

    assert out.returncode == 1
    assert "extensions/blocky/extension.yaml:9:13: error[bad-value]" in out.stdout


def test_no_extensions_at_all_is_not_an_error(project):
    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 0
    assert out.stderr == ("no extensions in this project (.zot/extensions/) or in $ZOT_HOME/extensions; "
                          "run `zot ext new NAME` to start one\n")


def test_a_folder_without_manifests_exits_1(project):
    (project / "empty").mkdir()

    out = zot("ext", "validate", "empty", cwd=project)

    assert out.returncode == 1
    assert out.stderr.startswith("zot: error: no extension.yaml or recipe.yaml below empty\n")


def test_no_corpus_file_makes_zot_crash(tmp_path):
    """Every broken file through the real CLI (one process, to stay fast): exit 1, a diagnostic
    for each file, never a traceback. Each file alone is checked in-process by test_corpus."""
    big = tmp_path / "big.yaml"
    big.write_text("schema: zot/extension/v1\n" + "# pad\n" * 200_000, encoding="utf-8")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"schema: zot/extension/v1\nname: caf\xe9\n")
    files = sorted(CORPUS.rglob("*.yaml")) + [big, latin]

    out = zot("ext", "validate", *map(str, files), cwd=tmp_path)

    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert out.stderr.endswith(f" in {len(files)} files\n")
    reported = {(tmp_path / line.split(":", 1)[0]).resolve() for line in out.stdout.splitlines()
                if ": error[" in line or ": warning[" in line}     # some corpus cases only warn
    silent = [f for f in files if f.resolve() not in reported and f.parent.name != "first"]
    assert not silent, f"no error reported for: {silent}"
