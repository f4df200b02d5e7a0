"""Finding manifests: where extensions live and which files a path names.

Scopes, in precedence order: `cli` (`-e PATH`), `project` (`<project>/.zot/extensions/*/`),
`global` (`$ZOT_HOME/extensions/*/`), `shipped` (installed with zot).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zot.config import shipped_dir, zot_home

MANIFEST_NAMES = ("extension.yaml", "recipe.yaml")
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}
SCOPE_ORDER = {"cli": 0, "project": 1, "global": 2, "shipped": 3}


@dataclass(frozen=True)
class Found:
    path: Path          # the manifest file
    scope: str          # cli | project | global | shipped

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def kind(self) -> str:
        return "recipe" if self.path.name == "recipe.yaml" else "extension"


def scope_dirs(project: Path) -> list[tuple[str, Path]]:
    return [("project", project / ".zot" / "extensions"), ("global", zot_home() / "extensions"),
            ("shipped", shipped_dir("extensions"))]


def _children(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p / "extension.yaml" for p in folder.iterdir()
                  if p.is_dir() and (p / "extension.yaml").is_file())


def discover(project: Path, scopes: tuple[str, ...] = ("project", "global", "shipped")) -> list[Found]:
    found: list[Found] = []
    for scope, folder in scope_dirs(project):
        if scope in scopes:
            found.extend(Found(path, scope) for path in _children(folder))
    return found


def manifests_under(target: Path) -> list[Path]:
    """A manifest file itself, or every extension.yaml / recipe.yaml below a folder."""
    if target.is_file():
        return [target]
    out: list[Path] = []
    for path in sorted(target.rglob("*")):
        if path.name in MANIFEST_NAMES and path.is_file() and not (SKIP_DIRS & set(path.parts)):
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
