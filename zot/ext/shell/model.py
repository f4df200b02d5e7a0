"""The values the shell library hands to guards.

Frozen dataclasses of tuples, so a parsed line can be cached and shared between guards
without anyone mutating it. Words are ``str``; a word with parts nobody can know before the line
runs is a ``value.Word`` (still a ``str``), which says how it is unknown.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# how a command uses a path (PathUse.how)
READ = "read"          # reads it: cat, grep, cp SRC, `< file`, dd if=, sources and scripts
WRITE = "write"        # creates or replaces it: `>`, tee, cp DST, mv DST, install, dd of=, curl -o
APPEND = "append"      # adds to its end: `>>`, tee -a
CHANGE = "change"      # changes it in place: sed -i, perl -i, chmod, chown, touch, truncate, edit
DELETE = "delete"      # removes it: rm, rmdir, unlink, mv SRC, find -delete, git rm
LINK = "link"          # makes it a link (``target`` says to what): ln, ln -s
WRITING = frozenset({WRITE, APPEND, CHANGE, DELETE, LINK})

Dirs = tuple[tuple[str, ...], ...]
START: Dirs = ((),)    # no `cd` yet: the working directory the call runs in


@dataclass(frozen=True, slots=True)
class PathUse:
    """One path a command line reads or writes, and how (``READ``, ``WRITE``, ``APPEND``, ...).

    ``path`` is the word as bash would pass it (``~``, ``..``, unknown parts are left for the
    path matcher to resolve). ``dirs`` are the folders a relative path is relative to: each is
    the ``cd``/``pushd`` steps taken from the working directory (several when the line may go
    more than one way; ``()`` is the working directory itself). ``target`` is what a ``LINK``
    points to; ``maybe`` marks a word that is a path only if such a file exists when the call
    is judged (``git checkout NAME``: a branch, or a file to overwrite). ``program`` is who uses
    it (``>`` for a redirection)."""

    path: str
    how: str
    dirs: Dirs = START
    program: str = ""
    target: str | None = None
    maybe: bool = False

    @property
    def writes(self) -> bool:
        return self.how in WRITING


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
    dirs: Dirs = field(default=START, compare=False)


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

    What zot could not know is said, not guessed: ``unknown`` is why the program name is only
    known at run time (``$X``, ``/bin/r?``, ``"$(cmd)"``), ``open_args`` that some argument may
    be any option (a word computed at run time, words ``xargs`` reads); ``hidden`` marks an
    entry that stands for code the line runs but nobody can read before it runs (``curl | sh``,
    ``eval "$X"``), ``code_from`` naming the programs whose output that code is (``"$"``: a
    variable zot cannot follow, ``"?"``: a program with an unknown name). ``dirs`` are the folders
    the command may run in (see ``PathUse``), ``uses`` the paths it reads and writes.
    """

    program: str
    argv: tuple[str, ...]
    flags: frozenset[str]
    positionals: tuple[str, ...]
    subcommand: str | None
    via: tuple[str, ...]
    text: str
    flag_values: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    unknown: str | None = field(default=None, compare=False)
    open_args: bool = field(default=False, compare=False)
    hidden: str | None = field(default=None, compare=False)
    code_from: frozenset[str] = field(default=frozenset(), compare=False)
    dirs: Dirs = field(default=START, compare=False)
    uses: tuple[PathUse, ...] = field(default=(), compare=False)


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
    uses: tuple[PathUse, ...] = ()

    def programs(self) -> tuple[str, ...]:
        """The program of every command, in order: handy in tests and logs."""
        return tuple(c.program for c in self.commands if c.hidden is None)

    def hidden(self) -> tuple[SimpleCommand, ...]:
        """The entries that stand for code nobody can read before it runs."""
        return tuple(c for c in self.commands if c.hidden is not None)

    def written(self) -> tuple[PathUse, ...]:
        """Every path the line writes, appends to, changes, deletes or turns into a link."""
        return tuple(u for u in self.uses if u.writes)
