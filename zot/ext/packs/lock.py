"""`zot.lock`: what one scope has installed, each entry pinned to a commit and a tree digest.

A project's lock (`.zot/zot.lock`) is committed with the project, so a teammate's
`zot recipe sync` installs byte-identical content; the user's lock (`$ZOT_HOME/zot.lock`)
holds what they installed for themselves. The file is JSON written with sorted keys, so
diffs in review are small and two installs of the same things write the same bytes.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from zot.config import UserError, find_project_root, zot_home

SCHEMA_ID = "zot/lock/v1"
SCOPES = ("project", "user")


def lock_path(scope: str, project: Path | None = None) -> Path:
    if scope == "project":
        return (project or find_project_root()) / ".zot" / "zot.lock"
    return zot_home() / "zot.lock"


@dataclass
class Lock:
    path: Path
    scope: str                                        # project | user
    packs: dict[str, dict[str, Any]] = field(default_factory=dict)
    extensions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.packs if kind == "pack" else self.extensions

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA_ID, "packs": self.packs, "extensions": self.extensions}

    @property
    def empty(self) -> bool:
        return not self.packs and not self.extensions

    def text(self) -> str:
        """Indented JSON with sorted keys; a list of strings (a capability) stays on one line, so a
        change reads as one changed line in review."""
        data = self.to_json()
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
        flat = _STRINGS.sub(lambda m: "[" + re.sub(r'",\n\s*"', '", "', m.group(1)) + "]", text)
        return (flat if json.loads(flat) == data else text) + "\n"


# a JSON array of strings as json.dumps(indent=2) writes it (a string never holds a raw newline)
_STRINGS = re.compile(r'\[\n\s*("(?:[^"\\\n]|\\.)*"(?:,\n\s*"(?:[^"\\\n]|\\.)*")*)\n\s*\]')


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    from zot.config import shipped_dir

    schema = json.loads((shipped_dir("schemas") / "lock.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def read(scope: str, project: Path | None = None) -> Lock:
    """The scope's lock; an absent file is an empty lock. A damaged one is a UserError naming
    the file and the entry, never silently treated as empty (that would drop its rules)."""
    path = lock_path(scope, project)
    lock = Lock(path, scope)
    if not path.is_file():
        return lock
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text", _REPAIR) from None
    except ValueError as exc:
        raise UserError(f"{path}:{getattr(exc, 'lineno', 0)}:{getattr(exc, 'colno', 0)}: not valid JSON: "
                        f"{getattr(exc, 'msg', exc)}", _REPAIR) from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}", "check its permissions") from None
    _check(path, data)
    lock.packs, lock.extensions = data["packs"], data["extensions"]
    return lock


def _check(path: Path, data: Any) -> None:
    """Schema-check the lock. A lock that was clean before (same bytes, same zot) is not checked
    again: start-up then needs no jsonschema, as for clean manifests."""
    import hashlib

    from zot import __version__

    text = json.dumps(data, sort_keys=True)
    key = hashlib.sha256(f"{__version__}\0{text}".encode()).hexdigest()
    marker = zot_home() / "cache" / "clean" / f"lock-{key}"
    if marker.exists():
        return
    error = next(iter(sorted(_validator().iter_errors(data), key=lambda e: list(e.path))), None)
    if error is not None:
        where = " → ".join(str(p) for p in error.absolute_path) or "the top level"
        raise UserError(f"{path}: at {where}: {error.message}", _REPAIR)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass       # no cache: slower start-ups, nothing else


_REPAIR = ("restore it from version control (git checkout -- .zot/zot.lock), or remove the damaged entry "
           "and run `zot recipe update NAME`")


def write(lock: Lock) -> None:
    """Write atomically (temporary file, then rename); a lock left empty is removed."""
    if lock.empty:
        lock.path.unlink(missing_ok=True)
        return
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = lock.path.with_name(lock.path.name + ".tmp")
    tmp.write_text(lock.text(), encoding="utf-8")
    tmp.replace(lock.path)
