"""`SOURCE[@REF]` as a user types it: which kind of source, and which ref."""
from __future__ import annotations

from pathlib import Path

import pytest

from zot.config import UserError
from zot.ext.packs.source import Source, parse


@pytest.mark.parametrize("text, kind, location, ref", [
    ("https://github.com/acme/pack.git", "git", "https://github.com/acme/pack.git", None),
    ("https://github.com/acme/pack.git@v1.2.0", "git", "https://github.com/acme/pack.git", "v1.2.0"),
    ("https://github.com/acme/pack@main", "git", "https://github.com/acme/pack", "main"),
    ("https://user@host.example/pack.git", "git", "https://user@host.example/pack.git", None),
    ("https://user@host.example/pack.git@v2", "git", "https://user@host.example/pack.git", "v2"),
    ("ssh://git@host.example/team/pack.git@feature/x", "git", "ssh://git@host.example/team/pack.git", "feature/x"),
    ("git@github.com:acme/pack.git", "git", "git@github.com:acme/pack.git", None),
    ("git@github.com:acme/pack.git@4fb86d0", "git", "git@github.com:acme/pack.git", "4fb86d0"),
    ("file:///srv/repos/pack.git@v1", "git", "file:///srv/repos/pack.git", "v1"),
    ("../repos/pack.git", "git", "../repos/pack.git", None),
    ("../repos/pack.git@v1", "git", "../repos/pack.git", "v1"),
    ("dist/team-1.0.0.tar.gz", "archive", "dist/team-1.0.0.tar.gz", None),
    ("packs/team", "folder", "packs/team", None),
])
def test_parse(text, kind, location, ref, tmp_path):
    assert parse(text, tmp_path) == Source(kind, location, ref)


def test_ref_option_wins_over_at_ref(tmp_path):
    assert parse("https://h.example/p.git@v1", tmp_path, ref="v2").ref == "v2"


def test_folder_with_at_in_its_name(tmp_path):
    (tmp_path / "team@work").mkdir()
    assert parse("team@work", tmp_path) == Source("folder", "team@work")


def test_git_folder_with_ref_is_git(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    got = parse("repo@v1", tmp_path)
    assert (got.kind, got.ref, Path(got.location)) == ("git", "v1", (tmp_path / "repo").resolve())


@pytest.mark.parametrize("text, message", [
    ("plain@v1", "`@v1` needs a git source, and plain is not a git repository"),
    ("x.tar.gz@v1", "`@v1` does not apply to an archive (x.tar.gz)"),
    ("  ", "no source given"),
])
def test_parse_errors(text, message, tmp_path):
    with pytest.raises(UserError) as err:
        parse(text, tmp_path)
    assert err.value.message == message
