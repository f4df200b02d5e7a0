from __future__ import annotations

import pytest

from tests.packs.gitrepo import GIT_ENV, Repo


@pytest.fixture(autouse=True)
def git_env(monkeypatch):
    """git reads no system or user config (HOME is a temporary folder already) and commits with
    a fixed identity and date, so commit ids are the same on every run."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def make_repo(tmp_path):
    def make(name: str = "pack") -> Repo:
        return Repo(tmp_path / "repos", name)
    return make
