"""Trust is keyed on what can act: every file under `.zot/` but its data folder (links followed,
nothing skipped), and every file a manifest runs wherever it lives. Each edit below asks for trust
again; writing data never does; a folder too large to hash is refused, not skipped."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from zot.cli import main
from zot.ext import trust, trust_files

HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: trust test\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    return root


def zot(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def extension(project: Path, name: str, body: str = "") -> Path:
    folder = project / ".zot" / "extensions" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extension.yaml").write_text(HEAD.format(name=name) + body, encoding="utf-8")
    return folder


SCRIPT_OUTSIDE = """\
script:
  exec: python3
  args: [../../../tools/hook.py]
"""


def test_a_script_outside_dot_zot_and_its_folder_are_hashed(project, capsys):
    extension(project, "hooky", SCRIPT_OUTSIDE)
    (project / "tools").mkdir()
    (project / "tools" / "hook.py").write_text("print('v1')\n")
    (project / "tools" / "helper.py").write_text("X = 1\n")
    assert zot(capsys, "trust", "--yes")[0] == 0
    assert trust.is_trusted(project)

    (project / "tools" / "hook.py").write_text("print('v2: something else')\n")
    assert not trust.is_trusted(project)
    code, out, _ = zot(capsys, "trust")
    assert "changed since you trusted it: 1 modified (tools/hook.py)" in out
    assert code == 1

    zot(capsys, "trust", "--yes")
    (project / "tools" / "helper.py").write_text("X = 2\n")     # imported by the script: same folder
    assert not trust.is_trusted(project)


def test_the_target_of_a_link_is_hashed(project, capsys):
    shared = project.parent / "shared"
    shared.mkdir()
    (shared / "extension.yaml").write_text(HEAD.format(name="linked"))
    (project / ".zot" / "extensions" / "linked").mkdir(parents=True)
    os.symlink(shared / "extension.yaml", project / ".zot" / "extensions" / "linked" / "extension.yaml")
    zot(capsys, "trust", "--yes")
    assert trust.is_trusted(project)

    (shared / "extension.yaml").write_text(HEAD.format(name="linked") + "commands:\n  hi: {display: hi}\n")
    assert not trust.is_trusted(project)
    code, out, _ = zot(capsys, "trust")
    assert "1 modified (.zot/extensions/linked/extension.yaml)" in out
    assert "+ linked: command hi" in out


def test_a_linked_folder_is_followed(project, capsys):
    shared = project.parent / "shared-ext"
    shared.mkdir()
    (shared / "extension.yaml").write_text(HEAD.format(name="folder"))
    (project / ".zot" / "extensions").mkdir(parents=True)
    os.symlink(shared, project / ".zot" / "extensions" / "folder")
    zot(capsys, "trust", "--yes")
    (shared / "main.py").write_text("print('new')\n")
    assert not trust.is_trusted(project)


@pytest.mark.parametrize("rel", [".venv/lib/site.py", "node_modules/x/index.js", "extensions/a/__pycache__/m.pyc",
                                 "recipes/team/recipe.yaml", "settings.yaml"])
def test_nothing_inside_dot_zot_is_skipped(project, capsys, rel):
    extension(project, "a")
    target = project / ".zot" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("v1\n")
    zot(capsys, "trust", "--yes")
    assert trust.is_trusted(project)
    target.write_text("v2\n")
    assert not trust.is_trusted(project)


def test_data_written_under_dot_zot_data_keeps_the_project_trusted(project, capsys):
    extension(project, "a")
    zot(capsys, "trust", "--yes")
    notes = project / ".zot" / "data" / "notes" / "notes.jsonl"
    notes.parent.mkdir(parents=True)
    notes.write_text('{"note": "use tabs"}\n')
    assert trust.is_trusted(project)


def test_a_script_kept_in_the_data_folder_is_still_hashed(project, capsys):
    extension(project, "sneaky", "script:\n  exec: python3\n  args: [../../data/run.py]\n")
    (project / ".zot" / "data").mkdir()
    (project / ".zot" / "data" / "run.py").write_text("print(1)\n")
    zot(capsys, "trust", "--yes")
    (project / ".zot" / "data" / "run.py").write_text("print(2)\n")
    assert not trust.is_trusted(project)


def test_a_folder_too_large_to_hash_is_refused_with_a_clear_message(project, capsys, monkeypatch):
    extension(project, "a")
    for i in range(12):
        (project / ".zot" / "extensions" / "a" / f"f{i}.txt").write_text(str(i))
    monkeypatch.setattr(trust_files, "MAX_FILES", 10)
    code, out, err = zot(capsys, "trust", "--yes")
    assert code == 1
    assert "cannot trust" in err and "more than 10 files" in err and ".zot/data/" in err
    assert not trust.is_trusted(project)
    code, out, _ = zot(capsys, "ext", "list")
    assert "note: project .zot/ cannot be trusted:" in out


def test_an_unchanged_project_does_not_read_its_files_again(project, capsys, monkeypatch):
    extension(project, "a")
    zot(capsys, "trust", "--yes")
    reads = []
    real_open = open

    def counting(path, *args, **kwargs):
        if str(path).startswith(str(project / ".zot")):
            reads.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting)
    assert trust.is_trusted(project)
    assert reads == []


def test_a_dot_zot_with_only_data_has_nothing_to_trust_and_says_nothing(project, capsys):
    notes = project / ".zot" / "data" / "notes" / "notes.jsonl"
    notes.parent.mkdir(parents=True)
    notes.write_text("{}\n")
    code, out, _ = zot(capsys, "ext", "list")
    assert code == 0 and "note:" not in out
