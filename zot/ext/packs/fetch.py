"""A source's files, fetched into a staging folder inside the store (so moving them into the
store is a rename on one file system). The staging folder goes away whatever happens.

Whatever the source, its files are copied once more through `tree.copy_tree`, so what lands
in the store is exactly what the digest covers: no `.git`, no caches, no links.
"""
from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from zot.config import UserError
from zot.ext.packs import archive, gitfetch, store, tree
from zot.ext.packs.source import Source


@dataclass
class Fetched:
    source: Source
    root: Path                  # the staged tree
    commit: str | None = None   # git: the commit checked out


@contextlib.contextmanager
def staging() -> Iterator[Path]:
    """A fresh scratch folder in the store's staging area, removed on the way out."""
    base = store.root() / ".staging"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=base))
    try:
        yield folder
    finally:
        tree.remove_tree(folder)


def fetch(source: Source, base: Path, scratch: Path, commit: str | None = None, subdir: str | None = None
          ) -> Fetched:
    """Put `source`'s files (only those under `subdir`, when given) in `scratch/tree`. `commit`
    (from a lock) wins over the source's ref. Folder and archive paths are relative to `base`."""
    raw, dest = scratch / "raw", scratch / "tree"
    got = None
    if source.kind == "git":
        got = gitfetch.fetch(gitfetch.list_refs(source.location), commit or source.ref, raw)
    else:
        path = source.path(base)
        if not path.exists():
            noun = "file" if source.kind == "archive" else "folder"
            where = "" if str(path) == source.location else f" ({path})"
            raise UserError(f"cannot reach {source.location}: no such {noun}{where}",
                            "check the path; a relative path is relative to the project folder")
        if source.kind == "archive":
            archive.extract(path, raw)
        elif path.is_dir():
            raw = path
        else:
            raise UserError(f"{source.location} is not a folder, a git URL or a .tar.gz",
                            "give a folder holding recipe.yaml or extension.yaml, a git URL, or an archive "
                            "from `zot recipe pack`")
    if subdir:
        inner = raw / subdir
        if not inner.resolve().is_relative_to(raw.resolve()) or not inner.is_dir():
            raise UserError(f"{source.shown} has no folder `{subdir}`", "check the recipe's `subdir:`")
        raw = inner
    dest.mkdir(parents=True)
    tree.copy_tree(raw, dest, source.shown)
    return Fetched(source, dest, got)
