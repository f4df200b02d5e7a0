"""Local git repositories for the sharing tests: a working copy that commits and a bare clone
that zot installs from (by `file://` URL or plain path). Never the network."""
from __future__ import annotations

import subprocess
from pathlib import Path

GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
           "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}


def run_git(*args: str, cwd: Path) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.strip()


class Repo:
    """`work` is where files are written and committed; `bare` is what zot fetches from."""

    def __init__(self, base: Path, name: str) -> None:
        self.work = base / f"{name}-work"
        self.bare = base / f"{name}.git"
        self.work.mkdir(parents=True)
        run_git("init", "-q", "-b", "main", cwd=self.work)
        run_git("init", "-q", "--bare", "-b", "main", str(self.bare), cwd=base)
        run_git("remote", "add", "origin", str(self.bare), cwd=self.work)

    @property
    def url(self) -> str:
        return self.bare.as_uri()

    def commit(self, files: dict[str, str | None], message: str = "change", tag: str | None = None,
               annotated: bool = False, branch: str = "main") -> str:
        """Write (or, for None, delete) files, commit, optionally tag, push; returns the commit."""
        for rel, text in files.items():
            path = self.work / rel
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        run_git("add", "-A", cwd=self.work)
        run_git("commit", "-q", "--allow-empty", "-m", message, cwd=self.work)
        if tag:
            run_git("tag", *(["-a", "-m", tag] if annotated else []), tag, cwd=self.work)
        run_git("push", "-q", "--tags", "origin", f"HEAD:refs/heads/{branch}", cwd=self.work)
        return run_git("rev-parse", "HEAD", cwd=self.work)
