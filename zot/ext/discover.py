"""Finding manifests: where extensions live and which files a path names.

Scopes, in precedence order: `cli` (`-e PATH`), `project` (`<project>/.zot/extensions/*/`),
`global` (`$ZOT_HOME/extensions/*/`), `shipped` (installed with zot).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zot.config import shipped_dir, zot_home

MANIFEST_NAMES = ("extension.yaml", "recipe.yaml", "extension.json")
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}
SCOPE_ORDER = {"cli": 0, "project": 1, "global": 2, "shipped": 3}
# shipped extensions that are on until the user turns them off; the others are examples
SHIPPED_ON = frozenset({"safety", "self-protection"})
# shipped restrictive extensions only the user's own settings (or -e / --no-ext) can turn off
PROTECTED = SHIPPED_ON
# extensions whose confirms --yes does not answer when there is no UI (--allow-zot-writes does)
EXPLICIT_YES = frozenset({"self-protection"})


@dataclass(frozen=True)
class Found:
    path: Path          # the manifest file
    scope: str          # cli | project | global | shipped

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def kind(self) -> str:
        """extension (extension.yaml) | go-extension (a Go zot's extension.json) | recipe."""
        if self.path.name == "extension.json":
            return "go-extension"
        return "recipe" if self.path.name == "recipe.yaml" else "extension"


def scope_dirs(project: Path) -> list[tuple[str, Path]]:
    return [("project", project / ".zot" / "extensions"), ("global", zot_home() / "extensions"),
            ("shipped", shipped_dir("extensions"))]


def manifest_in(folder: Path) -> Path | None:
    """An extension folder's manifest: extension.yaml, else a Go zot's extension.json."""
    for name in ("extension.yaml", "extension.json"):
        if (folder / name).is_file():
            return folder / name
    return None


def _children(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = (manifest_in(p) for p in sorted(folder.iterdir()) if p.is_dir())
    return [p for p in found if p is not None]


def discover(project: Path, scopes: tuple[str, ...] = ("project", "global", "shipped")) -> list[Found]:
    found: list[Found] = []
    for scope, folder in scope_dirs(project):
        if scope in scopes:
            found.extend(Found(path, scope) for path in _children(folder))
    return found


def manifests_under(target: Path) -> list[Path]:
    """A manifest file itself, or every extension.yaml / recipe.yaml below a folder, and every
    extension.json that has no extension.yaml beside it."""
    if target.is_file():
        return [target]
    out: list[Path] = []
    for path in sorted(target.rglob("*")):
        if path.name in MANIFEST_NAMES and path.is_file() and not (SKIP_DIRS & set(path.parts)):
            if path.name == "extension.json" and (path.parent / "extension.yaml").is_file():
                continue
            out.append(path)
    return out


def scope_of(path: Path, project: Path) -> str:
    resolved = path.resolve()
    for scope, folder in scope_dirs(project):
        try:
            resolved.relative_to(folder.resolve())
            return scope
        except ValueError:
            continue
    return "cli"
