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


class Outcome:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Outcome(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def zot(capsys, monkeypatch):
    """Run `zot ARGS` in-process in folder `cwd`; returns exit code and output."""
    from zot.cli import main

    def run(*args: str, cwd) -> Outcome:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        got = capsys.readouterr()
        return Outcome(code, got.out, got.err)
    return run


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    return root
