"""Checks across everything installed: a name taken twice, two packs disagreeing on a param,
and a lock that does not match the settings beside it. Each message names both sides."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zot.config import UserError
from zot.ext.packs.lock import Lock, read


@dataclass(frozen=True)
class Owner:
    """Who holds an extension name: `what` is said in messages."""

    name: str
    what: str
    pack: str | None = None
    installed: bool = False


def locks(project: Path) -> list[Lock]:
    return [read("project", project), read("user", project)]


def installed_owners(all_locks: list[Lock]) -> list[Owner]:
    out = []
    for lock in all_locks:
        where = "this project" if lock.scope == "project" else "the user"
        for pack, entry in lock.packs.items():
            out += [Owner(ext, f"extension {ext} of pack {pack} ({entry['source']}, installed for {where})",
                          pack, True) for ext in entry.get("extensions", {})]
        for ext, entry in lock.extensions.items():
            by = f"pack {entry['pack']}'s recipe" if entry.get("pack") else "zot ext install"
            out.append(Owner(ext, f"extension {ext} ({entry['source']}, installed by {by} for {where})",
                             entry.get("pack"), True))
    return out


def folder_owners(project: Path) -> list[Owner]:
    from zot.ext.discover import discover

    words = {"shipped": "the shipped extension", "project": "the project's extension",
             "global": "your extension"}
    return [Owner(_name(f.path), f"{words[f.scope]} {_name(f.path)} ({f.folder})") for f in discover(project)]


def _name(manifest: Path) -> str:
    from zot.ext.validate import check_file_cached

    data = check_file_cached(manifest).data or {}
    return str(data.get("name") or manifest.parent.name)


def check_names(names: dict[str, str], replacing: tuple[str, str], project: Path, all_locks: list[Lock]) -> None:
    """`names`: each extension name about to be installed -> how to say where it comes from.
    `replacing` is (kind, name) of what is being installed: its earlier version, in either
    scope, holds its own names (in two scopes the nearer one wins, as for extension folders)."""
    kind, own = replacing
    for owner in [*folder_owners(project), *installed_owners(all_locks)]:
        if owner.name not in names:
            continue
        if owner.installed and (owner.pack == own if kind == "pack" else owner.pack is None and owner.name == own):
            continue
        raise UserError(f"name clash: {names[owner.name]} has the same name as {owner.what}",
                        "two extensions cannot share a name: rename one of them, or remove the other first")


def check_protected(pack: str, rows: list[tuple[str, bool, dict]], scope: str) -> None:
    """A project cannot turn off a shipped restrictive extension (`safety`): only the user can."""
    from zot.ext.discover import PROTECTED

    off = [name for name, enabled, _ in rows if not enabled and name in PROTECTED]
    if off and scope == "project":
        raise UserError(f"recipe {pack} turns off {', '.join(off)}, which a project cannot do",
                        "drop `enabled: false` from the recipe, or install and apply it for yourself "
                        "(without --project)")


def check_params(pack: str, shown: str, turns_on: dict[str, dict[str, Any]], all_locks: list[Lock]) -> None:
    """Two installed packs giving one extension different values for the same param."""
    for lock in all_locks:
        for other, entry in lock.packs.items():
            if other == pack:
                continue
            for ext, params in turns_on.items():
                theirs = (entry.get("turns_on") or {}).get(ext)
                if theirs is None:
                    continue
                for key in sorted(set(params) & set(theirs)):
                    if params[key] != theirs[key]:
                        raise UserError(
                            f"packs {pack} ({shown}) and {other} ({entry['source']}) set different params for "
                            f"extension {ext}: `{key}` is {json.dumps(params[key])} in {pack} and "
                            f"{json.dumps(theirs[key])} in {other}",
                            f"remove one of them (`zot recipe remove {other}`), or make the recipes agree")


def consistency(lock: Lock, settings: dict[str, Any], settings_file: Path) -> list[str]:
    """One line per disagreement between a lock and the settings file of its scope."""
    problems: list[str] = []
    wanted = {"pack": table_of(settings, "recipes"),
              "extension": {k: v for k, v in table_of(settings, "extensions").items() if "source" in v}}
    for kind, table in wanted.items():
        noun, cmd = ("recipe", "recipe") if kind == "pack" else ("extension", "ext")
        locked = {k: v for k, v in lock.table(kind).items() if kind == "pack" or not v.get("pack")}
        for name in sorted(set(locked) - set(table)):
            problems.append(f"{lock.path} pins {noun} {name}, but {settings_file} does not list it: run "
                            f"`zot {cmd} remove {name}` to drop it, or list it again under "
                            f"`{'recipes' if kind == 'pack' else 'extensions'}:` with its source")
        for name in sorted(set(table) - set(locked)):
            problems.append(f"{settings_file} lists {noun} {name}, but {lock.path} does not pin it: run "
                            f"`zot {cmd} update {name}` to install and lock it")
        for name in sorted(set(table) & set(locked)):
            want, have = table[name], locked[name]
            if want.get("source") != have["source"] or want.get("ref") != have["ref"]:
                problems.append(f"{settings_file} asks for {noun} {name} from {_at(want)}, but {lock.path} pins "
                                f"{_at(have)}: run `zot {cmd} update {name}` to install what the settings ask")
    return problems


def _at(entry: dict[str, Any]) -> str:
    return str(entry.get("source")) + (f"@{entry['ref']}" if entry.get("ref") else "")


def table_of(settings: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    table = settings.get(key)
    if not isinstance(table, dict):
        return {}
    return {str(k): v for k, v in table.items() if isinstance(v, dict)}
