"""The normalised reading of one argv: shared by ``flags.py``, ``find.py`` and ``wrappers.py``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Options:
    """The normalised reading of one argv (without argv[0])."""

    flags: frozenset[str]
    positionals: tuple[str, ...]
    subcommand: str | None
    values: tuple[tuple[str, str], ...] = ()
    first: int | None = None   # index in args of the first positional (where a wrapped cmd starts)
    execs: tuple[tuple[str, int, int], ...] = ()  # find: (label, start, end) of each -exec
    dashdash: int | None = None   # how many positionals (after a subcommand) came before `--`

    def value(self, name: str) -> str | None:
        """The last value given for option ``name`` (canonical name), if any."""
        found = None
        for key, val in self.values:
            if key == name:
                found = val
        return found
