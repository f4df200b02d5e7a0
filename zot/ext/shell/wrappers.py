"""Programs that run other programs: wrappers, shells, ``eval``, ``xargs``, ``find -exec``.

``sudo rm -rf /`` runs ``rm``; ``bash -c 'rm -rf /'`` runs a string; ``bash <<EOF`` runs its
stdin. For each such program, ``inner_commands`` says what else runs, as one of:

* ``Inner(label, start, end)``: the words ``args[start:end]`` form a command of their own
  (``sudo``, ``env``, ``timeout``, ``xargs``, ``find -exec``, ``strace``, ``valgrind``...);
* ``Script(label, text)``: ``text`` is shell code to parse in turn (``bash -c``, ``eval``,
  ``su -c``, ``watch``, ``flock -c``, ``trap``, ``env -S``, ``git rebase --exec``,
  ``script -c``, ``strace -o '|CMD'``, GNU ``parallel``/``sem``, whose command words are
  joined and run by a shell, and ``-c`` of a program named by an expansion: ``"$SHELL" -c``);
* ``ReadsStdin(label)``: the program executes its standard input (``bash`` with no script,
  ``script`` with no command, ``parallel`` with no command and no arguments); the parser
  supplies the text when the line holds it (heredoc, here-string, ``echo ... |``).

The wrapper itself stays a command too: a guard on ``sudo`` still sees ``sudo``. The keywords
``time``/``coproc`` before a compound command (``time { ...; }``) are handled in ``grammar.py``
and ``parse.py``: they are not simple commands to tree-sitter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from .doors import STDIN_FILES
from .flags import normalise
from .options import Options
from .value import join_words

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh", "fish"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True, slots=True)
class Inner:
    """``args[start:end]`` of the wrapper is a command; ``stdin`` if it inherits the wrapper's."""

    label: str
    start: int
    end: int
    stdin: bool = True


@dataclass(frozen=True, slots=True)
class Script:
    """Shell code the program runs, to be parsed recursively: in this shell (``same_shell``:
    ``eval``, ``mapfile -C``), or in a new one given ``args`` as ``$0 $1 ...`` (``bash -c``)."""

    label: str
    text: str
    args: tuple[str, ...] | None = None
    same_shell: bool = False


@dataclass(frozen=True, slots=True)
class ReadsStdin:
    """The program executes whatever arrives on its standard input."""

    label: str


Nested = Inner | Script | ReadsStdin
_Rule = Callable[[str, Sequence[str], Options], tuple[Nested, ...]]


def _skip_assignments(args: Sequence[str], start: int) -> int:
    while start < len(args) and _ASSIGNMENT.match(args[start]):
        start += 1
    return start


def _from(start: int | None, program: str, args: Sequence[str]) -> tuple[Nested, ...]:
    if start is None or start >= len(args):
        return ()
    return (Inner(program, start, len(args)),)


