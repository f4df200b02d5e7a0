"""Programs that run other programs: wrappers, shells, ``eval``, ``xargs``, ``find -exec``.

``sudo rm -rf /`` runs ``rm``; ``bash -c 'rm -rf /'`` runs a string; ``bash <<EOF`` runs its
stdin. For each such program, ``inner_commands`` says what else runs, as one of:

* ``Inner(label, start, end)``: the words ``args[start:end]`` form a command of their own
  (``sudo``, ``env``, ``timeout``, ``xargs``, ``find -exec``...);
* ``Script(label, text)``: ``text`` is shell code to parse in turn (``bash -c``, ``eval``,
  ``su -c``, ``watch``, ``flock -c``, ``trap``, ``env -S``, ``git rebase --exec``);
* ``ReadsStdin(label)``: the program executes its standard input (``bash`` with no script);
  the parser supplies the text when the line holds it (heredoc, here-string, ``echo ... |``).

The wrapper itself stays a command too: a guard on ``sudo`` still sees ``sudo``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from .options import Options

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
    """Shell code the program runs, to be parsed recursively."""

    label: str
    text: str


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
    """nohup, nice, stdbuf, setsid, coproc, busybox, doas, pkexec, exec, builtin."""
    return _from(opts.first, program, args)


def _after_one(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """timeout DURATION CMD, chroot NEWROOT CMD."""
    return _from(None if opts.first is None else opts.first + 1, program, args)


def _sudo(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    if "e" in opts.flags:          # sudo -e FILE is sudoedit: it edits, it does not run
        return ()
    return _from(None if opts.first is None else _skip_assignments(args, opts.first),
                 program, args)


def _env(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    start = None if opts.first is None else _skip_assignments(args, opts.first)
    split = opts.value("S")
    if split is not None:          # env -S 'rm -rf x' splits the string into argv
        rest = " ".join(args[start:]) if start is not None else ""
        return (Script("env -S", f"{split} {rest}".strip()),)
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
    return (Script("watch", " ".join(args[opts.first:])),)   # watch passes it to sh -c


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
        return (Script(f"{program} -c", opts.positionals[0]),) if opts.positionals else ()
    if "s" in opts.flags or not opts.positionals or opts.positionals[0] == "-":
        return (ReadsStdin(f"{program} stdin"),)
    return ()                                  # bash script.sh: the file is not in the line


def _eval(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    return (Script("eval", " ".join(args)),) if args else ()


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
    "find": _find, "git": _git,
    **{shell: _shell for shell in SHELLS},
}


def inner_commands(program: str, args: Sequence[str], opts: Options) -> tuple[Nested, ...]:
    """What else ``program args`` runs (empty for ordinary programs)."""
    rule = WRAPPERS.get(program)
    return rule(program, args, opts) if rule is not None else ()
