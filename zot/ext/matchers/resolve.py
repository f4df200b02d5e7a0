"""Where a shell word points on disk, as far as that can be known when the call is judged.

``resolve(word, base)`` gives one of:

* a ``Path``: absolute, ``~``/``$HOME``/``$PWD``/``$ZOT_HOME``/``..`` and existing symlinks
  resolved;
* ``UNKNOWN``: computed at run time from data (``$(cat f)``, ``read``), or longer than any path
  the system accepts: a deny or confirm rule treats it as matching;
* ``NOWHERE``: a fresh ``mktemp`` path or a process-substitution pipe: no file anyone protects;
* a ``Partial``: known up to a part taken from the environment or a plain-name command
  (``$OUT``, ``build/$(date +%s).log``). That part is one path segment shown as ``PLACEHOLDER``
  (it never equals a protected name); ``anywhere`` says the path may start anywhere (it begins
  with such a part, so it may be absolute), which ``inside_project`` tests cannot rule out.

``folders(dirs, cwd)`` resolves the ``cd`` steps of a command (``model.PathUse.dirs``) into the
folders it may run in; a ``cd`` into a folder that does not exist may fail, so the line may also
still be where it was. ``hard_links`` finds the other names of a file with several links.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from zot.ext.shell.value import ANY, ENV, FRESH, PIPE, Word

PLACEHOLDER = "\ufffc"
MAX_PATH = 4096          # PATH_MAX: a longer path cannot be opened, so it is not checked further
MAX_FOLDERS = 8
MAX_SCAN = 20_000        # directory entries looked at to find a file's other hard links
SCAN_SECONDS = 0.05
SKIP_DIRS = frozenset({"node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
                       ".pytest_cache", ".cache", "objects"})


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


UNKNOWN = None
NOWHERE = _Marker("NOWHERE")


@dataclass(frozen=True, slots=True)
class Partial:
    path: Path
    anywhere: bool
    text: str


Resolved = Union[Path, Partial, _Marker, None]
Base = Union[Path, Partial, _Marker, None]
_HOME_VARS = ("$HOME", "${HOME}")
_PWD_VARS = ("$PWD", "${PWD}")
_ZOT_HOME_VARS = ("$ZOT_HOME", "${ZOT_HOME}")


def _zot_home() -> str:
    from zot.config import zot_home

    return os.path.realpath(zot_home())


def _plain_parts(text: str) -> tuple[tuple[str, str], ...]:
    """A plain string that still holds ``$`` (an option value split off a word): read its
    expansions from the text, failing closed on anything but plain variables."""
    if "$" not in text and "`" not in text:
        return ((text, ""),)
    if "$(" in text or "`" in text:
        return ((text, ANY),)
    import re
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in re.finditer(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])", text):
        parts.append((text[pos:m.start()], ""))
        inner = m.group(0)
        parts.append((inner, ENV if re.fullmatch(r"\$\{?[A-Za-z_]\w*\}?", inner) else ANY))
        pos = m.end()
    parts.append((text[pos:], ""))
    return tuple(p for p in parts if p[0])


def resolve(word: str, base: Base) -> Resolved:
    """See the module docstring. ``base`` is the folder a relative path is relative to."""
    if len(word) > MAX_PATH:
        return UNKNOWN
    parts = word.parts if isinstance(word, Word) else _plain_parts(word)
    if not parts:
        return UNKNOWN
    pieces: list[str] = []
    holes = False
    anywhere = False
    fresh = False
    for i, (text, kind) in enumerate(parts):
        if kind == "":
            pieces.append(text)
        elif kind == ANY:
            return UNKNOWN
        elif kind == PIPE:
            return NOWHERE
        elif kind == FRESH:
            if i or pieces:
                return UNKNOWN
            fresh = True
        elif kind == ENV and text in _HOME_VARS and i == 0:
            pieces.append(str(Path.home()))
        elif kind == ENV and text in _ZOT_HOME_VARS and i == 0:
            pieces.append(_zot_home())           # zot's own folder: zot knows where it is
        elif kind == ENV and text in _PWD_VARS and i == 0:
            if not isinstance(base, Path):
                return base if base is not None else UNKNOWN
            pieces.append(str(base))
        else:                                    # ENV or NAME: one segment nobody can name
            if i == 0 and kind == ENV:
                anywhere = True
            pieces.append(PLACEHOLDER)
            holes = True
    text = "".join(pieces)
    if fresh:
        depth = 0
        for segment in text.split("/"):
            depth += -1 if segment == ".." else (0 if segment in ("", ".") else 1)
            if depth < 0:
                return UNKNOWN                   # `$tmp/..`: out of the fresh folder
        return NOWHERE
    if not holes:
        return _known(text, base)
    if text.startswith("~"):
        text = str(Path.home()) + text[1:] if text == "~" or text.startswith("~/") else text
    if anywhere:
        return Partial(Path(os.path.normpath("/" + text)), True, str(word))
    if not os.path.isabs(text):
        if base is NOWHERE:
            return NOWHERE
        if not isinstance(base, (Path, Partial)):
            return UNKNOWN
        root = base.path if isinstance(base, Partial) else base
        anywhere = isinstance(base, Partial) and base.anywhere
        text = str(root / text)
    head, _, tail = text.partition(PLACEHOLDER)
    real = os.path.realpath(head) if head not in ("", "/") else head
    joined = os.path.normpath(real + ("/" if head.endswith("/") else "") + PLACEHOLDER + tail)
    return Partial(Path(joined), anywhere, str(word))


def _known(text: str, base: Base) -> Resolved:
    text = text.strip() if text.strip() else text
    if not text:
        return UNKNOWN
    if text == "~" or text.startswith("~/"):
        text = str(Path.home()) + text[1:]
    elif text.startswith("~"):
        return UNKNOWN                           # ~user: someone's home
    if os.path.isabs(text):
        return Path(os.path.realpath(text))
    if base is NOWHERE or base is UNKNOWN:
        return base
    if isinstance(base, Partial):
        return Partial(Path(os.path.normpath(str(base.path / text))), base.anywhere, text)
    return Path(os.path.realpath(base / text))


def folders(dirs: tuple[tuple[str, ...], ...], cwd: Path, memo: dict) -> list[Base]:
    """The folders a command with these ``cd`` steps may run in (see the module docstring)."""
    key = ("folders", dirs, cwd)
    if key in memo:
        return memo[key]
    out: list[Base] = []
    for chain in dirs:
        bases: list[Base] = [cwd]
        for step in chain:
            nxt: list[Base] = []
            for base in bases:
                moved = resolve(step, base)
                nxt.append(moved)
                if isinstance(moved, Path) and not moved.is_dir():
                    nxt.append(base)              # the cd may fail and leave the line here
            bases = list(dict.fromkeys(nxt))
            if len(bases) > MAX_FOLDERS:
                bases = [UNKNOWN]
        out.extend(b for b in bases if b not in out)
    memo[key] = out[:MAX_FOLDERS] if len(out) <= MAX_FOLDERS else [UNKNOWN]
    return memo[key]


def hard_links(path: Path, roots: list[Path], memo: dict) -> list[Resolved]:
    """Other names of ``path`` when it is a file with several hard links, found under
    ``roots`` (bounded: past ``MAX_SCAN`` entries or ``SCAN_SECONDS`` it is UNKNOWN)."""
    try:
        st = os.stat(path)
    except OSError:
        return []
    if st.st_nlink <= 1 or not os.path.isfile(path):
        return []
    key = ("inode", st.st_dev, st.st_ino)
    if key in memo:
        return memo[key]
    found: list[Resolved] = []
    seen = 0
    deadline = time.monotonic() + SCAN_SECONDS
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            seen += len(files) + len(dirs)
            if seen > MAX_SCAN or time.monotonic() > deadline:
                memo[key] = [UNKNOWN]
                return memo[key]
            for name in files:
                other = os.path.join(folder, name)
                try:
                    ost = os.stat(other, follow_symlinks=False)
                except OSError:
                    continue
                if (ost.st_dev, ost.st_ino) == (st.st_dev, st.st_ino) and Path(other) != path:
                    found.append(Path(os.path.realpath(other)))
    memo[key] = found
    return found
