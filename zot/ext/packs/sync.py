"""`zot recipe sync`: make the store hold exactly what the locks pin.

An entry whose tree is in the store with the right digest is left alone. Any other is fetched
again at the locked commit (never the ref: a branch may have moved) and accepted only when its
digest is the locked one, so a teammate gets byte-identical content or a clear refusal. Sync
asks nothing: what a lock pins was consented to when it was installed, and `zot trust` shows it
before a project's packs load. One entry failing does not stop the others.
"""
from __future__ import annotations

from pathlib import Path

from zot.config import UserError
from zot.ext.packs import fetch, lock as lock_mod, store, tree
from zot.ext.packs.install import Target, for_git
from zot.ext.packs.source import Source, is_archive


def source_of(entry: dict) -> Source:
    if entry.get("commit"):
        return Source("git", entry["source"], entry.get("ref"))
    return Source("archive" if is_archive(entry["source"]) else "folder", entry["source"])


def sync_entry(kind: str, name: str, entry: dict, target: Target) -> str:
    """One line saying what happened; raises UserError when the entry cannot be restored."""
    if store.problem(kind, name, entry["sha256"]) is None:
        return f"ok        {kind} {name} {entry['version']}"
    source = source_of(entry)
    with fetch.staging() as scratch:
        got = fetch.fetch(for_git(source, target.base), target.base, scratch, entry.get("commit"),
                          entry.get("subdir"))
        digest = tree.digest(got.root, source.shown)
        if digest != entry["sha256"]:
            at = f"commit {entry['commit']}" if entry.get("commit") else "its current content"
            raise UserError(f"{kind} {name}: {source.location} at {at} has sha256 {digest[:16]}..., but the lock "
                            f"pins {entry['sha256'][:16]}...; nothing was installed",
                            f"if the new content is wanted, lock it with `zot {'recipe' if kind == 'pack' else 'ext'} "
                            f"update {entry.get('pack') or name}`; else restore the source")
        store.put(got.root, kind, name, scratch)
    return f"installed {kind} {name} {entry['version']} ({source.location}" + \
        (f", commit {entry['commit'][:12]})" if entry.get("commit") else ")")


def sync(project: Path, scopes: tuple[str, ...] = lock_mod.SCOPES) -> tuple[list[str], list[str]]:
    """(what was done, what failed), across the project's and the user's locks."""
    from zot.ext.packs.installed import settings_problems

    done: list[str] = []
    failed: list[str] = []
    for scope in scopes:
        lock = lock_mod.read(scope, project)
        target = Target(scope, project)
        for kind in ("pack", "extension"):
            for name, entry in sorted(lock.table(kind).items()):
                try:
                    done.append(sync_entry(kind, name, entry, target))
                except UserError as exc:
                    failed.append(exc.message + (f" ({exc.hint})" if exc.hint else ""))
        failed += settings_problems(lock, project)
    return done, failed
