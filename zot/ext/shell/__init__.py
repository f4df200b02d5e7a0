"""Shell-aware guards: turn a bash command line into the simple commands a guard looks at.

A pure library (tree-sitter-bash, nothing else from zot). ``parse_command_line`` finds every
simple command in pipelines, lists, subshells, groups, substitutions (``$()``, backquotes,
``<()``/``>()``, inside strings and assignments), control structures and function bodies,
after the keywords ``time``/``coproc``/``!`` (``time { ...; }``, ``coproc NAME { ...; }``); in
strings run as shell code (``bash|sh|zsh|dash|ksh|fish -c``, ``eval``, ``su -c``, ``watch``,
``flock -c``, ``trap``, ``env -S``, ``git rebase --exec``, ``script -c``, ``strace -o '|CMD'``,
``firejail -c``, GNU ``parallel``/``sem``, and ``-c`` of a program named by an expansion); in
``xargs`` and ``find -exec``; and through wrappers (``sudo``, ``doas``, ``env``, ``nice``,
``nohup``, ``timeout``, ``time``, ``command``, ``exec``, ``stdbuf``, ``ionice``, ``setsid``,
``chroot``, ``busybox``, ``strace``, ``ltrace``, ``valgrind``, ``catchsegv``, ``unbuffer``,
``faketime``, ``firejail``, ``proot``, ``fakeroot``, ``unshare``, ``nsenter``, ``taskset``,
``chrt``, ``systemd-run``, ``xvfb-run``, ...), which stay commands themselves. Options are
normalised (``-rf`` == ``--recursive --force`` -> ``{r, f}``; tables in ``tables.py``). Quoted
arguments and here-documents are data.

Modules: ``parse.py`` (the walk), ``words.py`` (quote removal), ``flags.py`` + ``tables.py`` +
``find.py`` (options), ``wrappers.py`` (what runs what), ``stdin.py`` (text fed to a shell),
``grammar.py`` (tree-sitter, behind a same-length shadow of the line: ASCII only, because its
scanner crashes on some code points, and with the misreadings below worked around).

Decisions, for guard authors:

* **Fail closed.** A line tree-sitter cannot read (including a few valid but rare forms it does
  not support: ``<>``, two here-documents on one command), a string run by ``bash -c``/``eval``
  that cannot be read, a line over 64 KiB, strings nested deeper than ``MAX_NESTING`` (8) or
  syntax deeper than 200 levels, ``time``/``coproc``/``!`` before compound commands needing
  more than ``grammar.MAX_KEYWORD_PASSES`` (8) reparses, or too much nested code in all:
  ``error`` is set and guards treat the line as matching. The commands found so far are still
  returned.
* **tee** file arguments are listed in ``ShellLine.writes`` with ``is_tee=True`` (``op`` ``">"``,
  or ``">>"`` with ``-a``), so "every file this line writes" is one list. ``/dev/null`` is
  listed like any file; the path matcher decides what is harmless.
* **A shell reading stdin** (``bash``/``sh`` with no ``-c`` and no script, or ``-s``) runs the
  text when the line holds it: a here-document (quoted or not), a here-string, or a pipe from
  ``echo``/``printf``/``cat <<EOF``; those commands have via ``"<shell> stdin"``. When the text
  is not in the line (``curl ... | sh``, ``sh < file``), the shell is seen but not what it runs,
  as for ``bash script.sh``: not an error. Guard those with ``program: [sh, bash]``.
  ``script`` with no command and ``parallel`` with no command and no ``:::`` read stdin the
  same way (via ``script stdin``, ``parallel stdin``).
* **Unquoted here-documents** expand ``$(...)`` and backquotes, so those run and are seen.
* **Dynamic program names** (``$SHELL -c ...``, ``"$(which rm)" ...``) keep their source
  text as ``program``. A strict guard can match ``program: "$*"``. Such a program may be a
  shell, so its arguments are also read as a shell's and a ``-c STRING`` is parsed as shell
  code, via ``"<name> -c"`` (``"$SHELL" -c 'rm -rf ~'`` -> ``rm`` via ``$SHELL -c``). This
  fails closed: ``"$PYTHON" -c CODE`` is read as shell code too, and Python that is no valid
  shell sets ``error`` (write ``python -c`` to avoid it). Nothing else is guessed: ``$SUDO rm``
  is not read as a wrapper, ``$X <<EOF`` not as a shell reading stdin.
* **``time``, ``coproc`` and ``!`` before a compound command**: tree-sitter knows neither
  keyword and reads ``time { rm x; }`` as a command ``time`` with the words ``{ rm x`` (and
  ``! { ...; }``, ``! if ...``, ``! ! cmd`` likewise). ``grammar.py`` blanks the keyword in the
  copy tree-sitter parses, parses again, and the keyword comes back as a command of its own
  (``time`` with flag ``p`` for ``time -p``; ``coproc`` with positional ``NAME``), whose body is
  reached via ``time``/``coproc``. ``!`` adds no command and no label. ``time rm x`` and
  ``coproc rm x`` are read as wrappers, as before. ``X=1 time { ...; }`` is not the keyword
  in bash either and is left alone.
* **A ``~`` starting a word** is an operator to tree-sitter inside ``[ ]``/``[[ ]]``, so
  ``[ -d ~ ]`` failed to parse. When a line does not parse, ``~`` at a word start is replaced
  by a letter in tree-sitter's copy and the line parsed again; words are read from the real
  text, so ``rm -rf ~`` still has positional ``~``. ``[ ]`` and ``[[ ]]`` stay conditions, not
  commands: only the substitutions inside them are walked.
* **GNU ``parallel``/``sem``** join the command's words and run them with a shell (as
  parallel does, unless ``-q``), so ``parallel 'rm -rf {}' ::: a`` finds ``rm``. What parallel
  fills in is unknown, as for ``xargs``: the shell matcher treats a command reached via
  ``parallel`` like one via ``xargs`` (its words could be anything). ``sem`` runs its command
  once with the words given: via ``sem``, words known.
* **Not seen** (they run elsewhere or later): ``ssh host CMD``, ``docker run/exec ... CMD``,
  aliases, functions called by name (their bodies are seen where defined, via ``function``),
  ``source FILE``, make recipes, commands git reads from config.
* ``via`` labels: ``pipeline``, ``subshell``, ``function``, ``$()``, two backquotes (for
  `...`), ``<()``, ``>()``, ``<shell> -c``, ``<shell> stdin``, ``eval``, ``trap``, ``watch``,
  ``env -S``, ``su -c``, ``flock -c``, ``git rebase --exec``, ``script -c``, ``script stdin``,
  ``strace -o``, ``firejail -c``, ``parallel``, ``parallel stdin``, ``sem``, ``<$name> -c``
  (``$SHELL -c``), ``xargs``, ``find -exec`` (or ``-execdir``/``-ok``/``-okdir``), ``time``
  and ``coproc`` (keyword or wrapper), and a wrapper's name. Lists, groups, ``!``,
  ``if``/``while``/``for``/``case`` add none.
  ``commands`` come in execution order, roughly: source order, a command's substitutions
  before it (they run first), what it runs (wrapped commands, ``-c`` strings) after it.
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
