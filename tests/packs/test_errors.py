"""Errors a person can act on: each names what is wrong and what to do, and changes nothing."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.packs.samples import LINT, pack_files

RECIPE_ONLY = """\
schema: zot/recipe/v1
name: {name}
version: 1.0.0
description: A recipe
extensions:
  - name: python
    params: {{python: {python}}}
"""


def store_dir() -> Path:
    return Path(os.environ["ZOT_HOME"]) / "store"


def snapshot(project: Path) -> dict[str, str | None]:
    """Everything an install may change: lock, settings, store listing."""
    files = [project / ".zot" / "zot.lock", project / ".zot" / "settings.yaml"]
    out = {str(f): f.read_text() if f.exists() else None for f in files}
    out["store"] = " ".join(sorted(str(p.relative_to(store_dir())) for p in store_dir().rglob("*"))) \
        if store_dir().exists() else ""
    return out


@pytest.fixture
def repo(make_repo):
    repo = make_repo("team-rules")
    repo.commit(pack_files("1.0.0"), tag="v1")
    return repo


def test_unreachable_git_source(zot, project, tmp_path):
    url = (tmp_path / "gone.git").as_uri()
    got = zot("recipe", "install", f"{url}@v1", "--project", "--yes", cwd=project)
    assert got.code == 1
    assert got.err.startswith(f"zot: error: cannot reach {url}: fatal: ")
    assert "hint: check the URL, your network and your git credentials" in got.err
    assert not (project / ".zot").exists()


def test_missing_folder_source(zot, project):
    got = zot("ext", "install", "./nope", "--yes", cwd=project)
    assert got.code == 1
    assert got.err.splitlines()[0] == f"zot: error: cannot reach {project / 'nope'}: no such folder"


def test_unknown_ref(zot, repo, project):
    got = zot("recipe", "install", f"{repo.url}@v9", "--project", "--yes", cwd=project)
    assert got.code == 1
    assert got.err.splitlines()[0] == \
        f"zot: error: {repo.url} has no tag, branch or commit `v9` (it has: tag v1, branch main)"
    assert not (project / ".zot").exists()


@pytest.mark.parametrize("rel, old, new, where, line", [
    ("extensions/lint/extension.yaml", "action: deny", "action: block",
     "extensions/lint/extension.yaml:11:13: error[bad-value]: `block` is not a valid `action`", "  11 |     action: block"),
    ("recipe.yaml", "version: 1.0.0", "version: one", "recipe.yaml:3:10: error[", "   3 | version: one"),
])
def test_a_pack_that_does_not_validate_installs_nothing(zot, make_repo, project, rel, old, new, where, line):
    repo = make_repo("bad")
    files = pack_files("1.0.0")
    files[rel] = files[rel].replace(old, new)
    repo.commit(files, tag="v1")
    got = zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project)
    assert got.code == 1
    lines = got.err.splitlines()
    assert lines[0] == f"zot: error: {repo.url}@v1 does not validate (1 error(s)); nothing was installed"
    assert lines[1].startswith(where)
    assert line in got.err
    assert not (project / ".zot").exists()
    assert not (store_dir() / "packs").exists()


def test_name_clash_with_a_shipped_extension(zot, make_repo, project):
    repo = make_repo("clash")
    files = pack_files("1.0.0")
    files["extensions/lint/extension.yaml"] = LINT.format(version="1.0.0", extra="").replace("name: lint", "name: git")
    files["recipe.yaml"] = files["recipe.yaml"].replace("  - name: git\n", "")
    repo.commit(files, tag="v1")
    got = zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project)
    assert got.code == 1
    shipped = Path(__file__).resolve().parents[2] / "extensions" / "git"
    assert got.err.splitlines()[0] == (
        f"zot: error: name clash: extension git of pack team-rules ({repo.url}@v1) has the same name as "
        f"the shipped extension git ({shipped})")
    assert not (project / ".zot").exists()


def test_name_clash_with_another_pack(zot, repo, make_repo, project):
    assert zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project).code == 0
    other = make_repo("other")
    files = pack_files("1.0.0")
    files["recipe.yaml"] = files["recipe.yaml"].replace("name: team-rules", "name: other-rules")
    other.commit(files, tag="v1")
    before = snapshot(project)
    got = zot("recipe", "install", f"{other.url}@v1", "--project", "--yes", cwd=project)
    assert got.code == 1
    assert got.err.splitlines()[0] == (
        f"zot: error: name clash: extension lint of pack other-rules ({other.url}@v1) has the same name as "
        f"extension lint of pack team-rules ({repo.url}, installed for this project)")
    assert snapshot(project) == before


def test_two_packs_with_different_params_for_one_extension(zot, make_repo, project):
    one, two = make_repo("one"), make_repo("two")
    one.commit({"recipe.yaml": RECIPE_ONLY.format(name="one", python="python3")}, tag="v1")
    two.commit({"recipe.yaml": RECIPE_ONLY.format(name="two", python="python3.12")}, tag="v1")
    assert zot("recipe", "install", f"{one.url}@v1", "--project", "--yes", cwd=project).code == 0
    before = snapshot(project)
    got = zot("recipe", "install", f"{two.url}@v1", "--project", "--yes", cwd=project)
    assert got.code == 1
    assert got.err.splitlines()[0] == (
        f"zot: error: packs two ({two.url}@v1) and one ({one.url}) set different params for extension python: "
        '`python` is "python3.12" in two and "python3" in one')
    assert "hint: remove one of them (`zot recipe remove one`), or make the recipes agree" in got.err
    assert snapshot(project) == before


def _explain(zot, project):
    return zot("ext", "explain", "--tool", "bash", "--args", '{"command": "ls"}', cwd=project)


def test_a_lock_entry_without_its_settings_entry(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project).code == 0
    settings = project / ".zot" / "settings.yaml"
    text = settings.read_text()
    settings.write_text(text[text.index("extensions:"):])       # someone dropped the recipes: entry
    got = _explain(zot, project)
    assert got.code == 1
    assert got.err.splitlines()[0] == (
        f"zot: error: {project / '.zot' / 'zot.lock'} pins recipe team-rules, but {settings} does not list it: "
        "run `zot recipe remove team-rules` to drop it, or list it again under `recipes:` with its source")
    assert zot("recipe", "remove", "team-rules", "--project", "--yes", cwd=project).code == 0
    assert _explain(zot, project).code == 0


def test_a_settings_entry_without_its_lock_entry(zot, repo, project):
    (project / ".zot").mkdir()
    settings = project / ".zot" / "settings.yaml"
    settings.write_text(f"# our team's packs\nrecipes:\n  team-rules: {{source: {repo.url}, ref: v1}}\n")
    assert zot("trust", "--yes", cwd=project).code == 0
    got = _explain(zot, project)
    assert got.code == 1
    assert got.err.splitlines()[0] == (
        f"zot: error: {settings} lists recipe team-rules, but {project / '.zot' / 'zot.lock'} does not pin it: "
        "run `zot recipe update team-rules` to install and lock it")
    got = zot("recipe", "update", "team-rules", "--project", "--yes", cwd=project)
    assert got.code == 0, got
    assert settings.read_text().startswith("# our team's packs\n")
    assert _explain(zot, project).code == 0


def test_a_failed_update_leaves_the_previous_state(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@main", "--project", "--yes", cwd=project).code == 0
    before = snapshot(project)
    repo.commit({"extensions/lint/extension.yaml": "schema: zot/extension/v1\nname: lint\n"})
    got = zot("recipe", "update", "team-rules", "--project", "--yes", cwd=project)
    assert got.code == 1
    assert "does not validate" in got.err and "extensions/lint/extension.yaml:1:1: error[" in got.err
    assert snapshot(project) == before
    assert _explain(zot, project).code == 0
    assert not list((store_dir() / ".staging").iterdir())


def test_a_damaged_lock_file_is_named(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project).code == 0
    lock = project / ".zot" / "zot.lock"
    data = json.loads(lock.read_text())
    data["packs"]["team-rules"]["sha256"] = "nope"
    lock.write_text(json.dumps(data))
    got = _explain(zot, project)
    assert got.code == 1
    assert got.err.splitlines()[0] == f"zot: error: {lock}: at packs → team-rules → sha256: 'nope' does not match " \
                                      "'^[0-9a-f]{64}$'"



def test_a_project_recipe_cannot_turn_off_safety(zot, make_repo, project):
    repo = make_repo("lax")
    repo.commit({"recipe.yaml": "schema: zot/recipe/v1\nname: lax\nversion: 1.0.0\ndescription: Lax\n"
                                "extensions:\n  - name: safety\n    enabled: false\n"}, tag="v1")
    got = zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project)
    assert got.code == 1
    assert got.err.splitlines()[0] == "zot: error: recipe lax turns off safety, which a project cannot do"
    assert not (project / ".zot").exists()
    assert zot("recipe", "install", f"{repo.url}@v1", "--yes", cwd=project).code == 0     # for yourself: yes
    got = zot("recipe", "apply", "lax", "--project", cwd=project)
    assert got.code == 1 and "turns off safety, which a project cannot do" in got.err
