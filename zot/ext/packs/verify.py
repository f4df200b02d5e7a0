"""`zot recipe verify PATH|NAME`: is this archive, folder or installed pack what it claims?

An archive is checked against the digest given with `--sha256` (or its `PATH.sha256` file,
written by `zot recipe pack`), then unpacked into a staging folder and validated; a folder is
validated; an installed pack or extension is hashed against its lock entry.
"""
from __future__ import annotations

from pathlib import Path

from zot.config import UserError
from zot.ext.packs import archive, checks, content, fetch, store, tree
from zot.ext.packs.source import is_archive


def verify(text: str, expected: str | None, project: Path) -> tuple[bool, list[str]]:
    path = Path(text)
    if path.is_file() and is_archive(text):
        return _archive(path, expected)
    if path.is_dir():
        got = content.read(path, text, "pack" if (path / "recipe.yaml").is_file() else "extension")
        return True, [f"ok: {got.kind} {got.name} {got.version} validates; tree sha256 {tree.digest(path)}"]
    return _installed(text, project)


def _archive(path: Path, expected: str | None) -> tuple[bool, list[str]]:
    digest = archive.sha256_file(path)
    origin = "--sha256"
    sidecar = path.with_name(path.name + ".sha256")
    if expected is None and sidecar.is_file():
        expected, origin = sidecar.read_text(encoding="utf-8").split()[0], str(sidecar)
    if expected is not None and expected.lower().removeprefix("sha256:") != digest:
        return False, [f"{path}: sha256 is {digest}, but {origin} says {expected}: the archive is not the one "
                       "that was published; do not install it"]
    with fetch.staging() as scratch:
        archive.extract(path, scratch / "tree")
        root = scratch / "tree"
        got = content.read(root, str(path), "pack" if (root / "recipe.yaml").is_file() else "extension")
        tree_digest = tree.digest(root)
    checked = f" (matches {origin})" if expected else " (no digest to compare: pass --sha256 HEX)"
    return True, [f"ok: {got.kind} {got.name} {got.version}; sha256 {digest}{checked}; tree sha256 {tree_digest}"]


def _installed(name: str, project: Path) -> tuple[bool, list[str]]:
    found = False
    lines: list[str] = []
    ok = True
    for lock in checks.locks(project):
        for kind in ("pack", "extension"):
            entry = lock.table(kind).get(name)
            if entry is None:
                continue
            found = True
            problem = store.problem(kind, name, entry["sha256"])
            if problem:
                ok = False
                lines.append(f"{kind} {name} ({lock.path}): {problem}; run `zot recipe sync` to repair it")
            else:
                lines.append(f"ok: {kind} {name} {entry['version']} ({lock.path}) matches sha256 {entry['sha256']}")
    if not found:
        raise UserError(f"{name} is neither a file, a folder, nor an installed pack or extension",
                        "give a .tar.gz, a folder, or a name from `zot recipe list`")
    return ok, lines
