"""What a fetched tree holds: a recipe pack (`recipe.yaml` at its root, its own extensions under
`extensions/<name>/` or wherever the recipe's `path:` entries point inside it) or a single
extension (`extension.yaml`, or a Go zot's `extension.json`). Everything is validated before
anything is installed; the diagnostics name files inside the pack."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from zot.config import UserError
from zot.diagnostics import Diagnostic, format_text
from zot.ext.discover import manifest_in


class Invalid(UserError):
    """A pack or extension that does not validate: the diagnostics, with paths inside it."""

    def __init__(self, shown: str, diagnostics: list[Diagnostic], sources: dict[str, str]) -> None:
        body = "\n".join(format_text(d, sources.get(d.file)) for d in diagnostics)
        errors = sum(d.is_error for d in diagnostics)
        super().__init__(f"{shown} does not validate ({errors} error(s)); nothing was installed\n{body}",
                         "fix these files in the source, then install again")
        self.diagnostics = diagnostics


@dataclass
class Content:
    kind: str                                   # pack | extension
    name: str
    version: str
    root: Path
    data: dict[str, Any]                        # the recipe's or the manifest's data
    extensions: dict[str, str] = field(default_factory=dict)         # pack: name -> folder inside it
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> manifest data
    git_entries: list[dict[str, Any]] = field(default_factory=list)  # recipe entries fetched from git

    def turns_on(self, git_names: dict[int, str] | None = None) -> dict[str, dict[str, Any]]:
        """The extensions the recipe turns on, with their params (`zot recipe apply`)."""
        return recipe_turns_on(self.data, self.root, git_names or {})


def recipe_rows(recipe: dict, root: Path, git_names: dict[int, str]) -> list[tuple[str, bool, dict[str, Any]]]:
    """(extension name, enabled, params) for each entry of a recipe whose extension is known."""
    out = []
    for i, entry in enumerate(recipe.get("extensions") or []):
        if not isinstance(entry, dict):
            continue
        name = entry.get("name") or git_names.get(i) or name_at(root / str(entry.get("path", "")))
        if name:
            out.append((str(name), entry.get("enabled") is not False, dict(entry.get("params") or {})))
    return out


def recipe_turns_on(recipe: dict, root: Path, git_names: dict[int, str]) -> dict[str, dict[str, Any]]:
    return {name: params for name, on, params in recipe_rows(recipe, root, git_names) if on}


def name_at(folder: Path) -> str | None:
    from zot.ext.validate import check_file

    manifest = manifest_in(folder)
    data = check_file(manifest).data if manifest else None
    return str(data["name"]) if isinstance(data, dict) and data.get("name") else None


def read(root: Path, shown: str, expect: str) -> Content:
    """The tree's content, checked. `expect` is `pack` or `extension`: the command the user ran."""
    recipe, manifest = root / "recipe.yaml", manifest_in(root)
    if expect == "pack" and not recipe.is_file():
        hint = f"it holds an extension: install it with `zot ext install {shown}`" if manifest else \
            "a recipe pack has a recipe.yaml at its root"
        raise UserError(f"{shown} has no recipe.yaml at its root", hint)
    if expect == "extension" and manifest is None:
        hint = f"it is a recipe pack: install it with `zot recipe install {shown}`" if recipe.is_file() else \
            "an extension folder has an extension.yaml (or a Go zot's extension.json) at its root"
        raise UserError(f"{shown} has no extension.yaml or extension.json at its root", hint)
    if expect == "extension":
        data = _validated(root, shown, [manifest])[manifest]
        name = str(data.get("name"))
        return Content("extension", name, str(data.get("version", "?")), root, data, manifests={name: data})
    return _read_pack(root, shown, recipe)


def _read_pack(root: Path, shown: str, recipe: Path) -> Content:
    checked = _validated(root, shown, [recipe])
    data = checked[recipe]
    folders = {p for p in sorted((root / "extensions").glob("*")) if manifest_in(p)}
    git_entries = []
    for i, entry in enumerate(data.get("extensions") or []):
        rel = entry.get("path") if isinstance(entry, dict) else None
        if isinstance(rel, str):
            folder = (root / rel).resolve()
            if not folder.is_relative_to(root.resolve()):
                raise UserError(f"{shown}: recipe.yaml: extensions[{i}].path `{rel}` points outside the pack",
                                "a pack brings its extensions inside it, e.g. `path: extensions/lint`")
            folders.add(root / PurePosixPath(folder.relative_to(root.resolve()).as_posix()))
        elif isinstance(entry, dict) and entry.get("git"):
            git_entries.append({"index": i, **entry})
    manifests = _validated(root, shown, [m for f in sorted(folders) if (m := manifest_in(f))])
    pack = Content("pack", str(data["name"]), str(data.get("version", "?")), root, data, git_entries=git_entries)
    for path, ext in manifests.items():
        name = str(ext.get("name"))
        rel = path.parent.relative_to(root).as_posix()
        if name in pack.extensions:
            raise UserError(f"{shown}: two extensions are named {name}: {pack.extensions[name]} and {rel}",
                            "give each extension of the pack its own name")
        pack.extensions[name], pack.manifests[name] = rel, ext
    return pack


def _validated(root: Path, shown: str, paths: list[Path]) -> dict[Path, dict[str, Any]]:
    """Validate `paths` together (as `zot ext validate` does, running no program); any error
    raises Invalid with the diagnostics' files named relative to the tree's root."""
    import dataclasses

    from zot.ext.validate import validate_paths

    if not paths:
        return {}
    report = validate_paths(paths)
    base = {str(root), str(root.resolve())}
    from zot.yamlio import display_path

    base.add(display_path(root))

    def inside(file: str) -> str:
        for prefix in sorted(base, key=len, reverse=True):
            if file.startswith(prefix + "/"):
                return file[len(prefix) + 1:]
        return file

    if report.errors:
        sources = {inside(k): v for k, v in report.sources().items()}
        diags = [dataclasses.replace(d, file=inside(d.file)) for d in report.diagnostics if d.is_error]
        raise Invalid(shown, diags, sources)
    return {f.doc.path: f.data for f in report.files}
