"""Shell-aware guards: turn a bash command line into what a guard looks at.

A pure library (tree-sitter-bash, nothing else from zot). ``parse_command_line`` reads the line
the way bash will run it and returns a ``ShellLine``: every simple command (``SimpleCommand``),
every file it writes (``Redirect``), and every path it reads or writes (``PathUse``: the API a
path rule consumes, read and write uses apart), or ``error`` when it cannot be read.

Modules: ``parse.py`` (the walk: subshells, functions, substitutions, nested code),
``walk_flow.py`` (lists, branches, loops), ``walk_commands.py`` (one simple command: its
words, what it runs), ``walk_redirects.py`` (redirections, here-documents, pipelines),
``expand.py`` + ``params.py`` + ``braces.py`` + ``backquotes.py`` (a word as bash expands it),
``state.py`` (what the line has set: variables, arguments, folder), ``value.py`` (words with
unknown parts), ``builtins.py`` (``cd``, ``set``, ``read``... and known substitution values),
``doors.py`` (where code comes from: strings, files, stdin), ``wrappers.py`` (what runs what),
``pathuse.py`` (which paths a program reads and writes), ``flags.py`` + ``tables.py`` +
``long_options.py`` + ``find.py`` (options), ``grammar.py`` (tree-sitter, behind a same-length
shadow of the line that works around its misreadings).

Decisions, for guard authors (``docs/guards.md`` has the full list and the residual risk):

* **Words are expanded.** Quotes and escapes are removed in every word, the program name
  included; braces, variables and arrays the line sets, ``${...}`` operators, ``IFS`` splitting
  and substitutions whose value is known (``$(echo rm)``, ``$(mktemp)``) are applied. Where bash
  may go several ways, a command is recorded once per way its words may go.
* **Unknown is said, not guessed.** A word nobody can know before the line runs is a
  ``value.Word`` naming how (the environment, a plain name, computed from data, a fresh
  temporary, a pipe). A command whose program is not known has ``unknown`` set; one whose
  arguments may be any option has ``open_args``; code the line runs that nobody can read first
  is an entry with ``hidden`` and ``code_from`` (the programs that make it).
* **Fail closed.** A line tree-sitter cannot read, a string run as code that cannot be read,
  a line over 2 MiB or 20,000 syntax nodes, strings nested deeper than ``MAX_NESTING`` (8):
  ``error`` is set and guards treat the line as matching. What was found is still returned.
* **tee** file arguments are listed in ``ShellLine.writes`` with ``is_tee=True``; ``/dev/null``
  is listed like any file: the path matcher decides what is harmless.
* ``via`` labels say how a command was reached, outermost first: ``pipeline``, ``subshell``,
  ``function``, ``$()``, two backquotes, ``<()``, ``>()``, ``<shell> -c``, ``<shell> stdin``,
  ``eval``, ``trap``, ``mapfile -C``, ``${@P}``, ``alias``, ``watch``, ``env -S``, ``su -c``,
  ``flock -c``, ``git rebase --exec``, ``script -c``, ``strace -o``, ``firejail -c``,
  ``parallel``, ``sem``, ``xargs``, ``find -exec``, ``time``, ``coproc``, a wrapper's name.
  ``commands`` come in execution order, roughly: a command's substitutions before it (they run
  first), what it runs after it.
"""
from __future__ import annotations

from functools import lru_cache

from .flags import FLAG_ALIASES, OPTION_SPECS, has_flag, normalise
from .model import (APPEND, CHANGE, DELETE, LINK, READ, WRITE, WRITING, PathUse, Redirect,
                    ShellLine, SimpleCommand)
from .parse import MAX_NESTING, MAX_SOURCE_BYTES
from .parse import parse as _parse_uncached   # keeps `zot.ext.shell.parse` the module
from .value import Word

__all__ = [
    "APPEND", "CHANGE", "DELETE", "FLAG_ALIASES", "LINK", "MAX_NESTING", "MAX_SOURCE_BYTES",
    "OPTION_SPECS", "PathUse", "READ", "Redirect", "ShellLine", "SimpleCommand", "WRITE",
    "WRITING", "Word", "has_flag", "normalise", "parse_command_line",
]


BIG_LINE = 64 * 1024      # longer lines share a small cache: 2048 of them would hold gigabytes


def parse_command_line(src: str) -> ShellLine:
    """Parse ``src`` into a ``ShellLine``.

    Cached on the string, because several guards look at the same command one after another;
    the result is immutable, so sharing it is safe. Never raises on bad input: a line that is
    unparsable, too large or nested too deep has ``error`` set, with whatever commands could be
    found. Should the parser itself fail (a bug), the line comes back unparsable rather than
    raising into the guard: fail closed.
    """
    return _parse_big(src) if len(src) > BIG_LINE else _parse_small(src)


def _parse_safely(src: str) -> ShellLine:
    try:
        return _parse_uncached(src)
    except Exception as exc:  # noqa: BLE001 - a guard must get an answer, and it is "no"
        return ShellLine((), (), f"cannot check the command: {type(exc).__name__}: {exc}")


_parse_small = lru_cache(maxsize=2048)(_parse_safely)
_parse_big = lru_cache(maxsize=4)(_parse_safely)


def _clear() -> None:
    _parse_small.cache_clear()
    _parse_big.cache_clear()


parse_command_line.cache_clear = _clear          # type: ignore[attr-defined]
parse_command_line.cache_info = _parse_small.cache_info   # type: ignore[attr-defined]
parse_command_line.__wrapped__ = _parse_safely            # type: ignore[attr-defined]
