"""Where zot keeps things: ZOT_HOME, the project folder, settings files and shipped data.

Kept free of heavy imports: `zot --version` and `zot --help` must stay fast.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent


class UserError(Exception):
    """A mistake the user can fix: printed without a traceback, exit code 1 (or `code`)."""

    def __init__(self, message: str, hint: str = "", code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


def zot_home() -> Path:
    env = os.environ.get("ZOT_HOME")
    return Path(env).expanduser() if env else Path.home() / ".zot"


def shipped_dir(kind: str) -> Path:
    """`schemas`, `extensions`, `recipes` or `themes` as installed with the package.

    A wheel carries them inside the package (`zot/_shipped/`); an editable install or a checkout
    reads them from the repository next to the package.
    """
    inside = PACKAGE_DIR / "_shipped" / kind
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / kind


def find_project_root(cwd: Path | None = None) -> Path:
    """The git root above `cwd`, or the nearest folder with a `.zot/`, or `cwd` itself."""
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    for folder in (start, *start.parents):
        if (folder / ".zot").is_dir() and folder != Path.home().resolve():
            return folder
    return start


def git_branch(cwd: Path) -> str | None:
    try:
        out = subprocess.run(["git", "branch", "--show-current"], cwd=cwd, capture_output=True,
                             text=True, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


@dataclass
class Settings:
    """Merged settings: global `$ZOT_HOME/settings.yaml`, then project `.zot/settings.yaml`."""

    data: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    user: dict[str, Any] = field(default_factory=dict)     # the global file alone: the user's own word

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def extension(self, name: str) -> dict[str, Any]:
        exts = self.data.get("extensions") or {}
        entry = exts.get(name) if isinstance(exts, dict) else None
        return entry if isinstance(entry, dict) else {}

    def extension_enabled(self, name: str, default: bool = True, user_only: bool = False) -> bool:
        """`user_only`: only the global settings may decide (the shipped restrictive extensions,
        which no project file may turn off)."""
        source = Settings(self.user) if user_only else self
        value = source.extension(name).get("enabled", default)
        return bool(value)


def settings_path(scope: str, project: Path | None = None) -> Path:
    if scope == "project":
        return (project or find_project_root()) / ".zot" / "settings.yaml"
    return zot_home() / "settings.yaml"


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_settings(project: Path | None = None, trusted_project: bool = True) -> Settings:
    """Read both settings files. A broken file is a UserError naming it, never a traceback.

    Project settings are only read when the project is trusted: they can change the model and
    the API base, which decide where the user's code is sent.
    """
    from zot.yamlio import load_plain_mapping

    settings = Settings()
    paths = [settings_path("global")]
    if project is not None and trusted_project:
        paths.append(settings_path("project", project))
    for path in paths:
        if not path.is_file():
            continue
        data = load_plain_mapping(path)
        settings.data = _merge(settings.data, data)
        settings.files.append(path)
        if path == paths[0]:
            settings.user = data
    return settings


def project_data_dir(project: Path, extension: str) -> Path:
    """Where an extension keeps this project's data: `<project>/.zot/data/<extension>/`. Trust
    does not hash it, so writing there never makes a project untrusted (docs/trust.md)."""
    return project / ".zot" / "data" / extension
