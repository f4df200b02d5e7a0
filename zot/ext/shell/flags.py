"""Option normalisation: ``-rf`` == ``-fr`` == ``-r -f`` == ``--recursive --force`` -> {r, f}.

A guard says ``flags: [r, f]`` once; this module makes every spelling of those options land on
the same names, using the per-program tables in ``tables.py``.

Programs not in the tables get GNU rules: options may appear anywhere before ``--``, a cluster
``-abc`` is three flags, ``--name=value`` is the flag ``name``, and a value after a separate
``--name value`` is taken for a positional. A cluster of digits (``kill -9``, ``head -20``) is one
flag, ``"9"``. Single-dash long options of other tools (``gcc -Wall``, ``java -jar``) explode into
letters; only ``find`` is parsed as a predicate language (see ``find.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

from .find import parse_find
from .long_options import LONG_OPTIONS
from .model import SimpleCommand
from .options import Options
from .tables import FLAG_ALIASES, OPTION_SPECS, SUBCOMMAND_TOOLS, OptionSpec


_DEFAULT = OptionSpec()
_NO_ALIASES: dict[str, str] = {}


def aliases_for(program: str, subcommand: str | None = None) -> dict[str, str]:
    """The alias table for a program, the ``"program subcommand"`` table laid over it."""
    base = FLAG_ALIASES.get(program, _NO_ALIASES)
    if subcommand is None:
        return base
    sub = FLAG_ALIASES.get(f"{program} {subcommand}") or FLAG_ALIASES.get(f"{program} *")
    return {**base, **sub} if sub else base


def spec_for(program: str, subcommand: str | None = None) -> OptionSpec:
    """The option spec for a program or one of its subcommands (GNU defaults otherwise)."""
    if subcommand is None:
        return OPTION_SPECS.get(program, _DEFAULT)
    return (OPTION_SPECS.get(f"{program} {subcommand}") or OPTION_SPECS.get(f"{program} *")
            or _DEFAULT)


_NO_LONGS: frozenset[str] = frozenset()


@lru_cache(maxsize=512)
def longs_for(program: str, subcommand: str | None = None) -> frozenset[str]:
    """Every long option name known for a program (and subcommand): what prefixes resolve to."""
    key = program if subcommand is None else f"{program} {subcommand}"
    names = set(LONG_OPTIONS.get(key, _NO_LONGS))
    names |= {k for k in aliases_for(program, subcommand) if len(k) > 1}
    names |= spec_for(program, subcommand).value_long
    if subcommand is not None:
        names |= {k for k in FLAG_ALIASES.get(program, {}) if len(k) > 1}
    return frozenset(names)


@lru_cache(maxsize=4096)
def resolve_long(known: frozenset[str], name: str) -> tuple[str, ...]:
    """``name`` as the tool reads it: itself when known or unknown, the one option it abbreviates,
    or every option it could abbreviate (the tool then refuses to run: reading it as all of them
    only errs on the safe side)."""
    if not name or name in known:
        return (name,)
    hits = sorted(option for option in known if option.startswith(name))
    return tuple(hits) if hits else (name,)


@dataclass(slots=True)
class _Scan:
    flags: list[str]
    values: list[tuple[str, str]]
    positionals: list[str]
    first: int | None = None
    dashdash: int | None = None


def scan(args: Sequence[str], spec: OptionSpec, aliases: Mapping[str, str],
         longs: frozenset[str] = _NO_LONGS) -> _Scan:
    """Read options from ``args`` with one spec; the core of ``normalise``. A long option may be
    abbreviated (see ``resolve_long``)."""
    out = _Scan([], [], [])
    n = len(args)
    i = 0
    while i < n:
        word = args[i]
        if word == "--":
            out.dashdash = len(out.positionals)
            if i + 1 < n:
                out.first = i + 1
                out.positionals.extend(args[i + 1:])
            break
        if word[:2] == "--":
            name, eq, value = word[2:].partition("=")
            names = resolve_long(longs, name) if longs else (name,)
            for full in names:
                out.flags.append(aliases.get(full, full))
            canon = aliases.get(names[0], names[0])
            if eq:
                out.values.append((canon, value))
            elif len(names) == 1 and names[0] in spec.value_long and i + 1 < n:
                out.values.append((canon, args[i + 1]))
                i += 1
            i += 1
            continue
        if word[:1] == "-" and len(word) > 1 and not (
                spec.mode_words is not None and spec.mode_words.match(word)):
            i += _cluster(word[1:], args, i, spec, aliases, out)
            continue
        if out.first is None:
            out.first = i
        if spec.posix:
            out.positionals.extend(args[i:])
            break
        out.positionals.append(word)
        i += 1
    return out


def _cluster(body: str, args: Sequence[str], i: int, spec: OptionSpec,
             aliases: Mapping[str, str], out: _Scan) -> int:
    """Read one ``-abc`` cluster; return how many words it used (1, or 2 with a value)."""
    if body.isdigit():
        out.flags.append(aliases.get(body, body))
        return 1
    for j, char in enumerate(body):
        canon = aliases.get(char, char)
        out.flags.append(canon)
        rest = body[j + 1:]
        if char in spec.optional_short:
            if rest:
                out.values.append((canon, rest))
            return 1
        if char in spec.value_short:
            if rest:
                out.values.append((canon, rest))
                return 1
            if i + 1 < len(args):
                out.values.append((canon, args[i + 1]))
                return 2
            return 1
    return 1


def normalise(program: str, args: Sequence[str]) -> Options:
    """Read ``args`` (argv without argv[0]) the way ``program`` would.

    Subcommand tools are read in two steps: global options up to the subcommand, then the
    subcommand's own options. ``git push`` turns a ``+refspec`` into flag ``f`` and a
    ``:refspec`` into flag ``d``, because they force and delete like the options do.
    """
    if program == "find":
        return parse_find(args)
    if program == "tar" and args and args[0][:1] not in ("-", "") and args[0].isalpha():
        args = ["-" + args[0], *args[1:]]          # old style: tar czf out.tgz dir
    aliases = aliases_for(program)
    head = scan(args, spec_for(program), aliases, longs_for(program))
    if program not in SUBCOMMAND_TOOLS or head.first is None:
        positionals = tuple(head.positionals)
        return Options(frozenset(head.flags), positionals,
                       positionals[0] if positionals else None, tuple(head.values), head.first,
                       dashdash=head.dashdash)
    sub = args[head.first]
    tail = scan(args[head.first + 1:], spec_for(program, sub), aliases_for(program, sub),
                longs_for(program, sub))
    flags = head.flags + tail.flags
    if program == "git" and sub == "push":
        for ref in tail.positionals[1:] if tail.positionals else ():
            if ref.startswith("+"):
                flags.append("f")
            elif ref.startswith(":") and len(ref) > 1:
                flags.append("d")
    return Options(frozenset(flags), (sub, *tail.positionals), sub,
                   tuple(head.values + tail.values), head.first, dashdash=tail.dashdash)


def _canon(name: str, table: Mapping[str, str], extra: Mapping[str, str] | None) -> str:
    name = name.lstrip("-") or name
    name = table.get(name, name)
    if extra:
        name = extra.get(name, name)
    return name


def has_flag(cmd: SimpleCommand, name: str, aliases: Mapping[str, str] | None = None) -> bool:
    """Whether ``cmd`` (a SimpleCommand) carries option ``name`` under any of its spellings.

    ``name`` may be written ``"r"``, ``"-r"``, ``"recursive"`` or ``"--recursive"``; it goes
    through the built-in table for the command's program (and subcommand) and then through
    ``aliases`` (a guard's own ``flag_aliases: {long: short}``), as do the command's flags.
    """
    table = aliases_for(cmd.program, cmd.subcommand)
    wanted = _canon(name, table, aliases)
    if not aliases:
        return wanted in cmd.flags
    return any(_canon(f, table, aliases) == wanted for f in cmd.flags)
