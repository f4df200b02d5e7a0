"""Editing a settings file the way a person would: comments, order and layout kept.

`zot ext enable|disable`, `zot ext install`, `zot recipe install|apply|remove` all change
settings through `edit`, so a hand-written file keeps its comments whichever command touched it.
When the project was trusted before zot's own edit, the trust is recorded again: zot changing
`.zot/settings.yaml` on the user's request must not make the project untrusted.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Callable, Iterator

from zot.config import UserError
from zot.diagnostics import format_text


@contextlib.contextmanager
def keeping_trust(project: Path | None) -> Iterator[None]:
    """Around an edit of several files under `.zot/` (lock, then settings): a project trusted
    before is trusted after, whatever the order of the writes. An edit that fails part-way
    leaves the trust as the content now is."""
    from zot.ext import trust as trust_mod

    was_trusted = project is not None and trust_mod.is_trusted(project)
    yield
    if was_trusted:
        trust_mod.trust(project)


def edit(path: Path, change: Callable[[Any], None], project: Path | None = None) -> None:
    """Load `path` (or start an empty mapping), let `change` modify the ruamel mapping in place,
    write it back. `project` is given for a project settings file, to keep its trust."""
    from ruamel.yaml.comments import CommentedMap

    from zot.ext import trust as trust_mod
    from zot.yamlio import dump_roundtrip, load_document

    was_trusted = project is not None and trust_mod.is_trusted(project)
    data = CommentedMap()
    lead = ""
    if path.exists():
        doc = load_document(path)
        if [d.code for d in doc.diagnostics] == ["empty"]:
            lead = doc.text if doc.text.endswith("\n") or not doc.text else doc.text + "\n"
        elif doc.diagnostics:
            raise UserError(format_text(doc.diagnostics[0], doc.text), "fix the settings file first")
        else:
            data = doc.data
    change(data)
    dump_roundtrip(data, path)
    if lead:   # a file of only comments: keep them above what we wrote
        path.write_text(lead + path.read_text(encoding="utf-8"), encoding="utf-8")
    if was_trusted:
        trust_mod.trust(project)


def section(data: Any, key: str, path: Path) -> Any:
    """`data[key]` as a mapping, created when absent; a non-mapping is the user's mistake."""
    from ruamel.yaml.comments import CommentedMap

    value = data.setdefault(key, CommentedMap())
    if not isinstance(value, dict):
        raise UserError(f"{path}: `{key}` must be a mapping", f"write `{key}: {{NAME: {{...}}}}`")
    return value


def entry(table: Any, name: str) -> Any:
    """`table[name]` as a mapping, replacing a non-mapping value (e.g. a bare `name:`)."""
    from ruamel.yaml.comments import CommentedMap

    value = table.get(name)
    if not isinstance(value, dict):
        value = table[name] = CommentedMap()
    return value
