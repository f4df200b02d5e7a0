"""Trust of project-local extensions, computed from the folder's content, never read from a manifest.

A project's `.zot/` folder can come from anyone who can push to the repository, so it stays inert
until the user trusts it. Trust is keyed by a hash of the folder's content: any change to it makes
the project untrusted again.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from zot.config import zot_home
from zot.ext.discover import SKIP_DIRS


def trust_file() -> Path:
    return zot_home() / "trust.json"


def content_hash(project: Path) -> str:
    """sha256 over every file below `<project>/.zot/` (relative path and bytes), sorted."""
    root = project / ".zot"
    digest = hashlib.sha256()
    if not root.is_dir():
        return digest.hexdigest()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            digest.update(rel.encode() + b"\0")
            try:
                if path.is_symlink():
                    digest.update(b"link:" + os.readlink(path).encode())
                else:
                    digest.update(path.read_bytes())
            except OSError:
                digest.update(b"unreadable")
            digest.update(b"\0")
    return digest.hexdigest()


def _read() -> dict[str, Any]:
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"projects": {}}
    if not isinstance(data, dict) or not isinstance(data.get("projects"), dict):
        return {"projects": {}}
    return data


def _write(data: dict[str, Any]) -> None:
    path = trust_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _key(project: Path) -> str:
    return str(project.resolve())


def is_trusted(project: Path) -> bool:
    entry = _read()["projects"].get(_key(project))
    return isinstance(entry, dict) and entry.get("hash") == content_hash(project)


def was_trusted(project: Path) -> bool:
    """Trusted at some point, whatever the content now: used to say 'changed since you trusted it'."""
    return _key(project) in _read()["projects"]


def trust(project: Path) -> str:
    data = _read()
    digest = content_hash(project)
    data["projects"][_key(project)] = {"hash": digest, "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    _write(data)
    return digest


def revoke(project: Path) -> bool:
    data = _read()
    removed = data["projects"].pop(_key(project), None) is not None
    _write(data)
    return removed
