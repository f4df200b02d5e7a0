"""Install, update and remove packs and extensions, leaving the previous state intact on failure.

Order of an install: fetch into a staging folder, read and validate, check names and params,
show the summary (or on update the difference) and ask, move the tree into the store, then
write the lock and the settings. Nothing before the move changes anything a user has; the
store only ever gains folders, and the lock and settings are each replaced atomically.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zot.config import UserError, settings_path
from zot.ext.packs import checks, consent, content as content_mod, fetch, lock as lock_mod, store
from zot.ext.packs.source import Source, parse


@dataclass
class Target:
    """Where an install goes: `scope` is project or user; `project` is the project folder."""

    scope: str
    project: Path
    yes: bool = False

    @property
    def base(self) -> Path:
        """What a relative path in the lock or settings is relative to."""
        return self.project if self.scope == "project" else Path("/")


def stored_source(source: Source, target: Target, cwd: Path) -> Source:
    """The source as the lock records it: URLs as given, local paths relative to the project
    when inside it (so teammates' clones find them) and absolute otherwise."""
    if not _is_local(source):
        return source
    path = source.path(cwd).resolve()
    if target.scope == "project" and path.is_relative_to(target.project.resolve()):
        return Source(source.kind, path.relative_to(target.project.resolve()).as_posix() or ".", source.ref)
    return Source(source.kind, str(path), source.ref)


def _is_local(source: Source) -> bool:
    from zot.ext.packs.source import GIT_SCHEMES, SCP_LIKE

    return not source.location.startswith(GIT_SCHEMES) and not SCP_LIKE.match(source.location)


def for_git(source: Source, base: Path) -> Source:
    """A git source that is a local path, made absolute for git (which runs from zot's cwd)."""
    return Source("git", str(source.path(base)), source.ref) if _is_local(source) and source.kind == "git" \
        else source


@dataclass
class Staged:
    """One fetched, validated tree about to be stored."""

    kind: str
    content: content_mod.Content
    source: Source            # as the lock records it
    commit: str | None
    subdir: str | None = None
    pack: str | None = None


@dataclass
class Result:
    name: str
    lines: list[str]
    changed: bool = True


def install(kind: str, text: str, target: Target, cwd: Path, ref: str | None = None) -> Result:
    """`zot ext install` / `zot recipe install` / the fetching part of `update`."""
    source = parse(text, cwd, ref)
    return install_source(kind, stored_source(source, target, cwd), target)


def install_source(kind: str, source: Source, target: Target) -> Result:
    from zot.settings_edit import keeping_trust

    with keeping_trust(target.project if target.scope == "project" else None):
        return _install_source(kind, source, target)


def _install_source(kind: str, source: Source, target: Target) -> Result:
    lock = lock_mod.read(target.scope, target.project)
    all_locks = [lock, lock_mod.read("user" if target.scope == "project" else "project", target.project)]
    with fetch.staging() as scratch:
        main = _stage(kind, source, target.base, scratch / "main")
        name = main.content.name
        extras = [_stage_git_extension(entry, name, scratch / f"git{i}", target.base)
                  for i, entry in enumerate(main.content.git_entries)]
        names = _names(main, extras)
        checks.check_names(names, (kind, name), target.project, all_locks)
        summary = _summary(main, extras)
        if kind == "pack":
            checks.check_params(name, source.shown, summary["turns_on"], all_locks)
            checks.check_protected(name, content_mod.recipe_rows(main.content.data, main.content.root,
                                                                 _git_names(main, extras)), target.scope)
        old = lock.table(kind).get(name)
        if old is not None and _unchanged(old, main, source):
            _record_in_settings(kind, name, source, target)
            return Result(name, [f"{kind} {name} is up to date ({_pinned(source, main.commit)})"], False)
        _consent(kind, name, source, old, summary, target)
        entries = [_store(staged, scratch) for staged in (main, *extras)]
    for kind_, key, entry in entries:
        if kind_ == "pack":
            entry["extensions"], entry["capabilities"] = main.content.extensions, summary["extensions"]
            entry["turns_on"] = summary["turns_on"]
        lock.table(kind_)[key] = entry
    _drop_stale(lock, name if kind == "pack" else None, {e[1] for e in entries if e[0] == "extension"})
    lock_mod.write(lock)
    _record_in_settings(kind, name, source, target)
    verb = "updated" if old else "installed"
    return Result(name, [f"{verb} {kind} {name} {main.content.version} ({_pinned(source, main.commit)}) in {lock.path}"])


def _pinned(source: Source, commit: str | None) -> str:
    return source.shown + (f", commit {commit[:12]}" if commit else "")


def _unchanged(old: dict[str, Any], main: Staged, source: Source) -> bool:
    from zot.ext.packs import tree

    return (old["source"], old["ref"], old["sha256"]) == (source.location, source.ref, tree.digest(main.content.root)) \
        and store.problem(main.kind, main.content.name, old["sha256"]) is None


def _stage(kind: str, source: Source, base: Path, scratch: Path, subdir: str | None = None) -> Staged:
    scratch.mkdir(parents=True)
    got = fetch.fetch(for_git(source, base), base, scratch, subdir=subdir)
    shown = source.shown + (f" ({subdir})" if subdir else "")
    return Staged(kind, content_mod.read(got.root, shown, kind), source, got.commit, subdir)


def _stage_git_extension(entry: dict[str, Any], pack: str, scratch: Path, base: Path) -> Staged:
    source = Source("git", str(entry["git"]), str(entry["rev"]))
    staged = _stage("extension", source, base, scratch, subdir=entry.get("subdir"))
    staged.pack = pack
    return staged


def _names(main: Staged, extras: list[Staged]) -> dict[str, str]:
    c = main.content
    names = {n: f"extension {n} of pack {c.name} ({main.source.shown})" for n in c.extensions} \
        if c.kind == "pack" else {c.name: f"extension {c.name} ({main.source.shown})"}
    for staged in extras:
        ext = staged.content.name
        if ext in names:
            raise UserError(f"name clash: pack {c.name} brings two extensions named {ext}: {names[ext]} and the "
                            f"one its recipe fetches from {staged.source.shown}", "give each extension its own name")
        names[ext] = f"extension {ext} fetched by pack {c.name} from {staged.source.shown}"
    return names


def _summary(main: Staged, extras: list[Staged]) -> consent.Summary:
    c = main.content
    exts = {n: consent.of_extension(n, d) for n, d in c.manifests.items()}
    exts.update({s.content.name: consent.of_extension(s.content.name, s.content.data) for s in extras})
    if c.kind != "pack":
        return {"extensions": exts}
    return {"extensions": exts, "turns_on": c.turns_on(_git_names(main, extras))}


def _git_names(main: Staged, extras: list[Staged]) -> dict[int, str]:
    """Recipe entry index -> the name of the extension fetched for it."""
    return {int(entry["index"]): s.content.name for entry, s in zip(main.content.git_entries, extras)}


def old_summary(kind: str, name: str, entry: dict[str, Any]) -> consent.Summary:
    if kind == "pack":
        return {"extensions": dict(entry.get("capabilities") or {}), "turns_on": dict(entry.get("turns_on") or {})}
    return {"extensions": {name: entry["capabilities"]}}


def _consent(kind: str, name: str, source: Source, old: dict | None, summary: consent.Summary,
             target: Target) -> None:
    where = "this project" if target.scope == "project" else "you"
    if old is None:
        consent.ask(f"Installing {kind} {name} from {source.shown} for {where}. It can:",
                    consent.describe(summary), target.yes, "Install it?", "install")
        return
    changes = consent.difference(old_summary(kind, name, old), summary)
    if changes:
        consent.ask(f"Updating {kind} {name} from {source.shown} changes what it can do:", changes,
                    target.yes, "Update it?", "update")


def _store(staged: Staged, scratch: Path) -> tuple[str, str, dict[str, Any]]:
    c = staged.content
    digest, _ = store.put(c.root, staged.kind, c.name, scratch)
    entry: dict[str, Any] = {"source": staged.source.location, "ref": staged.source.ref, "commit": staged.commit,
                             "sha256": digest, "version": c.version}
    if staged.kind == "extension":
        entry["capabilities"] = consent.of_extension(c.name, c.data)
        if staged.subdir:
            entry["subdir"] = staged.subdir
        if staged.pack:
            entry["pack"] = staged.pack
    return staged.kind, c.name, entry


def _drop_stale(lock: lock_mod.Lock, pack: str | None, keep: set[str]) -> None:
    """Extensions an earlier version of `pack` fetched and this one does not."""
    if pack is None:
        return
    for name in [n for n, e in lock.extensions.items() if e.get("pack") == pack and n not in keep]:
        del lock.extensions[name]


def _record_in_settings(kind: str, name: str, source: Source, target: Target) -> None:
    from zot import settings_edit

    path = settings_path("project" if target.scope == "project" else "global", target.project)
    key = "recipes" if kind == "pack" else "extensions"

    def change(data) -> None:
        entry = settings_edit.entry(settings_edit.section(data, key, path), name)
        entry["source"] = source.location
        if source.ref:
            entry["ref"] = source.ref
        else:
            entry.pop("ref", None)

    settings_edit.edit(path, change, target.project if target.scope == "project" else None)