def _plain(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """nohup, nice, stdbuf, setsid, coproc, busybox, doas, pkexec, exec, builtin, and tools
    that run a command under watch or in a sandbox: valgrind, catchsegv, proot, fakeroot..."""
    return _from(opts.first, program, args)


def _after_one(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """timeout DURATION CMD, chroot NEWROOT CMD, faketime TIME CMD, gosu USER CMD."""
    return _from(None if opts.first is None else opts.first + 1, program, args)


def _strace(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """strace/ltrace [OPTIONS] CMD; ``strace -o '|CMD'`` (or ``'!CMD'``) pipes its output
    to CMD through ``sh -c``."""
    piped = tuple(Script(f"{program} -o", value[1:]) for name, value in opts.values
                  if program == "strace" and name == "o" and value[:1] in ("|", "!"))
    return piped + _from(opts.first, program, args)


_SPAWN_FLAGS = frozenset({"-console", "-noecho", "-nottycopy", "-nottyinit", "-pty"})
_SPAWN_VALUES = frozenset({"-ignore", "-leaveopen", "-open"})


def _unbuffer(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """unbuffer [-p] CMD: the words go to Expect's ``spawn``, which reads its own options."""
    i = 1 if args and args[0] == "-p" else 0
    while i < len(args):
        if args[i] in _SPAWN_VALUES:
            i += 2
        elif args[i] in _SPAWN_FLAGS:
            i += 1
        else:
            break
    return _from(i, program, args)


def _firejail(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """firejail [OPTIONS] CMD; ``firejail -c CMD...`` (its login-shell mode) hands the words
    to a shell, so they are read as shell code."""
    if "c" in opts.flags and opts.first is not None:
        return (Script("firejail -c", join_words(list(args[opts.first:]))),)
    return _from(opts.first, program, args)


def _taskset(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """taskset MASK CMD; ``taskset -p [MASK] PID`` changes a running process."""
    if "p" in opts.flags:
        return ()
    return _after_one(program, args, opts)


def _chrt(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """chrt [OPTIONS] [PRIORITY] CMD: the first word is the priority when it is a number and
    a word follows it; ``chrt -p`` changes a running process, ``chrt -m`` lists limits."""
    if opts.flags & {"p", "m"} or opts.first is None:
        return ()
    start = opts.first
    if start + 1 < len(args) and args[start].isdigit():
        start += 1
    return _from(start, program, args)


def _script(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """script -c STRING runs STRING with a shell; BSD/macOS ``script [-q] FILE CMD...`` runs
    CMD; with neither, the shell it starts reads script's stdin."""
    command = opts.value("c")
    if command is not None:
        return (Script("script -c", command),)
    if opts.flags & {"h", "help", "V", "version"}:
        return ()
    first = opts.first
    if first is not None and first + 1 < len(args) and args[first + 1][:1] != "-":
        return (Inner("script", first + 1, len(args)),)
    return (ReadsStdin("script stdin"),)


_PARALLEL_SEPARATORS = frozenset({":::", ":::+", "::::", "::::+"})


def _parallel(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """GNU ``parallel [OPTIONS] CMD ::: ARGS`` (or ``:::: FILES``, or lines on stdin), and
    ``sem [OPTIONS] CMD``: CMD's words are joined and run by a shell, so they are read as
    shell code (with ``-q`` they are passed as they are: a command of its own). Without CMD,
    each argument after ``:::``, or each line of stdin, is a command line."""
    start = len(args) if opts.first is None else opts.first
    end = start
    while end < len(args) and args[end] not in _PARALLEL_SEPARATORS:
        end += 1
    if end > start:
        if "q" in opts.flags:
            return (Inner(program, start, end, stdin=False),)
        return (Script(program, join_words(list(args[start:end]))),)
    found: list[Nested] = []
    separator = None
    for word in args[end:]:
        if word in _PARALLEL_SEPARATORS:
            separator = word
        elif separator in (":::", ":::+"):
            found.append(Script(program, word))
    if program == "parallel" and separator is None and opts.value("a") is None:
        found.append(ReadsStdin("parallel stdin"))
    return tuple(found)


def _sudo(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    if "e" in opts.flags:          # sudo -e FILE is sudoedit: it edits, it does not run
        return ()
    return _from(None if opts.first is None else _skip_assignments(args, opts.first),
                 program, args)


def _env(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    start = None if opts.first is None else _skip_assignments(args, opts.first)
    split = opts.value("S")
    if split is not None:          # env -S 'rm -rf x' splits the string into argv
        rest = list(args[start:]) if start is not None else []
        return (Script("env -S", join_words([split, *rest])),)
    return _from(start, program, args)


def _command(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    if opts.flags & {"v", "V"}:    # command -v NAME only looks NAME up
        return ()
    return _from(opts.first, program, args)


def _ionice(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    if opts.flags & {"p", "P", "u"}:   # ionice -p PID... changes running processes
        return ()
    return _from(opts.first, program, args)


def _watch(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    if opts.first is None:
        return ()
    if "x" in opts.flags:
        return _from(opts.first, program, args)
    return (Script("watch", join_words(list(args[opts.first:]))),)   # watch passes it to sh -c


def _flock(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    command = opts.value("c")
    if command is not None:
        return (Script("flock -c", command),)
    if opts.first is None:
        return ()
    rest = opts.first + 1                      # skip the lock file
    if rest + 1 < len(args) and args[rest] in ("-c", "--command"):
        return (Script("flock -c", args[rest + 1]),)
    return _from(rest, program, args)


def _su(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """su/runuser -c STRING runs a shell; runuser -u USER CMD runs CMD directly."""
    command = opts.value("c") or opts.value("session-command")
    if command is not None:
        return (Script(f"{program} -c", command),)
    if program == "runuser" and opts.value("u") is not None:
        return _from(opts.first, program, args)
    return ()


def _shell(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    command = opts.value("c")                  # fish --command=STRING
    if command is not None:
        return (Script(f"{program} -c", command),)
    if "c" in opts.flags:                      # bash -c STRING [argv0 args...]
        if not opts.positionals:
            return ()
        return (Script(f"{program} -c", opts.positionals[0], tuple(opts.positionals[1:])),)
    if "s" in opts.flags or not opts.positionals or opts.positionals[0] in STDIN_FILES:
        return (ReadsStdin(f"{program} stdin"),)
    return ()                                  # bash script.sh: the file is not in the line


def _unknown(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """``"$SHELL" -c STRING``, ``$(which bash) -c STRING``: nobody knows the program before it
    runs, and it may well be a shell, so its arguments are read as a shell's and a ``-c``
    string is parsed as shell code (fail closed: a string that is no shell code is an
    error). Nothing else is guessed: a script or stdin is not followed."""
    return tuple(n for n in _shell(program, args, normalise("sh", args))
                 if isinstance(n, Script))


def _eval(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    return (Script("eval", join_words(list(args)), same_shell=True),) if args else ()


def _mapfile(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """mapfile/readarray -C CALLBACK runs CALLBACK in this shell every -c lines."""
    callback = opts.value("C")
    return (Script(f"{program} -C", callback, same_shell=True),) if callback else ()


def _trap(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """trap 'CODE' SIGNAL...: CODE runs later, in this shell."""
    if not args or args[0] in ("-", "") or args[0].startswith("-") or args[0].isdigit():
        return ()
    return (Script("trap", args[0]),)


def _xargs(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    if opts.first is None:
        return ()                              # xargs alone runs echo
    return (Inner("xargs", opts.first, len(args), stdin=False),)


def _find(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    return tuple(Inner(label, start, end, stdin=False)
                 for label, start, end in opts.execs if end > start)


def _git(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    if opts.subcommand != "rebase":
        return ()
    return tuple(Script("git rebase --exec", value)
                 for name, value in opts.values if name in ("x", "exec"))


WRAPPERS: dict[str, _Rule] = {
    "sudo": _sudo, "doas": _plain, "pkexec": _plain, "env": _env, "nice": _plain,
    "nohup": _plain, "timeout": _after_one, "time": _plain, "command": _command,
    "builtin": _plain, "exec": _plain, "stdbuf": _plain, "ionice": _ionice,
    "setsid": _plain, "coproc": _plain, "chroot": _after_one, "busybox": _plain, "watch": _watch,
    "flock": _flock, "su": _su, "runuser": _su, "eval": _eval, "trap": _trap, "xargs": _xargs,
    "find": _find, "git": _git, "script": _script, "parallel": _parallel, "sem": _parallel,
    "strace": _strace, "ltrace": _strace, "valgrind": _plain, "catchsegv": _plain,
    "unbuffer": _unbuffer, "faketime": _after_one, "firejail": _firejail, "proot": _plain,
    "fakeroot": _plain, "proxychains": _plain, "proxychains4": _plain, "torsocks": _plain,
    "unshare": _plain, "nsenter": _plain, "taskset": _taskset, "chrt": _chrt,
    "systemd-run": _plain, "xvfb-run": _plain, "gosu": _after_one, "su-exec": _after_one,
    "mapfile": _mapfile, "readarray": _mapfile, "sg": _su, "nocache": _plain, "cgexec": _plain,
    "numactl": _plain, "prlimit": _plain, "runcon": _plain, "chpst": _plain, "setpriv": _plain,
    **{shell: _shell for shell in SHELLS},
}


def inner_commands(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """What else ``program args`` runs (empty for ordinary programs)."""
    rule = WRAPPERS.get(program)
    if rule is None and program[:1] in ("$", "`"):     # a program name made at run time
        rule = _unknown
    return rule(program, args, opts) if rule is not None else ()
