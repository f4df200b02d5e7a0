"""Shell-aware guards: turn a bash command line into the simple commands a guard looks at.

A pure library (tree-sitter-bash, nothing else from zot). ``parse_command_line`` finds every
simple command in pipelines, lists, subshells, groups, substitutions (``$()``, backquotes,
``<()``/``>()``, inside strings and assignments), control structures and function bodies; in
strings run as shell code (``bash|sh|zsh|dash|ksh|fish -c``, ``eval``, ``su -c``, ``watch``,
``flock -c``, ``trap``, ``env -S``, ``git rebase --exec``); in ``xargs`` and ``find -exec``;
and through wrappers (``sudo``, ``doas``, ``env``, ``nice``, ``nohup``, ``timeout``, ``time``,
``command``, ``exec``, ``stdbuf``, ``ionice``, ``setsid``, ``chroot``, ``busybox``, ...), which
stay commands themselves. Options are normalised (``-rf`` == ``--recursive --force`` ->
``{r, f}``; tables in ``tables.py``). Quoted arguments and here-documents are data.

Modules: ``parse.py`` (the walk), ``words.py`` (quote removal), ``flags.py`` + ``tables.py`` +
``find.py`` (options), ``wrappers.py`` (what runs what), ``stdin.py`` (text fed to a shell),
``grammar.py`` (tree-sitter, behind an ASCII shadow: its scanner crashes on some code points).

Decisions, for guard authors:

* **Fail closed.** A line tree-sitter cannot read (including a few valid but rare forms it does
  not support: ``<>``, two here-documents on one command), a string run by ``bash -c``/``eval``
  that cannot be read, a line over 64 KiB, strings nested deeper than ``MAX_NESTING`` (8) or
  syntax deeper than 200 levels, or too much nested code in all: ``error`` is set and guards
  treat the line as matching. The commands found so far are still returned.
* **tee** file arguments are listed in ``ShellLine.writes`` with ``is_tee=True`` (``op`` ``">"``,
  or ``">>"`` with ``-a``), so "every file this line writes" is one list. ``/dev/null`` is
  listed like any file; the path matcher decides what is harmless.
* **A shell reading stdin** (``bash``/``sh`` with no ``-c`` and no script, or ``-s``) runs the
  text when the line holds it: a here-document (quoted or not), a here-string, or a pipe from
  ``echo``/``printf``/``cat <<EOF``; those commands have via ``"<shell> stdin"``. When the text
  is not in the line (``curl ... | sh``, ``sh < file``), the shell is seen but not what it runs,
  as for ``bash script.sh``: not an error. Guard those with ``program: [sh, bash]``.
* **Unquoted here-documents** expand ``$(...)`` and backquotes, so those run and are seen.
* **Dynamic program names** (``$SHELL -c ...``, ``"$(which rm)" ...``) keep their source
  text as ``program``; nothing is guessed. A strict guard can match ``program: "$*"``.
* **Not seen** (they run elsewhere or later): ``ssh host CMD``, ``docker run/exec ... CMD``,
  aliases, functions called by name (their bodies are seen where defined, via ``function``),
  ``source FILE``, make recipes, commands git reads from config.
* ``via`` labels: ``pipeline``, ``subshell``, ``function``, ``$()``, two backquotes (for
  `...`), ``<()``, ``>()``, ``<shell> -c``, ``<shell> stdin``, ``eval``, ``trap``, ``watch``, ``env -S``, ``su -c``,
  ``flock -c``, ``git rebase --exec``, ``xargs``, ``find -exec`` (or ``-execdir``/``-ok``/
  ``-okdir``), and a wrapper's name. Lists, groups, ``if``/``while``/``for``/``case`` add none.
  ``commands`` come in execution order, roughly: source order, a command's substitutions
  before it (they run first), what it runs (wrapped commands, ``-c`` strings) after it.
"""
from __future__ import annotations

from functools import lru_cache

from .flags import FLAG_ALIASES, OPTION_SPECS, has_flag, normalise
from .model import Redirect, ShellLine, SimpleCommand
from .parse import MAX_NESTING, MAX_SOURCE_BYTES
from .parse import parse as _parse_uncached   # keeps `zot.ext.shell.parse` the module

__all__ = [
    "FLAG_ALIASES", "MAX_NESTING", "MAX_SOURCE_BYTES", "OPTION_SPECS", "Redirect",
    "ShellLine", "SimpleCommand", "has_flag", "normalise", "parse_command_line",
]


@lru_cache(maxsize=2048)
def parse_command_line(src: str) -> ShellLine:
    """Parse ``src`` into a ``ShellLine``.

    Cached on the string, because several guards look at the same command one after another;
    the result is immutable, so sharing it is safe. Never raises on bad input: a line that is
    unparsable, larger than 64 KiB or nested deeper than ``MAX_NESTING`` strings has ``error``
    set, with whatever commands could be found. Should the parser itself fail (a bug), the
    line comes back unparsable rather than raising into the guard: fail closed.
    """
    try:
        return _parse_uncached(src)
    except Exception as exc:  # noqa: BLE001 - a guard must get an answer, and it is "no"
        return ShellLine((), (), f"cannot check the command: {type(exc).__name__}: {exc}")
