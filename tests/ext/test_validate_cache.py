"""`zot ext validate` skips parsing files that were clean before, and hides nothing by it.

A file whose exact bytes were clean (same zot, same schemas) is not parsed or schema-checked
again; its own checks, the cross-file checks and the proofs run every time, because they may
depend on other files. The CLI cases run the real console script.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from zot.ext import validate

from .test_validate_cli import BLOCKY, CLEAN, HEAD, WARNS, ZOT, add_ext


def zot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ZOT, *args], cwd=cwd, env=os.environ.copy(), capture_output=True, text=True,
                          timeout=60)


def markers() -> list[Path]:
    folder = Path(os.environ["ZOT_HOME"]) / "cache" / "clean"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_clean_file_is_remembered_and_the_rerun_says_the_same(project):
    add_ext(project, "clean", CLEAN)

    first = zot("ext", "validate", cwd=project)
    second = zot("ext", "validate", cwd=project)

    assert first.stdout == second.stdout == "ok: 1 file, no problems\n"
    [marker] = markers()
    assert json.loads(marker.read_text())["name"] == "clean"


def test_a_changed_file_is_checked_again(project):
    path = add_ext(project, "clean", CLEAN)
    assert zot("ext", "validate", cwd=project).returncode == 0

    path.write_text(CLEAN.replace("display: hello", "display: hello\n    colour: red"), encoding="utf-8")
    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 1
    assert "error[unknown-key]: unknown key `colour`" in out.stdout


def test_a_file_with_a_problem_of_its_own_is_never_remembered(project):
    add_ext(project, "blocky", BLOCKY)

    for _ in range(2):
        out = zot("ext", "validate", cwd=project)
        assert "error[bad-value]: `block` is not a valid `action`" in out.stdout
    assert markers() == []


def test_a_problem_found_across_files_is_reported_on_every_run(project):
    """The file is clean on its own (and remembered); the warning needs the other files."""
    add_ext(project, "scripted", WARNS)

    for _ in range(2):
        out = zot("ext", "validate", cwd=project)
        assert "warning[unknown-tool]" in out.stdout


def test_cross_file_checks_run_on_remembered_files(project):
    add_ext(project, "clean", CLEAN)
    assert zot("ext", "validate", cwd=project).returncode == 0

    add_ext(project, "again", CLEAN)        # a second extension of the same name
    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 1
    assert "duplicate" in out.stdout and "`clean`" in out.stdout


def test_a_recipe_whose_extension_folder_went_away_is_reported(project):
    ext = add_ext(project, "lint", HEAD.format(name="lint") + "commands:\n  hi:\n    description: Hi\n"
                  "    display: hi\n")
    recipe = project / ".zot" / "recipes" / "team" / "recipe.yaml"
    recipe.parent.mkdir(parents=True)
    recipe.write_text("schema: zot/recipe/v1\nname: team\nversion: 1.0.0\ndescription: Our setup\n"
                      f"extensions:\n  - path: {ext.parent}\n", encoding="utf-8")
    assert zot("ext", "validate", str(recipe), cwd=project).returncode == 0
    assert len(markers()) == 1

    shutil.rmtree(ext.parent)
    out = zot("ext", "validate", str(recipe), cwd=project)

    assert out.returncode == 1
    assert "error[missing-extension]: there is no extension.yaml in" in out.stdout


def test_proofs_run_on_remembered_files(project):
    """A's test calls B's tool; B now requires an argument A's test does not give."""
    tool_b = HEAD.format(name="bee") + ("tools:\n  bee_tool:\n    description: B\n    parameters: {type: object, "
                                        "properties: {x: {type: string}}REQ}\n    template: hi\n")
    add_ext(project, "bee", tool_b.replace("REQ", ""))
    add_ext(project, "ay", HEAD.format(name="ay") + "guards:\n  g:\n    tool: bash\n    when: {regex: x}\n"
            "    action: deny\n    reason: no\ntests:\n  - tool_call: {tool: bee_tool, args: {}}\n"
            "    expect: allow\n")
    assert zot("ext", "validate", cwd=project).returncode == 0

    add_ext(project, "bee", tool_b.replace("REQ", ", required: [x]"))
    out = zot("ext", "validate", cwd=project)

    assert out.returncode == 1
    assert "ay/extension.yaml" in out.stdout and "error[example-failed]" in out.stdout


def test_no_cache_parses_every_file(project):
    """Shown with a marker changed behind zot's back: the default run trusts it, --no-cache does not."""
    add_ext(project, "clean", CLEAN)
    add_ext(project, "other", CLEAN.replace("name: clean", "name: other").replace("hello:", "howdy:"))
    zot("ext", "validate", cwd=project)
    [marker] = [m for m in markers() if json.loads(m.read_text())["name"] == "other"]
    marker.write_text(json.dumps({**json.loads(marker.read_text()), "name": "clean"}))

    trusted = zot("ext", "validate", cwd=project)
    fresh = zot("ext", "validate", "--no-cache", cwd=project)

    assert trusted.returncode == 1 and "duplicate" in trusted.stdout
    assert (fresh.returncode, fresh.stdout) == (0, "ok: 2 files, no problems\n")


@pytest.mark.parametrize("change", ["version", "schemas"])
def test_a_new_zot_or_new_schemas_check_everything_again(tmp_path, monkeypatch, change):
    path = tmp_path / "clean" / "extension.yaml"
    path.parent.mkdir()
    path.write_text(CLEAN, encoding="utf-8")
    validate.check_file(path, cache=True)
    [marker] = markers()
    marker.write_text(json.dumps({**json.loads(marker.read_text()), "name": "from-the-cache"}))
    assert validate.check_file(path, cache=True).data["name"] == "from-the-cache"

    if change == "version":
        monkeypatch.setattr("zot.__version__", "999.0.0")
    else:
        monkeypatch.setattr(validate, "_SCHEMAS", b"other schemas")

    assert validate.check_file(path, cache=True).data["name"] == "clean"
