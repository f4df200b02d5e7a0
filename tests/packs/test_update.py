"""Updates ask again only when what the pack can do changed, and then show the difference."""
from __future__ import annotations

import json

import pytest

from tests.packs.samples import RUN_TOOL, pack_files


@pytest.fixture
def repo(make_repo):
    repo = make_repo("team-rules")
    repo.v1 = repo.commit(pack_files("1.0.0"), tag="v1")
    return repo


def locked(project) -> dict:
    return json.loads((project / ".zot" / "zot.lock").read_text())["packs"]["team-rules"]


def test_update_without_capability_change_does_not_ask(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@main", "--project", "--yes", cwd=project).code == 0
    v2 = repo.commit({"README.md": "docs only\n"})
    got = zot("recipe", "update", "team-rules", "--project", cwd=project)     # no --yes, no terminal
    assert got.code == 0, got
    assert "changes what it can do" not in got.out
    assert f"updated pack team-rules 1.0.0 ({repo.url}@main, commit {v2[:12]})" in got.out
    assert locked(project)["commit"] == v2
    again = zot("recipe", "update", "--project", cwd=project)
    assert f"pack team-rules is up to date ({repo.url}@main, commit {v2[:12]})" in again.out


def test_update_with_capability_change_shows_it_and_asks(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@main", "--project", "--yes", cwd=project).code == 0
    before = locked(project)
    v2 = repo.commit(pack_files("1.1.0", level="max", extra=RUN_TOOL))
    got = zot("recipe", "update", "team-rules", "--project", cwd=project)
    assert got.code == 1
    assert "Updating pack team-rules from " in got.out and "changes what it can do:" in got.out
    assert "  + lint: runs ruff check . (tool lint_all)\n  + lint: tool lint_all: Run the linter\n" in got.out
    assert '  changes params of lint (level="max")' in got.out
    assert "not updated: this needs your consent and there is no terminal to ask" in got.err
    assert locked(project) == before                     # nothing changed
    got = zot("recipe", "update", "team-rules", "--project", "--yes", cwd=project)
    assert got.code == 0, got
    assert locked(project)["commit"] == v2
    assert "level: max" in (project / ".zot" / "settings.yaml").read_text()   # applied again


def test_update_to_another_ref(zot, repo, project):
    assert zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project).code == 0
    v2 = repo.commit({"README.md": "x\n"}, tag="v2")
    got = zot("recipe", "update", "team-rules", "--ref", "v2", "--project", cwd=project)
    assert got.code == 0, got
    assert (locked(project)["ref"], locked(project)["commit"]) == ("v2", v2)
    assert "ref: v2" in (project / ".zot" / "settings.yaml").read_text()


def test_a_declined_question_changes_nothing(zot, repo, project, monkeypatch):
    assert zot("recipe", "install", f"{repo.url}@main", "--project", "--yes", cwd=project).code == 0
    before = locked(project)
    repo.commit(pack_files("1.1.0", extra=RUN_TOOL))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    got = zot("recipe", "update", "team-rules", "--project", cwd=project)
    assert got.code == 1 and "not updated: you declined" in got.err
    assert locked(project) == before
