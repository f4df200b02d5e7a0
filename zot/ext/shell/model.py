"""The values the shell library hands to guards.

Frozen dataclasses of tuples, so a parsed line can be cached and shared between guards
without anyone mutating it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Redirect:
    """One place the line writes a file.

    ``op`` is the operator as written, descriptor included (``">"``, ``">>"``, ``"2>"``,
    ``"&>"``, ``">|"``, ``"&>>"``, ``">&"``). A ``tee`` file argument is reported too, with
    ``op`` ``">"`` (or ``">>"`` for ``tee -a``) and ``is_tee`` set, so that "every path this
    line writes" is one list. ``target`` has quotes removed; expansions keep their source text
    (``"$OUT/log"``). ``/dev/null`` and friends are reported like any other file: the path
    matcher decides what is harmless.
    """

    op: str
    target: str
    is_tee: bool = False


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One simple command a guard should look at.

    ``program`` is the basename of argv[0] once wrappers are peeled off (``/bin/rm`` and
    ``\\rm`` are ``rm``). ``argv`` is every word with quotes removed; a word holding an
    expansion keeps its source text (``$HOME/x``). ``flags`` are normalised names (``-rf``,
    ``-r -f`` and ``--recursive --force`` all give ``{"r", "f"}`` for rm); ``flag_values``
    keeps the value of each option known to take one (``("m", "msg")`` for ``git commit -m
    msg``). ``positionals`` are the other arguments (everything after ``--``), and
    ``subcommand`` is the first of them (``push`` in ``git -C dir push``). ``via`` says how the
    command was reached, outermost first (``("sudo",)``, ``("bash -c", "pipeline")``), and
    ``text`` is its slice of the source it was parsed from.
    """

    program: str
    argv: tuple[str, ...]
    flags: frozenset[str]
    positionals: tuple[str, ...]
    subcommand: str | None
    via: tuple[str, ...]
    text: str
    flag_values: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class ShellLine:
    """A parsed command line: every simple command, every file write, and whether it parsed.

    ``error`` is set when the line (or a string it runs, such as a ``bash -c`` argument) does
    not parse, is too large, or nests too deeply. Guards must then treat the line as matching:
    what was found is returned anyway, but it may be incomplete.
    """

    commands: tuple[SimpleCommand, ...]
    writes: tuple[Redirect, ...]
    error: str | None = None

    def programs(self) -> tuple[str, ...]:
        """The program of every command, in order: handy in tests and logs."""
        return tuple(c.program for c in self.commands)
