"""What the locks add to the loader, and the problems that stop an agent run.

Every start-up checks each locked pack and extension against its digest. A tree that is
missing or was changed is not loaded, and it is not quietly left out either: the rules it
carried may be the ones keeping a command from running, so an agent run (and `zot ext
explain`) refuses to start until `zot recipe sync` restores it. The same goes for a lock that
disagrees with its settings file: which of the two the team meant is not zot's guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zot.config import UserError, settings_path
from zot.ext.discover import Found, manifest_in
from zot.ext.packs import checks, lock as lock_mod, store

LOADER_SCOPE = {"project": "project", "user": "global"}


@dataclass
class Scan:
    found: list[Found] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def scan(project: Path) -> Scan:
    out = Scan()
    for scope in lock_mod.SCOPES:
        try:
            lock = lock_mod.read(scope, project)
        except UserError as exc:
            out.problems.append(exc.message)
            continue
        _check_scope(lock, project, out)
    return out


def _check_scope(lock: lock_mod.Lock, project: Path, out: Scan) -> None:
    shown = _shown(lock.path, project)
    for kind in ("pack", "extension"):
        for name, entry in sorted(lock.table(kind).items()):
            problem = store.problem(kind, name, entry["sha256"])
            if problem:
                repair = "restore it" if problem.startswith("its files") else "install it"
                out.problems.append(f"{kind} {name} ({shown}): {problem}; run `zot recipe sync` to {repair}")
                continue
            folder = store.folder(kind, name, entry["sha256"])
            folders = [folder / rel for _, rel in sorted(entry["extensions"].items())] if kind == "pack" else [folder]
            for ext in folders:
                manifest = manifest_in(ext)
                if manifest is not None:
                    out.found.append(Found(manifest, LOADER_SCOPE[lock.scope]))
    out.problems += settings_problems(lock, project)


def settings_problems(lock: lock_mod.Lock, project: Path) -> list[str]:
    """Where the lock and the settings file of its scope disagree, one line each."""
    settings_file = settings_path("project" if lock.scope == "project" else "global", project)
    try:
        raw = settings_file.read_bytes() if settings_file.is_file() else b""
    except OSError:
        raw = b""
    if lock.empty and b"recipes" not in raw and b"source" not in raw:
        return []                   # nothing installed, nothing asked for: no second parse at start-up
    try:
        from zot.yamlio import load_plain_mapping

        settings = load_plain_mapping(settings_file) if raw else {}
    except UserError as exc:
        return [exc.message]
    return checks.consistency(lock, settings, settings_file)


def _shown(path: Path, project: Path) -> str:
    try:
        return str(path.relative_to(project))
    except ValueError:
        return str(path)


def require_intact(project: Path) -> None:
    """Raise a UserError when a locked pack or extension is missing, changed, or disagrees with
    the settings: one line each, saying what differs and how to repair it."""
    problems = scan(project).problems
    if not problems:
        return
    raise UserError("\n".join(problems), "zot does not start without the rules installed packs carry; "
                    "fix the line(s) above first")
