"""Files an extension keeps inside `.zot/` but outside `.zot/data/`.

Trust hashes every file under `.zot/` except `.zot/data/` (docs/trust.md), so a hook that logs
to `.zot/logs/x.jsonl` would make the project untrusted after every write, and its rules would
drop to their restrictive part. The place for such files is `{{ project_data_dir }}`.
"""
from __future__ import annotations

import re
from typing import Iterator

from zot.diagnostics import Diagnostic
from zot.ext.checks.scripts import run_sites
from zot.ext.checks.sites import mapping, seq
from zot.yamlio import Document

_PROJECT = re.compile(r"^\{\{-?\s*project\s*-?\}\}/")


def in_hashed_zot(path: str) -> bool:
    """`.zot/logs/x` (also `./.zot/...`, `{{ project }}/.zot/...`): hashed by trust."""
    text = _PROJECT.sub("", path.strip())
    while text.startswith("./"):
        text = text[2:]
    if not text.startswith(".zot/"):
        return False
    return not text.startswith((".zot/data/", ".zot/extensions/", ".zot/recipes/"))


def _warn(doc: Document, path: tuple, written: str, what: str) -> Diagnostic:
    tail = written.strip().rsplit("/", 1)[-1] or "file"
    return doc.diag(path, "untrusts-project",
                    f"{what} `{written}` is inside `.zot/` but not in `.zot/data/`: trust hashes it, so every "
                    "write makes the project untrusted", f"keep it in the extension's data folder, which trust "
                    f"does not hash: \"{{{{ project_data_dir }}}}/{tail}\"", severity="warning")


def check_data_files(doc: Document, m: dict) -> Iterator[Diagnostic]:
    for i, hook in enumerate(seq(m.get("hooks"))):
        target = mapping(mapping(hook).get("log")).get("file")
        if isinstance(target, str) and in_hashed_zot(target):
            yield _warn(doc, ("hooks", i, "log", "file"), target, "the log file")
    for path, run in run_sites(m):
        for j, word in enumerate(seq(run.get("argv"))[1:], 1):
            if isinstance(word, str) and in_hashed_zot(word):
                yield _warn(doc, path + ("argv", j), word, "the file")
