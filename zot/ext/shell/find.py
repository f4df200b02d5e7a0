"""``find``'s own option language: predicates are words, and ``-exec`` runs commands.

``find . -name '*.pyc' -delete`` reads as flags ``{"name", "delete"}`` (the predicate names
without the dash), positionals ``(".",)`` (the start points; ``.`` when none is given, as find
does) and value ``("name", "*.pyc")``.
``-exec``/``-execdir``/``-ok``/``-okdir`` up to ``;`` or ``{} +`` are returned as spans so
the caller can treat the command inside as a command of its own.
"""
from __future__ import annotations

from typing import Sequence

from .options import Options

_ONE_VALUE = frozenset(
    "name iname path ipath wholename iwholename regex iregex regextype type xtype user group "
    "uid gid perm size mtime atime ctime mmin amin cmin newer anewer cnewer links inum "
    "samefile maxdepth mindepth fstype lname ilname used context printf fprint fprint0 fls "
    "files0-from D".split())
EXEC_PREDICATES = frozenset({"exec", "execdir", "ok", "okdir"})
_OPERATORS = frozenset({"(", ")", "!", ","})


def _exec_end(args: Sequence[str], start: int) -> int:
    """Index of the ``;`` (or the ``+`` after ``{}``) closing an -exec that starts at start."""
    for j in range(start, len(args)):
        if args[j] == ";" or (args[j] == "+" and j > start and args[j - 1] == "{}"):
            return j
    return len(args)


def parse_find(args: Sequence[str]) -> Options:
    """Read find's arguments; see the module docstring for the shape of the result."""
    flags: list[str] = []
    values: list[tuple[str, str]] = []
    starts: list[str] = []
    execs: list[tuple[str, int, int]] = []
    n = len(args)
    i = 0
    while i < n and args[i] in ("-H", "-L", "-P", "-D") or (i < n and args[i][:2] == "-O"):
        flags.append(args[i][1:2])
        i += 2 if args[i] == "-D" else 1
    if i < n and args[i] == "--":          # find -- ~ -delete: the start points follow
        i += 1
    in_expression = False
    while i < n:
        word = args[i]
        if word in _OPERATORS:
            in_expression = True
            i += 1
            continue
        if word[:1] != "-" or len(word) < 2:
            if not in_expression:
                starts.append(word)
            i += 1
            continue
        in_expression = True
        name = word[1:]
        flags.append(name)
        if name in EXEC_PREDICATES:
            end = _exec_end(args, i + 1)
            execs.append((f"find -{name}", i + 1, end))
            i = end + 1
        elif name in _ONE_VALUE or name.startswith("newer"):
            if i + 1 < n:
                values.append((name, args[i + 1]))
            i += 2
        elif name == "fprintf":
            if i + 1 < n:
                values.append((name, args[i + 1]))
            i += 3
        else:
            i += 1
    if not starts:                         # no start point: find searches `.`
        starts.append(".")
    return Options(frozenset(flags), tuple(starts), starts[0], tuple(values), None, tuple(execs))
