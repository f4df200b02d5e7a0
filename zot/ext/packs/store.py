"""The content-addressed store: `$ZOT_HOME/store/{packs,extensions}/NAME/SHA256/`.

One folder per name and digest, so several versions coexist (two projects may pin two
versions of one pack) and a folder's name says what its content must hash to. Beside each
folder, `SHA256.files.json` lists every file's hash, so a check can say which files differ.
The store is shared by every project of the user; nothing in it is edited in place.
"""
from __future__ import annotations

import json
from pathlib import Path

from zot.config import zot_home
from zot.ext.packs import tree

KINDS = {"pack": "packs", "extension": "extensions"}


def root() -> Path:
    return zot_home() / "store"


def folder(kind: str, name: str, digest: str) -> Path:
    return root() / KINDS[kind] / name / digest


def _listing_file(target: Path) -> Path:
    return target.with_name(target.name + ".files.json")


def put(staged: Path, kind: str, name: str, scratch: Path) -> tuple[str, Path]:
    """Move a staged tree into the store; returns (digest, folder). A folder already there with
    the right content is kept; one with the wrong content is replaced. `scratch` receives what
    is replaced, so nothing is half-written if this fails midway."""
    entries = tree.listing(staged)
    digest = tree.digest_of(entries)
    target = folder(kind, name, digest)
    if target.is_dir() and problem(kind, name, digest) is None:
        return digest, target
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(scratch / f"replaced-{kind}-{name}")
    listing_tmp = _listing_file(target).with_suffix(".tmp")
    listing_tmp.write_text(json.dumps(entries, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    tree.make_read_only(staged)
    staged.rename(target)
    listing_tmp.replace(_listing_file(target))
    return digest, target


def problem(kind: str, name: str, digest: str) -> str | None:
    """None when the store holds exactly the tree `digest` names; else what is wrong, in words."""
    target = folder(kind, name, digest)
    if not target.is_dir():
        return f"not in the store ({target})"
    try:
        actual = tree.listing(target)
    except Exception as exc:   # a link or special file planted in the store
        return f"its files in {target} were changed: {getattr(exc, 'message', exc)}"
    if tree.digest_of(actual) == digest:
        return None
    try:
        expected = json.loads(_listing_file(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        expected = None
    what = tree.describe(tree.differences(expected, actual)) if isinstance(expected, dict) else \
        "its content no longer matches"
    return f"its files in {target} were changed: {what}"
