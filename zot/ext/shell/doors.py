"""Doors to code: where a command takes the code it runs from, and what a pipe carries.

A shell or an interpreter runs code from a string (``bash -c``, ``python -c``), from a file
(``bash x.sh``, ``source x``, ``./x``), or from its standard input (``curl ... | sh``,
``python3 /dev/stdin``, ``deno run -``, ``python3 -c 'exec(sys.stdin.read())'``). The walker
asks ``code_reads`` which, then decides: code spelled out in the line is parsed like ``bash -c``;
code that only exists at run time (a pipe from a program, a ``<(...)``, a downloaded file, a
string holding ``$(...)``) is *hidden code*, reported with the programs it comes from.

``Piped`` is what a pipe carries when it is not literal text: the programs writing into it.
``stdout_of`` gives the literal text a command writes when the line spells it out (``echo``,
``printf``, ``cat``/``tee`` of a here-string or here-document).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from .options import Options
from .value import ANY, join_words, known, kind_of, parts_of, sources_of
from .words import decode_ansi_c

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh", "fish"})
INTERPRETER = re.compile(
    r"^(?:python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*|deno|bun|"
    r"lua[0-9.]*|luajit|Rscript|tclsh[0-9.]*|wish|osascript|jshell|groovy|scala|julia|elixir|"
    r"erl|escript|gawk|awk|mawk|nawk)$")
STDIN_FILES = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
# programs whose output is a list of paths, never an option: what `xargs` may safely read
PATH_PRODUCERS = frozenset({"find", "fd", "fdfind", "ls", "git", "locate", "plocate"})
DOWNLOADERS = frozenset({"curl", "wget", "fetch", "aria2c", "http", "https", "xh", "httpie",
                         "lynx", "links", "w3m", "nc", "ncat", "socat"})
_CODE_OPTION = {"python": "c", "pypy": "c", "perl": "eE", "ruby": "e", "node": "ep",
                "nodejs": "ep", "php": "r", "lua": "e", "luajit": "e", "Rscript": "e",
                "julia": "e", "elixir": "e", "deno": "", "bun": "e", "groovy": "e"}
_EVAL = re.compile(r"\b(?:exec|eval|compile|instance_eval|runpy|execfile)\b|\bFunction\(|vm\.run")
_READS_STDIN = re.compile(r"stdin|STDIN|<>|\bgets\b|readFileSync\(\s*0|/dev/stdin|\binput\(")


@dataclass(frozen=True, slots=True)
class Piped:
    """Standard input from a pipe whose text is not in the line."""

    sources: frozenset[str]

    @property
    def paths_only(self) -> bool:
        return bool(self.sources) and self.sources <= PATH_PRODUCERS


Stdin = str | Piped | None


@dataclass(frozen=True, slots=True)
class Door:
    """How a command takes code: from stdin, from these files, from these strings."""

    stdin: bool = False
    files: tuple[str, ...] = ()
    code: tuple[str, ...] = ()


NO_DOOR = Door()


def _base(program: str) -> str:
    return re.sub(r"[0-9.]+$", "", program)


@lru_cache(maxsize=1024)
def runs_code(program: str) -> bool:
    """Whether the program takes code to run at all (shells, interpreters, `source`)."""
    return program in SHELLS or program in ("source", ".") or bool(INTERPRETER.match(program))


def code_reads(program: str, args: Sequence[str], opts: Options, unknown: bool,
               first: str = "") -> Door:
    """Where ``program args`` takes code from (shells' ``-c`` strings are ``wrappers.py``'s);
    ``first`` is the program word as written (``./setup`` runs the file ``./setup``)."""
    if not unknown and "/" not in first and not runs_code(program):
        return NO_DOOR
    if program in ("source", "."):
        return Door(files=tuple(opts.positionals[:1]))
    if unknown:                      # a program named at run time may be a shell
        return Door(stdin=not args)
    own = (first,) if "/" in first else ()
    if program in SHELLS:
        if "c" in opts.flags or opts.value("c") is not None:
            return Door(files=own)
        first = opts.positionals[0] if opts.positionals else None
        if "s" in opts.flags or first is None or first in STDIN_FILES:
            return Door(stdin=True, files=own)
        return Door(files=own + (first,))
    if not INTERPRETER.match(program):
        return Door(files=own)
    base = _base(program)
    if base == "deno" or base == "bun":
        return _deno(args, opts, own)
    if base in ("awk", "gawk", "mawk", "nawk", "osascript", "jshell", "erl"):
        return Door(files=own)
    letters = _CODE_OPTION.get(base, "e")
    code = tuple(value for name, value in opts.values if name in letters or name in ("eval", "print"))
    if not code and letters:
        code = _code_positional(args, letters)
    if code:
        reads = any(_READS_STDIN.search(c) and _EVAL.search(c) for c in code if known(c))
        return Door(stdin=reads, files=own, code=code)
    if base in ("python", "pypy") and opts.value("m") is not None:
        return Door(files=own)
    first = opts.positionals[0] if opts.positionals else None
    if first is None or first in STDIN_FILES:
        return Door(stdin=True, files=own)
    return Door(files=own + (first,))


def _code_positional(args: Sequence[str], letters: str) -> tuple[str, ...]:
    """``python -c CODE`` when the table does not know ``-c`` takes a value: the next word."""
    for i, word in enumerate(args[:-1]):
        if len(word) == 2 and word[0] == "-" and word[1] in letters:
            return (args[i + 1],)
        if word[:1] != "-":
            break
    return ()


def _deno(args: Sequence[str], opts: Options, own: tuple[str, ...]) -> Door:
    words = list(opts.positionals)
    if words[:1] == ["eval"] and len(words) > 1:
        return Door(code=(words[1],))
    if words[:1] == ["run"]:
        words = words[1:]
    if not words or words[0] in STDIN_FILES:
        return Door(stdin=True, files=own)
    return Door(files=own + (words[0],))


def is_hidden(code: str) -> bool:
    """Code with a part computed at run time from data: nobody can read it beforehand."""
    return kind_of(code) == ANY or any(kind == ANY for _, kind in parts_of(code))


def code_sources(word: str) -> frozenset[str]:
    return sources_of(word) or frozenset({"$"})


_ECHO_OPTIONS = re.compile(r"-[neE]+")
_PRINTF_SPEC = re.compile(r"%(?:%|[-#0 +]*\d*(?:\.\d+)?([sbdiouxXcqfeEgG]))")


def stdout_of(program: str, args: Sequence[str], stdin: Stdin) -> str | None:
    """The text ``program args`` writes when the line spells it out, else None."""
    if program == "echo":
        words = list(args)
        escapes, newline = False, True
        while words and known(words[0]) and _ECHO_OPTIONS.fullmatch(words[0]):
            escapes = escapes or "e" in words[0]
            newline = newline and "n" not in words.pop(0)
        text = join_words(words)
        if escapes and known(text):
            text = decode_ansi_c(text)
        return join_words([text, "\n"], "") if newline else text
    if program == "printf":
        return printf(list(args))
    if program in ("cat", "tee") and isinstance(stdin, str):
        return stdin if not [a for a in args if not a.startswith("-")] or program == "tee" else None
    return None


def printf(args: list[str]) -> str | None:
    """``printf FORMAT ARGS``: %s, %d, %b and escapes; the format is reused for extra args."""
    if args and args[0] == "-v":
        return None
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        return None
    fmt, rest = args[0], args[1:]
    if not known(fmt):
        return join_words([fmt, *rest])
    out: list[str] = []
    while True:
        used = 0

        def fill(match: re.Match[str]) -> str:
            nonlocal used
            if match.group(0) == "%%":
                return "%"
            value = rest[used] if used < len(rest) else ""
            used += 1
            return str(value)
        piece = _PRINTF_SPEC.sub(fill, decode_ansi_c(fmt))
        out.append(piece)
        rest = rest[used:]
        if not rest or not used:
            break
    holes = [w for w in args[1:] if not known(w)]
    text = "".join(out)
    return join_words([text, *holes], "") if holes else text
