"""What a project's trust is keyed on: every file that can act, never the data extensions write.

Hashed:
- every file under `<project>/.zot/`, except `.zot/data/` (the extensions' data folder); nothing
  else is skipped (`.venv`, `node_modules`, `__pycache__` inside `.zot/` count), links are
  followed and their targets hashed with the link's text;
- every file a project manifest runs, wherever it lives: a script's `exec` and `args`, an MCP
  server's `command`, and the words of `run.argv` in tools, commands, hooks and widgets that name
  an existing file (relative to the extension folder or the project); for a script file (or a
  file an MCP server's arguments name) outside `.zot/`, its whole folder too (unless that folder
  is the project itself or above it).

A folder too large to hash is refused (`TooLarge`), never skipped. File digests are cached by
(size, mtime, ctime, inode), so an unchanged project costs one `stat` per file; ctime cannot be
set back by a process, so a content change always re-reads the file.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Callable, Iterator

from zot.config import zot_home

DATA = "data"                      # .zot/data/: written by extensions, never hashed
MAX_FILES = 20_000
MAX_BYTES = 512 * 1024 * 1024


class TooLarge(Exception):
    """The set to hash is too large: trust is refused rather than partial."""


class _Budget:
    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def spend(self, size: int, where: str) -> None:
        self.files += 1
        self.bytes += size
        if self.files > MAX_FILES or self.bytes > MAX_BYTES:
            raise TooLarge(f"there are more than {MAX_FILES:,} files or {MAX_BYTES // 2**20} MiB to hash (the "
                           f"limit was reached at {where}); keep data an extension writes in .zot/data/ (not "
                           "hashed) or outside .zot/")


class _Cache:
    """sha256 of files by their stat signature, kept per project under $ZOT_HOME/cache/trust/."""

    def __init__(self, project: Path) -> None:
        key = hashlib.sha256(str(project).encode()).hexdigest()[:24]
        self.path = zot_home() / "cache" / "trust" / f"{key}.json"
        try:
            self.old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.old = {}
        self.new: dict[str, list] = {}

    def digest(self, real: str, st: os.stat_result) -> str:
        sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        held = self.old.get(real) if isinstance(self.old, dict) else None
        if isinstance(held, list) and held[:5] == sig and isinstance(held[5], str):
            self.new[real] = held
            return held[5]
        digest = hashlib.sha256()
        with open(real, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        self.new[real] = [*sig, digest.hexdigest()]
        return digest.hexdigest()

    def save(self) -> None:
        if self.new == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.new), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass    # slower next time, never wrong


def _file_entry(path: str, real: str, st: os.stat_result, cache: _Cache, budget: _Budget) -> str:
    """A file's digest; for a link, its text and its target's digest (a dangling link: 'missing').
    `st` is the lstat of `path`; `real` its resolved path."""
    prefix = ""
    try:
        if stat.S_ISLNK(st.st_mode):
            prefix = f"link:{os.readlink(path)}\0"
            st = os.stat(real)
        if not stat.S_ISREG(st.st_mode):
            return prefix + "not-a-file"
        budget.spend(st.st_size, path)
        return prefix + cache.digest(real, st)
    except OSError:
        return prefix + "missing"


def _walk(folder: Path, skip: Path | None) -> Iterator[tuple[str, str, str, os.stat_result]]:
    """(path relative to `folder`, path, resolved path, lstat) of every file below `folder`,
    following links to folders once each, in a stable order."""
    seen: set[str] = set()
    top = str(folder)
    skipped = str(skip) if skip is not None else None
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        real_dir = os.path.realpath(dirpath)
        if real_dir in seen:
            dirnames[:] = []
            continue
        seen.add(real_dir)
        if len(seen) > MAX_FILES:
            raise TooLarge(f"{folder} has more than {MAX_FILES:,} folders for trust to hash")
        dirnames[:] = sorted(d for d in dirnames if os.path.join(dirpath, d) != skipped)
        rel_dir = os.path.relpath(dirpath, top)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            real = os.path.realpath(path) if stat.S_ISLNK(st.st_mode) else os.path.join(real_dir, name)
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            yield rel, path, real, st


def _words(data: dict) -> Iterator[tuple[str, bool]]:
    """(word, is a script's) for every program word a manifest's data names."""
    script = data.get("script") if isinstance(data.get("script"), dict) else data   # extension.json: flat
    for word in [script.get("exec"), *(script.get("args") or [])] if isinstance(script, dict) else []:
        if isinstance(word, str):
            yield word, True
    servers = data.get("mcp") if isinstance(data.get("mcp"), dict) else {}
    for server in servers.values():      # an MCP server's program and the files its arguments name
        command = server.get("command") if isinstance(server, dict) else None
        for i, word in enumerate(command if isinstance(command, list) else []):
            if isinstance(word, str) and "${" not in word:
                yield word, i > 0
    sections = [*(v for s in ("tools", "commands", "widgets") if isinstance(data.get(s), dict)
                  for v in data[s].values()), *(data.get("hooks") or [])]
    for item in sections:
        run = item.get("run") if isinstance(item, dict) else None
        for word in (run.get("argv") or []) if isinstance(run, dict) else []:
            if isinstance(word, str) and "{{" not in word and "{%" not in word:
                yield word, False


def _manifest_data(path: Path) -> dict:
    try:
        if path.name == "extension.json":
            data = json.loads(path.read_text(encoding="utf-8"))
        else:
            from zot.yamlio import load_document

            doc = load_document(path)
            data = doc.plain if not doc.diagnostics else None
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def run_targets(project: Path) -> tuple[list[Path], list[Path]]:
    """(files the project's manifests run, folders of the scripts among them), resolved."""
    from zot.ext.discover import manifest_in

    files: list[Path] = []
    folders: list[Path] = []
    root = project / ".zot" / "extensions"
    children = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in children:
        manifest = manifest_in(folder)
        if manifest is None:
            continue
        for word, is_script in _words(_manifest_data(manifest)):
            for base in (folder, project):
                candidate = Path(os.path.expanduser(word))
                candidate = candidate if candidate.is_absolute() else base / candidate
                if os.sep not in word and base == project:
                    continue      # a bare word is looked up in the extension folder, else on PATH
                if candidate.is_file():
                    real = Path(os.path.realpath(candidate))
                    files.append(real)
                    if is_script:
                        folders.append(real.parent)
                    break
    return files, folders


def collect(project: Path) -> dict[str, str]:
    """key -> digest for everything trust covers. Keys: `.zot/REL` for the folder, `run:PATH` for
    files elsewhere (PATH relative to the project when inside it). Raises TooLarge."""
    project = Path(os.path.realpath(project))
    root = project / ".zot"
    out: dict[str, str] = {}
    if not root.is_dir():
        return out
    cache, budget = _Cache(project), _Budget()
    covered: set[str] = set()
    for rel, path, real, st in _walk(root, root / DATA):
        out[".zot/" + rel] = _file_entry(path, real, st, cache, budget)
        covered.add(real)
    files, folders = run_targets(project)
    extra: list[tuple[str, os.stat_result]] = []
    for folder in folders:
        if folder == project or _inside(project, folder) or _inside(folder, root):
            continue
        extra += [(real, st) for _, _, real, st in _walk(folder, None)]
    for path in files:
        try:
            extra.append((str(path), os.lstat(path)))
        except OSError:
            continue
    for real, st in extra:
        if real in covered:
            continue
        covered.add(real)
        out["run:" + _shown(Path(real), project)] = _file_entry(real, real, st, cache, budget)
    cache.save()
    return out


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _shown(path: Path, project: Path) -> str:
    return path.relative_to(project).as_posix() if _inside(path, project) else str(path)


def digest_of(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for key in sorted(files):
        digest.update(key.encode() + b"\0" + files[key].encode() + b"\n")
    return digest.hexdigest()


def changes(old: dict[str, str], new: dict[str, str]) -> dict[str, list[str]]:
    """Keys added, removed and modified between two collections."""
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
            "modified": sorted(k for k in set(old) & set(new) if old[k] != new[k])}


def describe_changes(found: dict[str, list[str]], limit: int = 3,
                     label: Callable[[str], str] | None = None) -> str:
    """'1 modified (.zot/x), 2 added (...)': the file half of the trust notice (and of a pack's
    "changed since it was installed"). `label` shows a key (default: a `run:` file as its path)."""
    label = label or (lambda key: key.removeprefix("run:"))
    parts = []
    for kind in ("modified", "added", "removed"):
        keys = found.get(kind) or []
        if keys:
            shown = ", ".join(label(k) for k in keys[:limit]) + (", ..." if len(keys) > limit else "")
            parts.append(f"{len(keys)} {kind} ({shown})")
    return ", ".join(parts)
