"""`zot recipe apply NAME`: turn a recipe's extensions on, with its params, in one scope's settings.

A recipe is found among the installed packs (the project's, then the user's) and then the
recipes shipped with zot. Applying is an edit of settings like `zot ext enable`, comments kept;
the recipe's suggested `settings:` fill only keys the file does not set, since the user's own
settings win.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from zot.config import UserError, settings_path, shipped_dir
from zot.diagnostics import did_you_mean
from zot.ext.packs import checks, content, lock as lock_mod, store


def shipped_recipes() -> dict[str, Path]:
    """Shipped recipe name -> its recipe.yaml."""
    from zot.ext.validate import check_file

    out: dict[str, Path] = {}
    for path in sorted(shipped_dir("recipes").glob("*/recipe.yaml")):
        data = check_file(path).data or {}
        out[str(data.get("name") or path.parent.name)] = path
    return out


def find(name: str, project: Path) -> tuple[dict[str, Any], Path, str, dict[int, str]]:
    """(recipe data, its folder, how to name it, recipe index -> name of a git extension)."""
    from zot.ext.validate import check_file

    for scope in ("project", "user"):
        lock = lock_mod.read(scope, project)
        entry = lock.packs.get(name)
        if entry is None:
            continue
        problem = store.problem("pack", name, entry["sha256"])
        if problem:
            raise UserError(f"pack {name} ({lock.path}): {problem}", "run `zot recipe sync` to restore it")
        folder = store.folder("pack", name, entry["sha256"])
        data = check_file(folder / "recipe.yaml").data or {}
        return data, folder, f"pack {name} ({entry['source']})", _git_names(data, name, lock)
    shipped = shipped_recipes()
    if name in shipped:
        data = check_file(shipped[name]).data or {}
        return data, shipped[name].parent, f"the shipped recipe {name}", {}
    known = set(shipped) | {n for lock in checks.locks(project) for n in lock.packs}
    raise UserError(f"no recipe named {name} is installed or shipped",
                    did_you_mean(name, known) + "see `zot recipe list`, or install one with `zot recipe install SOURCE`")


def _git_names(recipe: dict[str, Any], pack: str, lock: lock_mod.Lock) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, entry in enumerate(recipe.get("extensions") or []):
        if isinstance(entry, dict) and entry.get("git"):
            for ext, locked in lock.extensions.items():
                if locked.get("pack") == pack and (locked["source"], locked["ref"], locked.get("subdir")) == \
                        (entry["git"], entry.get("rev"), entry.get("subdir")):
                    out[i] = ext
    return out


def apply(name: str, scope: str, project: Path) -> list[str]:
    from zot import settings_edit
    from zot.ext.loader import load_extensions

    recipe, folder, shown, git_names = find(name, project)
    table = content.recipe_rows(recipe, folder, git_names)
    checks.check_protected(name, table, scope)
    checks.check_params(name, shown, {n: p for n, on, p in table if on}, checks.locks(project))
    known = {e.name for e in load_extensions(project)}
    missing = [n for n, _, _ in table if n not in known]
    if missing:
        raise UserError(f"recipe {name} turns on {', '.join(missing)}, which is not installed or shipped here",
                        "install it first (`zot ext install SOURCE`), or run `zot recipe sync` if the lock has it")
    path = settings_path("project" if scope == "project" else "global", project)
    suggested = recipe.get("settings") if isinstance(recipe.get("settings"), dict) else {}
    filled: list[str] = []

    def change(data) -> None:
        exts = settings_edit.section(data, "extensions", path)
        for ext, enabled, params in table:
            entry = settings_edit.entry(exts, ext)
            entry["enabled"] = enabled
            if params:
                settings_edit.section(entry, "params", path).update(params)
        for key, value in suggested.items():
            if key not in data:
                data[key] = value
                filled.append(key)

    settings_edit.edit(path, change, project if scope == "project" else None)
    on = [_shown(n, p) for n, enabled, p in table if enabled]
    off = [n for n, enabled, _ in table if not enabled]
    lines = [f"applied {shown} to {path}: turned on {', '.join(on) or 'nothing'}"]
    lines += [f"  turned off: {', '.join(off)}"] if off else []
    lines += [f"  suggested settings written: {', '.join(filled)}"] if filled else []
    return lines


def _shown(name: str, params: dict[str, Any]) -> str:
    return name + (f" ({', '.join(f'{k}={v}' for k, v in params.items())})" if params else "")
