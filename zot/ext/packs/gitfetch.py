"""Git as argv subprocesses with a timeout: which commit a ref names, and that commit's files.

Never a shell string, never a prompt (a missing credential is an error, not a hang), no hooks
(the scratch repository is made without templates and hooks are pointed at nothing), shallow
when the server allows fetching the one commit.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from zot.config import UserError
from zot.diagnostics import did_you_mean

HEX = re.compile(r"^[0-9a-f]{7,40}$")


def timeout() -> float:
    try:
        return float(os.environ.get("ZOT_GIT_TIMEOUT", "120"))
    except ValueError:
        return 120.0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env["GIT_ASKPASS"] = env.get("GIT_ASKPASS", "")
    return env


def git(args: list[str], cwd: Path | None = None, what: str = "") -> subprocess.CompletedProcess:
    """Run `git ARGS`; a missing git or a timeout is a UserError naming `what`."""
    # no hooks, and never the `ext::` transport (it runs a command named in the URL)
    argv = ["git", "-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never", "-c",
            "advice.detachedHead=false", *args]
    try:
        return subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout(),
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise UserError("git is not installed", "install git to use git sources, or use a folder or .tar.gz") from None
    except subprocess.TimeoutExpired:
        raise UserError(f"git took longer than {timeout():.0f} s for {what or ' '.join(args[:2])}",
                        "check the network, or set ZOT_GIT_TIMEOUT=SECONDS") from None


def _first_error(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:", "ERROR:"))]
    return (fatal or lines or ["no details from git"])[0]


@dataclass(frozen=True)
class Remote:
    url: str
    refs: dict[str, str]           # full ref name -> commit (annotated tags peeled)

    def names(self, prefix: str) -> list[str]:
        return sorted(r[len(prefix):] for r in self.refs if r.startswith(prefix))


def list_refs(url: str) -> Remote:
    out = git(["ls-remote", "--", url], what=f"listing {url}")
    if out.returncode != 0:
        raise UserError(f"cannot reach {url}: {_first_error(out.stderr)}",
                        "check the URL, your network and your git credentials (zot never asks for a password)")
    refs: dict[str, str] = {}
    for line in out.stdout.splitlines():
        sha, _, name = line.partition("\t")
        if name.endswith("^{}"):
            refs[name[:-3]] = sha          # the commit an annotated tag points at
        else:
            refs.setdefault(name, sha)
    return Remote(url, refs)


def resolve(remote: Remote, ref: str | None) -> str | None:
    """The commit `ref` names: a tag, then a branch, then HEAD for no ref. A hex ref that names
    neither is taken as a commit, checked when fetched (returns None)."""
    if ref is None:
        if "HEAD" in remote.refs:
            return remote.refs["HEAD"]
        raise UserError(f"{remote.url} has no default branch", "name a tag, branch or commit with @REF")
    for full in (f"refs/tags/{ref}", f"refs/heads/{ref}", ref if ref.startswith("refs/") else ""):
        if full and full in remote.refs:
            return remote.refs[full]
    if HEX.match(ref):
        return None
    raise unknown_ref(remote, ref)


def unknown_ref(remote: Remote, ref: str) -> UserError:
    tags, heads = remote.names("refs/tags/"), remote.names("refs/heads/")
    known = ", ".join([*(f"tag {t}" for t in tags[-8:]), *(f"branch {b}" for b in heads[:8])]) or "none"
    return UserError(f"{remote.url} has no tag, branch or commit `{ref}` (it has: {known})",
                     did_you_mean(ref, tags + heads) + "name one of those with @REF, or a full commit id")


def fetch(remote: Remote, ref: str | None, dest: Path) -> str:
    """Check out the commit `ref` names into `dest` (which must not exist) without `.git`;
    returns the full commit id."""
    commit = resolve(remote, ref)
    dest.mkdir(parents=True)
    _checked(git(["init", "-q", "--template=", str(dest)], what="git init"), remote.url)
    want = commit or ref or "HEAD"
    got = git(["fetch", "-q", "--depth", "1", "--no-tags", "--", remote.url, want], cwd=dest,
              what=f"fetching {remote.url}")
    if got.returncode != 0:    # an abbreviated commit, or a server that will not send one commit
        got = git(["fetch", "-q", "--no-tags", "--", remote.url, "+refs/heads/*:refs/remotes/o/*",
                   "+refs/tags/*:refs/tags/*"], cwd=dest, what=f"fetching {remote.url}")
        _checked(got, remote.url)
        if commit is None:
            found = git(["rev-parse", "-q", "--verify", f"{ref}^{{commit}}"], cwd=dest)
            if found.returncode != 0:
                raise unknown_ref(remote, str(ref))
            commit = found.stdout.strip()
        want = commit
    else:
        want = "FETCH_HEAD"
    done = git(["checkout", "-q", "--detach", want], cwd=dest, what="checking out")
    _checked(done, remote.url)
    head = git(["rev-parse", "HEAD"], cwd=dest).stdout.strip()
    if commit is not None and head != commit:
        raise UserError(f"{remote.url}: asked for {commit} but git checked out {head}",
                        "this should not happen; try again, or report it")
    _drop_git_dir(dest)
    return head


def _checked(result: subprocess.CompletedProcess, url: str) -> None:
    if result.returncode != 0:
        raise UserError(f"git failed for {url}: {_first_error(result.stderr)}",
                        "check the URL and your git credentials")


def _drop_git_dir(dest: Path) -> None:
    import shutil

    shutil.rmtree(dest / ".git", ignore_errors=True)
