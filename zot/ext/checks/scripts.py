"""Programs a manifest starts: is each one a program, and is it there?

- `exec: "python3 main.py"` is a command line in one word: zot would look for a program named
  `python3 main.py`. The same goes for `run: {argv: ["pytest -q"]}`.
- `exec: ./bin/guard` or `args: [main.py]` naming a file the folder does not hold: the script
  can never start.
- A program not on PATH here is a warning: it may exist on the machine that runs zot. A missing
  file is a warning too: the script cannot start, but the manifest's rules still apply (an error
  would keep the whole extension, its deny rules included, from loading).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

from zot.diagnostics import Diagnostic
from zot.ext.checks.sites import mapping, seq
from zot.yamlio import Document

SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".sh", ".bash", ".rb", ".pl", ".php", ".lua", ".jar")


def _is_path(word: str) -> bool:
    return os.sep in word or word.startswith("~")


def _names_file(word: str) -> bool:
    """An argument that is a script file: `main.py`, `./run`, `lib/tool.js` (not `-m`, not a URL)."""
    if not word or word.startswith("-") or "://" in word or "{{" in word or "=" in word:
        return False
    return word.endswith(SCRIPT_SUFFIXES) or word.startswith(("./", "../"))


def _file(folder: Path, word: str) -> Path:
    path = Path(os.path.expanduser(word))
    return path if path.is_absolute() else folder / path


def check_script(doc: Document, m: dict) -> Iterator[Diagnostic]:
    script = mapping(m.get("script"))
    exec_ = script.get("exec")
    folder = doc.path.resolve().parent
    if not isinstance(exec_, str) or not exec_.strip():
        return      # the schema says what is missing; the arguments matter once there is a program
    words = exec_.split()
    yield from _program(doc, ("script", "exec"), exec_, folder, "`exec`",
                        f"write the program in `exec` and each argument in `args`: exec: {words[0]} "
                        f"and args: [{', '.join(words[1:])}]")
    for i, word in enumerate(seq(script.get("args"))):
        if isinstance(word, str) and _names_file(word) and not _file(folder, word).exists():
            yield doc.diag(("script", "args", i), "missing-file",
                           f"there is no file `{word}` in the extension's folder ({folder})",
                           "paths in `args` are relative to the folder of extension.yaml: check the name",
                           severity="warning")


def _program(doc: Document, path: tuple, word: str, folder: Path, what: str, split_hint: str
             ) -> Iterator[Diagnostic]:
    if any(c.isspace() for c in word.strip()) and not _file(folder, word).exists():
        yield doc.diag(path, "command-line", f"`{word}` is a command line, but {what} is one program: zot "
                       f"would look for a program named `{word}`", split_hint)
        return
    if _is_path(word):
        if not _file(folder, word).is_file():
            yield doc.diag(path, "missing-file", f"there is no file `{word}` (looked in {folder})",
                           "a path here is relative to the folder of extension.yaml", severity="warning")
    elif shutil.which(word) is None and not (folder / word).is_file():
        yield doc.diag(path, "not-on-path", f"the program `{word}` is not on PATH here (nor a file in the "
                       "extension's folder)", "install it, or give a path relative to the extension's folder; "
                       "zot looks it up again when it starts the program", severity="warning")


def run_sites(m: dict) -> Iterator[tuple[tuple, dict]]:
    for section in ("tools", "commands", "widgets"):
        for name, item in mapping(m.get(section)).items():
            if isinstance(mapping(item).get("run"), dict):
                yield (section, name, "run"), item["run"]
    for i, hook in enumerate(seq(m.get("hooks"))):
        if isinstance(mapping(hook).get("run"), dict):
            yield ("hooks", i, "run"), hook["run"]


def check_argv(doc: Document, m: dict) -> Iterator[Diagnostic]:
    """`argv: ["pytest -q"]`: the first word is a whole command line (only when it is not a template)."""
    for path, run in run_sites(m):
        argv = seq(run.get("argv"))
        first = argv[0] if argv else None
        if isinstance(first, str) and "{{" not in first and "{%" not in first and \
                any(c.isspace() for c in first.strip()):
            words = first.split()
            yield doc.diag(path + ("argv", 0), "command-line",
                           f"`{first}` is a command line, but each argv item is one word: zot would run a "
                           f"program named `{first}`", "split it into words: argv: [" + ", ".join(words) + ", ...]")


def check_programs(doc: Document, m: dict) -> list[Diagnostic]:
    return [*check_script(doc, m), *check_argv(doc, m)]
