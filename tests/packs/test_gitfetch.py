"""Fetching one commit of a local repository by tag, annotated tag, branch and commit."""
from __future__ import annotations

import pytest

from zot.config import UserError
from zot.ext.packs import gitfetch


@pytest.fixture
def repo(make_repo):
    repo = make_repo("pack")
    repo.first = repo.commit({"recipe.yaml": "v: 1\n"}, tag="v1")
    repo.second = repo.commit({"recipe.yaml": "v: 2\n"}, tag="v2", annotated=True)
    repo.third = repo.commit({"recipe.yaml": "v: 3\n", "extra.txt": "x"})
    repo.dev = repo.commit({"recipe.yaml": "v: dev\n"}, branch="dev")
    return repo


@pytest.mark.parametrize("ref, expected, text", [
    ("v1", "first", "v: 1\n"),
    ("v2", "second", "v: 2\n"),           # annotated: the commit, not the tag object
    ("main", "third", "v: 3\n"),
    ("dev", "dev", "v: dev\n"),
    (None, "third", "v: 3\n"),            # the default branch
])
def test_fetch_by_name(repo, tmp_path, ref, expected, text):
    got = gitfetch.fetch(gitfetch.list_refs(repo.url), ref, tmp_path / "out")
    assert got == getattr(repo, expected)
    assert (tmp_path / "out" / "recipe.yaml").read_text() == text
    assert not (tmp_path / "out" / ".git").exists()


@pytest.mark.parametrize("length", [40, 7])
def test_fetch_by_commit(repo, tmp_path, length):
    got = gitfetch.fetch(gitfetch.list_refs(str(repo.bare)), repo.first[:length], tmp_path / "out")
    assert got == repo.first
    assert (tmp_path / "out" / "recipe.yaml").read_text() == "v: 1\n"


def test_unknown_ref_names_what_exists(repo, tmp_path):
    with pytest.raises(UserError) as err:
        gitfetch.fetch(gitfetch.list_refs(repo.url), "v3", tmp_path / "out")
    assert err.value.message == (f"{repo.url} has no tag, branch or commit `v3` "
                                 "(it has: tag v1, tag v2, branch dev, branch main)")
    assert err.value.hint == "name one of those with @REF, or a full commit id"
    with pytest.raises(UserError) as err:
        gitfetch.fetch(gitfetch.list_refs(repo.url), "v1.0", tmp_path / "out2")
    assert err.value.hint.startswith("did you mean `v1`? ")


def test_unknown_commit(repo, tmp_path):
    with pytest.raises(UserError) as err:
        gitfetch.fetch(gitfetch.list_refs(repo.url), "deadbeef", tmp_path / "out")
    assert err.value.message.startswith(f"{repo.url} has no tag, branch or commit `deadbeef`")


def test_unreachable(tmp_path):
    url = (tmp_path / "nowhere.git").as_uri()
    with pytest.raises(UserError) as err:
        gitfetch.list_refs(url)
    assert err.value.message.startswith(f"cannot reach {url}: fatal: ")
    assert "zot never asks for a password" in err.value.hint
