"""`SOURCE[@REF]`: which kind of source a user named, and the ref they asked for.

A git URL is one that starts with `https://`, `http://`, `ssh://`, `git://`, `file://` or
`git@`, or ends in `.git`; a path to a `.tar.gz` (or `.tgz`) is an archive; anything else is a
folder. A folder that is a git repository and is named with `@REF` is fetched as git.
The `@REF` is looked for after the host part, so `git@host:team/pack.git@v1` and
`ssh://git@host/pack.git` parse as a user would expect.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from zot.config import UserError

GIT_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")
SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:")


@dataclass(frozen=True)
class Source:
    kind: str                 # folder | git | archive
    location: str             # a URL, or a path as the user wrote it
    ref: str | None = None    # git only: tag, branch or commit; None means the default branch

    @property
    def shown(self) -> str:
        return self.location + (f"@{self.ref}" if self.ref else "")

    def path(self, base: Path) -> Path:
        """A folder or archive source's path (relative paths are relative to `base`)."""
        raw = self.location[len("file://"):] if self.location.startswith("file://") else self.location
        path = Path(raw).expanduser()
        return path if path.is_absolute() else base / path


def _path_start(text: str) -> int:
    """Index where a URL's path begins: an `@` before it belongs to the user name."""
    for scheme in GIT_SCHEMES:
        if text.startswith(scheme):
            slash = text.find("/", len(scheme))
            return len(text) if slash < 0 else slash
    match = SCP_LIKE.match(text)
    return match.end() if match else 0


def is_git_url(text: str) -> bool:
    return text.startswith(GIT_SCHEMES) or bool(SCP_LIKE.match(text)) or text.rstrip("/").endswith(".git")


def is_archive(text: str) -> bool:
    return text.endswith((".tar.gz", ".tgz"))


def split_ref(text: str) -> tuple[str, str | None]:
    start = _path_start(text)
    at = text.rfind("@", start)
    if at <= start or at == len(text) - 1:
        return text, None
    return text[:at], text[at + 1:]


def parse(text: str, base: Path, ref: str | None = None) -> Source:
    """The source a user named; `ref` (e.g. `--ref`) wins over an `@REF` in the text."""
    text = text.strip()
    if not text:
        raise UserError("no source given", "give a folder, a git URL (with @REF) or a .tar.gz", code=2)
    location, at_ref = split_ref(text)
    if at_ref is not None and not is_git_url(location) and Source("folder", text).path(base).exists():
        location, at_ref = text, None       # a folder whose name holds an `@`
    ref = ref or at_ref
    if is_git_url(location):
        return Source("git", location, ref)
    path = Source("folder", location).path(base)
    if is_archive(location):
        if ref:
            raise UserError(f"`@{ref}` does not apply to an archive ({location})",
                            "an archive is pinned by its sha256; drop the @REF")
        return Source("archive", location)
    if ref and (path / ".git").exists():
        return Source("git", str(path.resolve()), ref)
    if ref:
        raise UserError(f"`@{ref}` needs a git source, and {location} is not a git repository",
                        "name a git URL (https://, ssh://, git@, file:// or ending in .git), or drop the @REF")
    return Source("folder", location)
