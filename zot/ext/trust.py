"""Trust of a project's `.zot/`, computed by zot from what can act, never read from a manifest.

A project's `.zot/` can come from anyone who can push to the repository, so what in it can run,
widen or change zot's behaviour waits until the user trusts it (its restrictive rules apply at
once: see `zot.ext.polarity`). Trust is keyed by the digests of the files that can act
(`zot.ext.trust_files`); any change to them asks again, data under `.zot/data/` never does.

`$ZOT_HOME/trust.json` keeps, per project, what the user trusted: the digest, every file's
digest (to say which files changed), the capability summary (to say what the change adds), and
the project's manifests are copied to `$ZOT_HOME/trust/ID/` (so the restrictive rules of the
trusted version still apply after an untrusted edit).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.config import zot_home
from zot.ext import trust_files

VERSION = 2


def trust_file() -> Path:
    return zot_home() / "trust.json"


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
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _key(project: Path) -> str:
    return os.path.realpath(project)


@dataclass
class Status:
    """Where a project's trust stands now."""

    project: Path
    present: bool                                   # its .zot/ holds something trust covers
    trusted: bool
    entry: dict[str, Any] = field(default_factory=dict)    # recorded when last trusted ({}: never)
    files: dict[str, str] = field(default_factory=dict)    # what trust covers now
    error: str = ""                                 # why it cannot be hashed (then never trusted)

    @property
    def known(self) -> bool:
        return bool(self.entry)

    @property
    def changed(self) -> bool:
        return self.known and not self.trusted

    def file_changes(self) -> dict[str, list[str]]:
        return trust_files.changes(self.entry.get("files") or {}, self.files)


def status(project: Path) -> Status:
    project = Path(_key(project))
    entry = _read()["projects"].get(str(project))
    entry = entry if isinstance(entry, dict) else {}
    if not (project / ".zot").is_dir():
        return Status(project, False, False, entry)
    try:
        files = trust_files.collect(project)
    except trust_files.TooLarge as exc:
        return Status(project, True, False, entry, error=str(exc))
    trusted = entry.get("version") == VERSION and entry.get("hash") == trust_files.digest_of(files)
    # a .zot/ holding only data (a global extension's notes) has nothing to trust, and nothing to say
    return Status(project, bool(files), trusted, entry, files)


def is_trusted(project: Path) -> bool:
    return status(project).trusted


def was_trusted(project: Path) -> bool:
    """Trusted at some point, whatever the content now: used to say 'changed since you trusted it'."""
    return str(Path(_key(project))) in _read()["projects"]


def trust(project: Path) -> str:
    """Record the project's current content as trusted; returns its digest. Raises
    trust_files.TooLarge when the folder is too large to hash."""
    from zot.ext import capabilities
    from zot.ext.trust_report import project_summary

    now = status(project)
    if now.error:
        raise trust_files.TooLarge(now.error)
    digest = trust_files.digest_of(now.files)
    data = _read()
    data["projects"][str(now.project)] = {
        "version": VERSION, "hash": digest, "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "files": now.files, "summary": capabilities.to_json(project_summary(now.project))}
    _snapshot(now.project)
    _write(data)
    return digest


def revoke(project: Path) -> bool:
    data = _read()
    removed = data["projects"].pop(str(Path(_key(project))), None) is not None
    _write(data)
    shutil.rmtree(snapshot_dir(project), ignore_errors=True)
    return removed


def snapshot_dir(project: Path) -> Path:
    return zot_home() / "trust" / hashlib.sha256(_key(project).encode()).hexdigest()[:24]


def _snapshot(project: Path) -> None:
    """Copy the project's extension manifests, as trusted, for `zot.ext.polarity`."""
    target = snapshot_dir(project)
    shutil.rmtree(target, ignore_errors=True)
    root = project / ".zot" / "extensions"
    for manifest in sorted(root.glob("*/extension.yaml")) if root.is_dir() else []:
        copy = target / manifest.parent.name / "extension.yaml"
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            copy.write_bytes(manifest.read_bytes())
        except OSError:
            continue


def snapshots(project: Path) -> list[Path]:
    """The trusted version's manifests (empty when the project was never trusted by this zot)."""
    folder = snapshot_dir(project)
    return sorted(folder.glob("*/extension.yaml")) if folder.is_dir() else []
