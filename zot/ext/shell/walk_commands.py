"""The walker's simple commands: expand the words, record the command, follow what it runs.

A command's words are expanded with the line's state (``expand.py``): one argv per way the
values may go (``X`` may be ``a`` or ``-rf``: both are recorded). Then ``emit`` records the
command (program, normalised options, path uses), notes what is unknown (a program named at
run time, arguments that could be options), changes the state as builtins do (``cd``, ``set``,
``read``...), and follows what the command runs: wrapped commands (``sudo``, ``env``,
``xargs``...), strings of shell code (``bash -c``, ``eval``), and code from stdin or files, where
code only known at run time becomes a hidden-code entry naming the programs it comes from.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence

from tree_sitter import Node

from .builtins import apply_builtin
from .doors import (DOWNLOADERS, NO_DOOR, SHELLS, STDIN_FILES, Door, Piped, Stdin, code_reads,
                    code_sources, is_hidden)
from .expand import MAX_READINGS, expand, expand_one
from .flags import normalise
from .model import APPEND, WRITE, PathUse, Redirect, SimpleCommand
from .pathuse import command_uses
from .state import State, Val
from .value import ANY, NAME, PIPE, Word, hole, is_glob, join_words, kind_of, known, sources_of
from .words import program_name, text_of
from .wrappers import Inner, ReadsStdin, Script, inner_commands

if TYPE_CHECKING:
    from .parse import Out

Via = tuple[str, ...]
MAX_TREE_DEPTH = 200     # syntax nodes inside one another, e.g. $( $( $( ... ) ) )


def describe(sources: frozenset[str]) -> str:
    names = [f"`{s}`" for s in sorted(sources) if s not in ("$", "?")]
    if "?" in sources:
        names.append("a program whose name is only known at run time")
    if "$" in sources:
        names.append("a value zot cannot follow")
    return ", ".join(names) or "a value zot cannot follow"


class CommandsMixin:
    src: bytes
    out: "Out"
    state: State
    where: tuple[Via, int]
    emitted: list[SimpleCommand]

    # -- words ------------------------------------------------------------------------------

    def words_of(self, nodes: Sequence[Node], via: Via, level: int) -> list[list[str]]:
        """Every argv the word nodes may expand to (at most ``MAX_READINGS``)."""
        self.where = (via, level)
        readings: list[list[str]] = [[]]
        ifs = self.state.ifs()
        for node in nodes:
            alts = expand(node, self, True, ifs if ifs is not None else " \t\n")
            if len(alts) == 1:                  # the usual case: grow in place, not quadratically
                for reading in readings:
                    reading.extend(alts[0])
                continue
            if len(readings) * len(alts) > MAX_READINGS:
                alts = [[hole(text_of(node, self.src), ANY, frozenset({"$"}))]]
            readings = [r + a for r in readings for a in alts]
        return readings

    def assignment_values(self, node: Node, via: Via, level: int) -> tuple[str, tuple[Val, ...]]:
        """``NAME=VALUE``, ``NAME+=VALUE``, ``NAME=(A B)``: the name and every value it may get."""
        self.where = (via, level)
        name_node = node.child_by_field_name("name") or node.named_children[0]
        if name_node.type == "subscript":
            name_node = name_node.named_children[0]
        name = text_of(name_node, self.src)
        value = node.child_by_field_name("value")
        append = any(c.type == "+=" for c in node.children)
        if value is None:
            values: tuple[Val, ...] = (Val(("",)),)
        elif value.type == "array":
            items: list[list[str]] = [[]]
            for element in value.named_children:
                if element.type == "comment":
                    continue
                alts = expand(element, self)
                if len(items) * len(alts) > MAX_READINGS:
                    alts = [[hole(text_of(element, self.src), ANY, frozenset({"$"}))]]
                items = [i + a for i in items for a in alts]
            values = tuple(Val(tuple(i), array=True) for i in items)
        else:
            values = tuple(Val((w,)) for w in expand_one(value, self))
        if append:
            values = tuple(Val(old.items + new.items, old.array or new.array)
                           if old.array or new.array else Val((join_words(
                               [old.scalar, new.scalar], ""),))
                           for old in self.state.lookup(name) for new in values)
        if node.named_children[0].type == "subscript":      # a[1]=x: one element of many
            values = tuple(dict.fromkeys(self.state.lookup(name) + values))
        return name, values

    def _assignment(self, node: Node, via: Via, level: int, stdin: object) -> None:
        name, values = self.assignment_values(node, via, level)
        if node.parent is not None and node.parent.type == "c_style_for_statement":
            values = (Val((hole("$" + name, NAME),)),)     # `for ((i=0; ...; i++))`: a number
        self.state.assign(name, values)

    # -- commands ---------------------------------------------------------------------------

    def _command(self, node: Node, via: Via, level: int, stdin: object,
                 extra: Sequence[Node] = (), outer: Sequence[str] = ()) -> None:
        assigns: list[Node] = []
        words: list[Node] = []
        redirects: list[Node] = []
        for child in node.named_children:
            kind = child.type
            if kind == "variable_assignment":
                assigns.append(child)
            elif kind == "file_redirect":
                redirects.append(child)
            elif kind == "herestring_redirect":
                stdin = self.herestring(child, via, level)
            elif kind == "command_name":
                words.append(child.named_children[0] if child.named_child_count else child)
            elif kind != "comment":
                words.append(child)
        env = [self.assignment_values(a, via, level) for a in assigns] if assigns else ()
        targets: list[str] = list(outer)
        if redirects:
            more: list[Node] = []
            feeds: list[object] = []
            for redirect in redirects:
                targets.extend(self.redirect_target(redirect, via, level, more, feeds))
            extra = [*extra, *more]
            if feeds:
                stdin = feeds[-1]
        readings = self.words_of([*words, *extra] if extra else words, via, level)
        self.emitted = []
        if not any(readings):
            for name, values in env:           # `X=1 >log`: an assignment after all
                self.state.assign(name, values)
            return
        text = text_of(node, self.src)
        self.emitted_stdin = stdin
        if len(readings) == 1:                 # the usual case: one way the words may go
            self.emitted = self.emit(readings[0], via, level, stdin, text, env, targets)
            return
        base, ends = self.state, []
        for argv in readings:
            if not argv:
                continue
            self.state = base.copy() if len(readings) > 1 else base
            self.emitted += self.emit(argv, via, level, stdin, text, env, targets)
            ends.append(self.state)
        merged = ends[0]
        for end in ends[1:]:
            merged = merged.merge(end)
        self.state = merged

    def _declaration(self, node: Node, via: Via, level: int, stdin: object) -> None:
        """``export X=$(...)``, ``local``, ``declare -a``, ``unset``: a builtin with words,
        seen as a command; its assignments change the state."""
        argv: list[str] = []
        self.where = (via, level)
        for child in node.children:
            if child.type == "variable_assignment":
                name, values = self.assignment_values(child, via, level)
                self.state.assign(name, values)
                shown = values[0].items[0] if values and values[0].items else ""
                argv.append(join_words([name + "=", shown], ""))
            elif child.type in ("word", "concatenation", "string", "raw_string",
                                "simple_expansion", "expansion", "variable_name"):
                argv.extend(expand_one(child, self))
            elif not child.is_named and child.type.isalpha():
                argv.append(child.type)
        if argv:
            self.emit(argv, via, level, None, text_of(node, self.src), [], [])

    # -- one command ----------------------------------------------------------------------

    def emit(self, argv: Sequence[str], via: Via, level: int, stdin: Stdin, text: str,
             env: Sequence[tuple[str, tuple[Val, ...]]] = (), targets: Sequence[str] = (),
             xargs: tuple[Stdin, str | None] | None = None) -> list[SimpleCommand]:
        """Record one simple command, then whatever it runs in turn."""
        if level > MAX_TREE_DEPTH:
            self.out.fail(f"the command nests deeper than {MAX_TREE_DEPTH} levels")
            return []
        first = argv[0]
        unknown = None
        if type(first) is str or (known(first) and not is_glob(first)):
            program = program_name(first)
        else:
            program = str(first)
            unknown = f"the program name `{first}` is only known at run time"
        args = list(argv[1:])
        if unknown is None and program in self.state.aliases and "alias" not in via:
            self.nested(join_words([self.state.aliases[program], *args]), via + ("alias",),
                        level, same_shell=True)
            return []
        opts = normalise(program if unknown is None else "", args)
        open_args = False
        for word in args:
            if type(word) is not str and word.may_be_option:
                open_args = True
                break
        if xargs is not None and not (isinstance(xargs[0], str) and known(xargs[0]) or
                                      isinstance(xargs[0], Piped) and xargs[0].paths_only):
            open_args = True
        dirs = self.state.dirs
        door = code_reads(program, args, opts, unknown is not None, str(first))
        stdin_code = stdin if door.stdin and isinstance(stdin, str) and program not in SHELLS \
            else None
        uses = command_uses(program, args, opts, dirs, stdin_code)
        if program == "tee":
            op = ">>" if "a" in opts.flags else ">"
            for path in opts.positionals:
                self.out.writes.append(Redirect(op, path, is_tee=True, dirs=dirs))
                uses.append(PathUse(path, APPEND if op == ">>" else WRITE, dirs, "tee"))
        cmd = SimpleCommand(program, tuple(argv), opts.flags, opts.positionals, opts.subcommand,
                            via, text, opts.values, unknown, open_args, dirs=dirs,
                            uses=tuple(uses))
        self.out.commands.append(cmd)
        self.out.uses.extend(uses)
        if unknown is not None and kind_of(first) == ANY:
            self.hidden(via, "command", code_sources(first), text,
                        f"the command `{first}` is computed at run time from "
                        f"{describe(code_sources(first))}")
        if program in _MAY_FETCH:
            self._downloads(program, args, opts, cmd, stdin, targets)
        if door is not NO_DOOR:
            self._doors(program, door, stdin, via, level, text)
        if xargs is not None and program in SHELLS and "c" in opts.flags:
            script = opts.positionals[0] if opts.positionals else None
            if script is None or (xargs[1] and xargs[1] in script):
                sources = xargs[0].sources if isinstance(xargs[0], Piped) else frozenset({"$"})
                self.hidden(via, "xargs", sources, text,
                            f"`xargs {program} -c` runs lines from {describe(sources)}")
        apply_builtin(self.state, program, args, opts, stdin)
        for nested in inner_commands(program, args, opts):
            self._inner(nested, argv, opts, via, level, stdin, env, program)
        return [cmd]

    def _inner(self, nested, argv: Sequence[str], opts, via: Via, level: int, stdin: Stdin,
               env, program: str) -> None:
        if isinstance(nested, Inner):
            sub = list(argv[1 + nested.start:1 + nested.end])
            xargs = None
            if nested.label == "xargs":
                replace = opts.value("I") or opts.value("i") or ("{}" if "i" in opts.flags else None)
                xargs = (stdin, replace)
                if isinstance(stdin, str) and known(stdin) and replace is None:
                    sub += stdin.split()[:256]
            sub_text = join_words(sub)
            self.emit(sub, via + (nested.label,), level + 1, stdin if nested.stdin else None,
                      str(sub_text), env, (), xargs)
        elif isinstance(nested, Script):
            label = nested.label
            if is_hidden(nested.text):
                sources = code_sources(nested.text)
                self.hidden(via, label, sources, str(nested.text),
                            f"`{label}` runs a string built at run time from {describe(sources)}")
            if nested.same_shell:
                self.nested(nested.text, via + (label,), level, same_shell=True)
                return
            state = self._child_state(env)
            if nested.args is not None:
                state.zero = nested.args[0] if nested.args else program
                state.positional = (tuple(nested.args[1:]),)
                if via and via[-1] in ("xargs", "parallel"):
                    state.positional = None         # xargs adds the words it reads
            self.nested(nested.text, via + (label,), level, state)
        elif isinstance(nested, ReadsStdin):
            self.feed(nested.label, stdin, via, level, env)

    def _child_state(self, env) -> State:
        state = self.state.copy()
        for name, values in env:
            state.assign(name, values)
        return state

    # -- code from stdin, files and strings ---------------------------------------------------

    def feed(self, label: str, stdin: Stdin, via: Via, level: int, env=()) -> None:
        """A shell reading its stdin: literal text is parsed, a pipe is hidden code."""
        if isinstance(stdin, Piped):
            self.hidden(via, label, stdin.sources, "",
                        f"`{label}` runs what {describe(stdin.sources)} writes into a pipe")
        elif isinstance(stdin, str):
            if is_hidden(stdin):
                sources = code_sources(stdin)
                self.hidden(via, label, sources, str(stdin),
                            f"`{label}` runs text built at run time from {describe(sources)}")
            self.nested(stdin, via + (label,), level, self._child_state(env))

    def _doors(self, program: str, door: Door, stdin: Stdin, via: Via, level: int,
               text: str) -> None:
        if door.stdin and program not in SHELLS:
            if isinstance(stdin, Piped):
                self.hidden(via, program, stdin.sources, text,
                            f"`{program}` runs code it reads from a pipe, written by "
                            f"{describe(stdin.sources)}")
            elif isinstance(stdin, str) and is_hidden(stdin):
                self.hidden(via, program, code_sources(stdin), text,
                            f"`{program}` runs code built at run time from "
                            f"{describe(code_sources(stdin))}")
        for path in door.files:
            if path in STDIN_FILES and program in ("source", "."):
                self.feed(program, stdin, via, level)
                continue
            sources = self._made_at_run_time(path, program)
            if sources:
                self.hidden(via, program, sources, text,
                            f"`{program}` runs `{path}`, made at run time by {describe(sources)}")
        for code in door.code:
            if is_hidden(code):
                self.hidden(via, program, code_sources(code), text,
                            f"`{program}` runs code built at run time from "
                            f"{describe(code_sources(code))}")

    def _made_at_run_time(self, path: str, program: str = "") -> frozenset[str]:
        if kind_of(path) in (ANY, PIPE):
            return sources_of(path) or frozenset({"$"})
        if "://" in path:                      # `deno run https://...`: fetched, then run
            return frozenset({program or "?"})
        key = _key(path)
        found = self.out.downloads.get(key)
        if found is None:
            base = os.path.basename(key)
            found = next((v for k, v in self.out.downloads.items()
                          if os.path.basename(k) == base), None)
        return found or frozenset()

    def _downloads(self, program: str, args: Sequence[str], opts, cmd: SimpleCommand,
                   stdin: Stdin, targets: Sequence[str]) -> None:
        """Remember files a downloader writes, so running them later is seen for what it is."""
        fetched = frozenset({program}) if program in DOWNLOADERS else (
            stdin.sources & DOWNLOADERS if isinstance(stdin, Piped) and program == "tee"
            else frozenset())
        if not fetched:
            if program in ("mv", "cp") and len(cmd.positionals) == 2:
                moved = self.out.downloads.get(_key(cmd.positionals[0]))
                if moved:
                    self.out.downloads[_key(cmd.positionals[1])] = moved
            return
        files = [u.path for u in cmd.uses if u.writes] + list(targets)
        urls = [w for w in cmd.positionals if "://" in w]
        if program == "tee":
            files += list(cmd.positionals)
        if program == "wget" and opts.value("O") is None:
            prefix = opts.value("P")
            files += [os.path.join(prefix or "", _url_name(u)) for u in urls]
        if program in ("curl", "aria2c") and ("O" in cmd.flags or "remote-name" in cmd.flags
                                               or program == "aria2c"):
            prefix = opts.value("output-dir")
            files += [os.path.join(prefix or "", _url_name(u)) for u in urls]
        for path in files:
            self.out.downloads[_key(path)] = self.out.downloads.get(_key(path), frozenset()) | fetched

    def hidden(self, via: Via, label: str, sources: frozenset[str], text: str,
               reason: str) -> None:
        """Record code the line runs that nobody can read before it runs."""
        self.out.commands.append(SimpleCommand(
            "", (), frozenset(), (), None, via + (label,), text, (), None, False, reason,
            frozenset(sources) or frozenset({"$"}), self.state.dirs))

    def prompt_code(self, value: str, node: Node | None) -> None:
        """``${x@P}`` expands the value as a prompt, running the substitutions in it."""
        via, level = self.where
        if is_hidden(value) or not known(value):
            sources = code_sources(value)
            self.hidden(via, "${@P}", sources, str(value),
                        f"`${{...@P}}` expands a value built at run time from {describe(sources)}")
            return
        self.nested(f": <<__ZOT_PROMPT__\n{value}\n__ZOT_PROMPT__\n", via + ("${@P}",), level)


_MAY_FETCH = DOWNLOADERS | {"tee", "mv", "cp"}


def _key(path: str) -> str:
    text = str(path)
    while text.startswith("./"):
        text = text[2:]
    return os.path.normpath(text) if text else text


def _url_name(url: str) -> str:
    name = str(url).split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return name or "index.html"
