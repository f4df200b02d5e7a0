"""The grep engine used when ripgrep is not installed: Python `re` over a sorted walk of the tree.

It visits files in the order `rg --sort path` does, skips `.git` and binary files (NUL byte in the
first 8 KiB), and, unlike ripgrep, does not read .gitignore.
"""
from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from typing import Iterator

from zot.tools._common import looks_binary
from zot.tools._glob import compile_glob
from zot.tools._grep_common import GrepError, Line, Query

SKIP_DIRS = frozenset({".git"})


def compile_query(query: Query) -> re.Pattern[str]:
    source = re.escape(query.pattern) if query.literal else query.pattern
    try:
        return re.compile(source, re.IGNORECASE if query.ignore_case else 0)
    except re.error as exc:
        raise GrepError(f"Invalid regular expression {query.pattern!r}: {exc}") from None


def _walk(root: Path, glob: str | None) -> Iterator[Path]:
    """Depth-first, entries of a folder sorted by name: the order ripgrep's `--sort path` uses."""
    if root.is_file():
        yield root
        return
    regex = compile_glob(glob) if glob else None
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    yield from _walk_entries(root, entries, regex)


def _walk_entries(root: Path, entries: list[os.DirEntry[str]], regex: re.Pattern[str] | None) -> Iterator[Path]:
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name in SKIP_DIRS:
                continue
            try:
                children = sorted(os.scandir(entry.path), key=lambda e: e.name)
            except OSError:
                continue
            yield from _walk_entries(root, children, regex)
        elif entry.is_file():
            if regex is None or regex.match(Path(entry.path).relative_to(root).as_posix()):
                yield Path(entry.path)


def _search_file(path: Path, regex: re.Pattern[str], context: int) -> Iterator[Line]:
    try:
        f = open(path, "rb")
    except OSError:
        return
    with f:
        if looks_binary(f.read(8192)):
            return
        f.seek(0)
        before: deque[Line] = deque(maxlen=context)
        after = 0
        for number, raw in enumerate(f, start=1):
            text = raw.decode("utf-8", errors="replace").rstrip("\n").rstrip("\r")
            if regex.search(text):
                yield from before
                before.clear()
                after = context
                yield Line(path, number, text, True)
            elif after > 0:
                after -= 1
                yield Line(path, number, text, False)
            elif context:
                before.append(Line(path, number, text, False))


def search(query: Query) -> list[Line]:
    """Blocking; run it in a thread. Stops after `query.max_matches` matches."""
    regex = compile_query(query)
    lines: list[Line] = []
    matches = 0
    for path in _walk(query.root, query.glob):
        for line in _search_file(path, regex, query.context):
            lines.append(line)
            matches += line.is_match
            if matches >= query.max_matches:
                return lines
    return lines
