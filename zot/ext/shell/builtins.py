"""Builtins that change what later words mean, and the value of simple command substitutions.

``apply_builtin`` updates the walker's ``State`` for ``cd``/``pushd``/``popd``, ``set --``,
``shift``, ``read``, ``mapfile``, ``printf -v``, ``unset`` and ``alias``. ``substitution_value``
gives what ``$(...)`` expands to when that is known without running anything: ``$(echo rm)`` is
``rm``, ``$(printf '%s' x)`` is ``x``, ``$(mktemp -d)`` a fresh temporary path, ``$(which git)``
a path to ``git``, ``$(date +%s)`` a plain name; anything else is ``ANY``, naming the programs
whose output it is.
"""
from __future__ import annotations

import os
import re
from typing import Sequence

from .doors import Piped, Stdin, printf, stdout_of
from .model import SimpleCommand
from .options import Options
from .state import State, Val, any_val
from .value import ANY, ENV, FRESH, FRESH_TEXT, LITERAL, NAME, hole, is_glob, known, make_word, parts_of

NAME_PRODUCERS = frozenset({"date", "whoami", "id", "hostname", "uname", "nproc", "seq", "expr",
                            "wc", "arch", "uuidgen", "tty", "logname", "getconf", "true", "false"})
_GIT_NAMES = frozenset({"rev-parse", "rev-list", "describe", "branch", "log", "hash-object",
                        "merge-base", "symbolic-ref", "show-ref"})
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitution_value(top: Sequence[SimpleCommand], sources: frozenset[str], text: str) -> str:
    """The value of a substitution whose body ran ``top`` (its top-level commands)."""
    fallback = hole(text, ANY, sources or frozenset({"?"}))
    if len(top) != 1 or top[0].hidden is not None or top[0].unknown is not None:
        return fallback
    cmd = top[0]
    program, args = cmd.program, list(cmd.argv[1:])
    if program in ("echo", "printf"):
        out = stdout_of(program, args, None)
        if out is None:
            return fallback
        return make_word([(t.rstrip("\n") if i == len(parts_of(out)) - 1 else t, k)
                          for i, (t, k) in enumerate(parts_of(out))], sources)
    if program == "mktemp":
        return hole(FRESH_TEXT, FRESH)
    if program in ("which", "command", "type") and cmd.positionals:
        name = cmd.positionals[-1]
        if (program == "which" or cmd.flags & {"v", "P", "p"}) and known(name) and "/" not in name:
            return "/usr/bin/" + name
        return fallback
    if program in ("basename", "dirname") and cmd.positionals and known(cmd.positionals[0]):
        path = cmd.positionals[0].rstrip("/") or "/"
        return os.path.basename(path) if program == "basename" else (os.path.dirname(path) or ".")
    if program in ("realpath", "readlink") and cmd.positionals and known(cmd.positionals[-1]):
        return cmd.positionals[-1]
    if program == "pwd":
        return hole("$PWD", ENV)
    if program == "find" and len(cmd.positionals) == 1 and known(cmd.positionals[0]) \
            and not cmd.positionals[0].startswith("-"):
        # find prints paths that start with its folder: unknown, but never an option
        return make_word([(cmd.positionals[0], LITERAL), (text, ANY)], sources)
    if program in NAME_PRODUCERS:
        return hole(text, NAME)
    if program == "git" and cmd.subcommand in _GIT_NAMES:
        if cmd.flags & {"show-toplevel", "git-dir", "absolute-git-dir", "show-prefix"}:
            return hole(text, ENV)
        return hole(text, NAME)
    return fallback


# ---------------------------------------------------------------------------- builtins


def apply_builtin(state: State, program: str, args: Sequence[str], opts: Options,
                  stdin: Stdin) -> None:
    handler = _HANDLERS.get(program)
    if handler is not None:
        handler(state, list(args), opts, stdin)


def _cd(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    target = opts.positionals[0] if opts.positionals else "~"
    if target == "-":
        if state.old_dirs is not None:
            state.cd(state.old_dirs)
        return
    state.cd(_moved(state, target))


def _moved(state: State, target: str) -> tuple[tuple[str, ...], ...]:
    if known(target) and not is_glob(target) and (target.startswith("/") or target == "~"
                                                  or target.startswith("~/")):
        return ((target,),)
    return tuple(dict.fromkeys(chain + (target,) for chain in state.dirs))


def _pushd(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    words = opts.positionals
    if not words:
        if state.stack:
            top = state.stack.pop()
            state.stack.append(state.dirs)
            state.cd(top)
        return
    if words[0][:1] in "+-" and words[0][1:].isdigit():
        state.cd(((hole("$(dirs)", ANY),),))
        return
    state.stack.append(state.dirs)
    state.cd(_moved(state, words[0]))


def _popd(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    if opts.positionals:
        return                              # popd +N drops an entry, the folder stays
    if state.stack:
        state.cd(state.stack.pop())


def _set(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    if "--" in args:
        state.positional = (tuple(args[args.index("--") + 1:]),)
    elif args and args[0][:1] not in ("-", "+"):
        state.positional = (tuple(args),)


def _shift(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    count = args[0] if args else "1"
    if state.positional is None:
        return
    if not (known(count) and count.isdigit()):
        state.positional = None
        return
    state.positional = tuple(p[int(count):] for p in state.positional)


def _stdin_sources(stdin: Stdin) -> frozenset[str]:
    return stdin.sources if isinstance(stdin, Piped) else frozenset({"$"})


def _read(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    names = [n for n in opts.positionals if _NAME_RE.fullmatch(n)] or ["REPLY"]
    array = opts.value("a")
    if array is not None:
        state.assign(array, (any_val(array, _stdin_sources(stdin)),))
        return
    if isinstance(stdin, str) and known(stdin) and opts.value("u") is None:
        line = stdin.split("\n", 1)[0]
        ifs = state.ifs() or " \t\n"
        fields = line.split(None if ifs == " \t\n" else ifs[0], len(names) - 1) if line else []
        for i, name in enumerate(names):
            state.assign(name, (Val((fields[i] if i < len(fields) else "",)),))
        return
    for name in names:
        state.assign(name, (any_val(name, _stdin_sources(stdin)),))


def _mapfile(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    name = opts.positionals[-1] if opts.positionals else "MAPFILE"
    state.assign(name, (Val((hole("${" + name + "[@]}", ANY, _stdin_sources(stdin)),),
                            array=True),))


def _printf(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    name = opts.value("v")
    if name is None:
        return
    value = printf(list(opts.positionals))
    state.assign(name, (Val((value if value is not None else hole("$" + name, ANY),)),))


def _unset(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    if "f" in opts.flags:
        return
    for name in opts.positionals:
        if _NAME_RE.fullmatch(name):
            state.assign(name, (Val(("",)),))


def _alias(state: State, args: list[str], opts: Options, stdin: Stdin) -> None:
    for word in args:
        name, eq, value = word.partition("=")
        if eq and known(name):
            state.aliases[name] = value


_HANDLERS = {"cd": _cd, "pushd": _pushd, "popd": _popd, "set": _set, "shift": _shift,
             "read": _read, "mapfile": _mapfile, "readarray": _mapfile, "printf": _printf,
             "unset": _unset, "alias": _alias}
