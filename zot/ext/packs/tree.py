"""A tree of files as zot installs it: copied without links or caches, hashed, listed.

The digest is what the lock pins and what loading checks, so it depends only on what an
installed extension can read: each file's relative path, whether it is executable, and its
bytes. It does not depend on mtimes, owners or the order the file system lists entries in, so
a folder, a git checkout and a `.tar.gz` of the same content give the same digest.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

from zot.config import UserError
from zot.ext.trust_files import changes as differences, describe_changes, digest_of  # noqa: F401 (this module's API)

# never part of an installed tree: version control, caches, virtual environments
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
                       ".pytest_cache", ".ruff_cache"})
# compiled Python, and archives of packs (`zot recipe pack .` writes one into the folder it packs)
SKIP_SUFFIXES = (".pyc", ".pyo", ".tar.gz", ".tgz", ".tar.gz.sha256")
MAX_FILES = 5000
MAX_BYTES = 50 * 1024 * 1024


def files_of(root: Path, where: str = "") -> list[str]:
    """Relative posix paths of the files below `root`, sorted, skipping caches. A symbolic link
    or a special file is refused: an installed tree holds plain files only."""
    out: list[str] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        for name in list(dirnames):
            if (base / name).is_symlink():
                _refuse_link(root, base / name, where)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in filenames:
            path = base / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                _refuse_link(root, path, where)
            if not stat.S_ISREG(mode):
                raise UserError(f"{where or root}: {path.relative_to(root).as_posix()} is not a regular file",
                                "a pack holds plain files and folders only")
            if name.endswith(SKIP_SUFFIXES):
                continue
            total += path.stat().st_size
            out.append(path.relative_to(root).as_posix())
    if len(out) > MAX_FILES or total > MAX_BYTES:
        raise UserError(f"{where or root} is too large to install: {len(out)} files, {total:,} bytes",
                        f"a pack may hold at most {MAX_FILES} files and {MAX_BYTES // 1024 // 1024} MiB")
    return sorted(out)


def _refuse_link(root: Path, path: Path, where: str) -> None:
    raise UserError(f"{where or root}: {path.relative_to(root).as_posix()} is a symbolic link",
                    "a pack holds plain files only; replace the link with the file it points to")


def is_executable(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IXUSR)


def file_entry(root: Path, rel: str) -> str:
    """`x` or `-`, then the file's sha256: one line of the per-file listing."""
    path = root / rel
    return ("x" if is_executable(path) else "-") + hashlib.sha256(path.read_bytes()).hexdigest()


def listing(root: Path, where: str = "") -> dict[str, str]:
    """Each file's relative path -> `file_entry`."""
    return {rel: file_entry(root, rel) for rel in files_of(root, where)}


def digest(root: Path, where: str = "") -> str:
    """The tree's sha256 (hex): over each file's path, executable bit and content hash."""
    return digest_of(listing(root, where))


def describe(diff: dict[str, list[str]], limit: int = 3) -> str:
    """`2 modified (a, b), 1 removed (c)`: one line for a message."""
    return describe_changes(diff, limit, label=str) or "no file differs"


def copy_tree(src: Path, dest: Path, where: str = "") -> None:
    """Copy the files `files_of` lists, keeping only the executable bit of each file's mode."""
    for rel in files_of(src, where):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target)
        target.chmod(0o755 if is_executable(src / rel) else 0o644)


def make_read_only(root: Path) -> None:
    """Installed files are not meant to be edited in place: an edit is tampering, and loading
    refuses it. Read-only files make an accidental edit fail loudly instead."""
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            path.chmod(0o555 if is_executable(path) else 0o444)


def remove_tree(root: Path) -> None:
    """Remove an installed tree (its files are read-only, its folders are not, so this works)."""
    if root.exists():
        shutil.rmtree(root)
