"""Installing a pack from git at a tag, a branch and a commit, and what that changes."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.packs.samples import pack_files


@pytest.fixture
def repo(make_repo):
    repo = make_repo("team-rules")
    repo.v1 = repo.commit(pack_files("1.0.0"), tag="v1.0.0", annotated=True)
    repo.v2 = repo.commit(pack_files("1.1.0"), tag="v1.1.0")
    return repo


def lock_of(project: Path) -> dict:
    return json.loads((project / ".zot" / "zot.lock").read_text())


@pytest.mark.parametrize("ref, expected, version", [
    ("v1.0.0", "v1", "1.0.0"), ("main", "v2", "1.1.0"), ("COMMIT", "v1", "1.0.0")])
def test_install_at_tag_branch_commit(zot, repo, project, ref, expected, version):
    ref = repo.v1 if ref == "COMMIT" else ref
    got = zot("recipe", "install", f"{repo.url}@{ref}", "--project", "--yes", cwd=project)
    assert got.code == 0, got
    entry = lock_of(project)["packs"]["team-rules"]
    assert (entry["source"], entry["ref"], entry["commit"], entry["version"]) == \
        (repo.url, ref, getattr(repo, expected), version)
    assert entry["extensions"] == {"lint": "extensions/lint"}
    assert entry["turns_on"] == {"lint": {"level": "high"}, "git": {}}
    store = Path(os.environ["ZOT_HOME"]) / "store" / "packs" / "team-rules" / entry["sha256"]
    assert (store / "extensions" / "lint" / "extension.yaml").is_file()
    assert f"installed pack team-rules {version} ({repo.url}@{ref}, commit {getattr(repo, expected)[:12]})" in got.out
    settings = (project / ".zot" / "settings.yaml").read_text()
    assert f"source: {repo.url}" in settings and "lint:" in settings


def test_installed_rules_apply(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@v1.0.0", "--project", "--yes", cwd=project).code == 0
    assert zot("trust", "--yes", cwd=project).code == 0
    got = zot("ext", "explain", "--tool", "bash", "--args", '{"command": "git push --force"}', cwd=project)
    assert got.code == 0, got
    assert "decision: deny" in got.out and "lint:no-force-push" in got.out


def test_installing_into_a_trusted_project_keeps_it_trusted(zot, repo, project):
    (project / ".zot").mkdir()
    (project / ".zot" / "settings.yaml").write_text("# ours\n")
    assert zot("trust", "--yes", cwd=project).code == 0
    assert zot("recipe", "install", f"{repo.url}@v1.0.0", "--project", "--yes", cwd=project).code == 0
    got = zot("ext", "explain", "--tool", "bash", "--args", '{"command": "git push --force"}', cwd=project)
    assert "decision: deny" in got.out, got
    assert zot("recipe", "remove", "team-rules", "--project", "--yes", cwd=project).code == 0
    assert "is already trusted" in zot("trust", cwd=project).out


def test_an_untrusted_project_applies_its_packs_deny_rules(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@v1.0.0", "--project", "--yes", cwd=project).code == 0
    assert zot("trust", "--revoke", cwd=project).code == 0
    got = zot("ext", "explain", "--tool", "bash", "--args", '{"command": "git push --force"}', cwd=project)
    assert got.code == 0, got
    assert "decision: deny" in got.out and "lint:no-force-push" in got.out
    rows = {r["name"]: r for r in json.loads(zot("ext", "list", "--format", "json", cwd=project).out)}
    assert rows["lint"]["state"] == "restricted"
