"""`update` and `remove` of packs and extensions: finding what the user named, in the lock or
in the settings of the scope, and saying where else it is when it is not there."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from zot.config import UserError, settings_path
from zot.diagnostics import did_you_mean
from zot.ext.packs import consent, install, lock as lock_mod
from zot.ext.packs.checks import table_of
from zot.ext.packs.install import Target
from zot.ext.packs.source import parse

NOUN = {"pack": "recipe", "extension": "extension"}
CMD = {"pack": "recipe", "extension": "ext"}
SETTINGS_KEY = {"pack": "recipes", "extension": "extensions"}


def settings_data(target: Target) -> tuple[Path, dict[str, Any]]:
    from zot.yamlio import load_plain_mapping

    path = settings_path("project" if target.scope == "project" else "global", target.project)
    return path, (load_plain_mapping(path) if path.is_file() else {})


def wanted(kind: str, target: Target) -> dict[str, dict[str, Any]]:
    """What the scope's settings ask to have installed, by name."""
    table = table_of(settings_data(target)[1], SETTINGS_KEY[kind])
    return table if kind == "pack" else {k: v for k, v in table.items() if "source" in v}


def _owned_by_pack(name: str, lock: lock_mod.Lock) -> None:
    entry = lock.extensions.get(name)
    if entry and entry.get("pack"):
        raise UserError(f"extension {name} came with pack {entry['pack']}",
                        f"update or remove the pack: `zot recipe update {entry['pack']}`")


def _not_found(kind: str, name: str, target: Target, lock: lock_mod.Lock) -> UserError:
    other = lock_mod.read("user" if target.scope == "project" else "project", target.project)
    flag = "--project" if target.scope == "user" else "no --project"
    if name in other.table(kind):
        return UserError(f"{NOUN[kind]} {name} is installed {'in this project' if other.scope == 'project' else 'for you'}"
                         f" ({other.path}), not {'in this project' if target.scope == 'project' else 'for you'}",
                         f"run the command again with {flag}")
    names = set(lock.table(kind)) | set(wanted(kind, target))
    return UserError(f"no {NOUN[kind]} named {name} is installed ({lock.path})",
                     did_you_mean(name, names) + f"see `zot {CMD[kind]} list`")


def update(kind: str, name: str | None, target: Target, ref: str | None = None) -> list[install.Result]:
    """Fetch again what the settings (or, failing them, the lock) name; ask only when the
    capability summary changed. With no name, every entry of the scope."""
    lock = lock_mod.read(target.scope, target.project)
    asked = wanted(kind, target)
    if name is None:
        if ref:
            raise UserError("--ref needs a NAME", f"zot {CMD[kind]} update NAME --ref REF")
        names = sorted(set(asked) | {n for n, e in lock.table(kind).items() if not e.get("pack")})
        if not names:
            return [install.Result("", [f"no {NOUN[kind]}s are installed ({lock.path})"], False)]
    else:
        names = [name]
    out: list[install.Result] = []
    for one in names:
        if kind == "extension":
            _owned_by_pack(one, lock)
        entry = asked.get(one) or lock.table(kind).get(one)
        if entry is None:
            raise _not_found(kind, one, target, lock)
        source = parse(str(entry["source"]), target.base, ref or entry.get("ref"))
        out.append(install.install_source(kind, source, target))
    return out


def remove(kind: str, name: str, target: Target) -> list[str]:
    from zot.settings_edit import keeping_trust

    with keeping_trust(target.project if target.scope == "project" else None):
        return _remove(kind, name, target)


def _remove(kind: str, name: str, target: Target) -> list[str]:
    from zot import settings_edit

    lock = lock_mod.read(target.scope, target.project)
    if kind == "extension":
        _owned_by_pack(name, lock)
    entry = lock.table(kind).get(name)
    in_settings = name in wanted(kind, target)
    if entry is None and not in_settings:
        raise _not_found(kind, name, target, lock)
    owned = sorted(entry.get("extensions", {})) + [n for n, e in lock.extensions.items() if e.get("pack") == name] \
        if kind == "pack" and entry else [name]
    if entry is not None:
        consent.ask(f"Removing {kind} {name} ({entry['source']}) from {lock.path}. These stop loading: "
                    + ", ".join(owned), [], target.yes, "Remove it?", "remove")
        del lock.table(kind)[name]
        for ext in [n for n, e in lock.extensions.items() if kind == "pack" and e.get("pack") == name]:
            del lock.extensions[ext]
        lock_mod.write(lock)
    path = settings_data(target)[0]

    def change(data) -> None:
        table = data.get(SETTINGS_KEY[kind])
        if isinstance(table, dict):
            table.pop(name, None)
        exts = data.get("extensions")
        if kind == "pack" and isinstance(exts, dict):
            for ext in owned:
                exts.pop(ext, None)

    if path.is_file():
        settings_edit.edit(path, change, target.project if target.scope == "project" else None)
    return [f"removed {kind} {name} from {lock.path if entry is not None else path}"
            + ("; its files stay in the store, which other projects may share" if entry is not None else "")]
