"""Walk a tree-sitter-bash tree and collect every simple command, path use and file write.

The walk is the heart of shell-aware guards: anything that can run a program must be found
(pipelines, lists, subshells, groups, substitutions, control structures, function bodies,
here-document expansions, strings run by ``bash -c``/``eval``, wrappers), while data (quoted
arguments, quoted here-documents) must not be mistaken for commands. The walk follows the line
in execution order with a ``State`` (variables, arguments, folder), so words are read the way
bash will expand them when the command runs (``expand.py``); where bash may take one way or
another (``&&``, ``if``, loops), the states are merged. When the tree has an error node, or the
line is too big or nests too deep, ``error`` is set so guards can fail closed.

Modules: this one (structure), ``walk_commands.py`` (simple commands), ``walk_redirects.py``
(redirections and here-documents).
"""
from __future__ import annotations

from typing import Callable

from tree_sitter import Node

from .builtins import substitution_value
from .grammar import Keyword, first_error, parse_tree
from .model import PathUse, Redirect, ShellLine, SimpleCommand
from .state import State
from .value import PIPE, hole
from .walk_commands import MAX_TREE_DEPTH, CommandsMixin
from .walk_flow import FlowMixin
from .walk_redirects import RedirectsMixin
from .words import LEAVES, text_of

MAX_SOURCE_BYTES = 2 * 1024 * 1024   # larger lines fail closed; a 1 MiB here-document is fine
MAX_NODES = 20_000       # syntax nodes read in all (a 1 MiB here-document is a dozen): bounds time
MAX_NESTING = 8          # strings run by bash -c / eval / sh <<EOF inside one another
MAX_NESTED_STRINGS = 64     # strings parsed in all for one line (they can multiply)
MAX_WORK_BYTES = 2 * 1024 * 1024   # bytes parsed in all, nested strings included

# nodes that can start where the compound command after `time`/`coproc` starts, around it
_CONTAINERS = frozenset({"program", "list", "pipeline", "redirected_statement"})
_LOOPS = frozenset({"while_statement", "for_statement", "c_style_for_statement",
                    "select_statement"})


class Out:
    """What one top-level parse collects, shared by the nested parses it starts."""

    __slots__ = ("commands", "writes", "uses", "error", "work", "downloads")

    def __init__(self) -> None:
        self.commands: list[SimpleCommand] = []
        self.writes: list[Redirect] = []
        self.uses: list[PathUse] = []
        self.error: str | None = None
        self.work = [0, 0, 0]   # strings, bytes and syntax nodes read, nested ones included
        self.downloads: dict[str, frozenset[str]] = {}   # file -> programs that fetched it

    def fail(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def mark(self) -> tuple[int, int, int]:
        return len(self.commands), len(self.writes), len(self.uses)

    def rewind(self, mark: tuple[int, int, int]) -> None:
        del self.commands[mark[0]:], self.writes[mark[1]:], self.uses[mark[2]:]


class Walker(FlowMixin, CommandsMixin, RedirectsMixin):
    """Walks one source string (the line, or a string it runs) into an ``Out``."""

    def __init__(self, src: bytes, out: Out, depth: int, state: State | None = None) -> None:
        self.src = src
        self.out = out
        self.depth = depth
        self.state = state if state is not None else State()
        self.keywords: dict[int, Keyword] = {}
        self.values: dict[int, str] = {}     # substitution start -> its value (walked once)
        self.loops = 0
        self.where: tuple[tuple[str, ...], int] = ((), 0)   # the command whose words are read

    def run(self, via: tuple[str, ...], level: int = 0) -> None:
        parsed = parse_tree(self.src)
        if parsed.tree is None:
            self.out.fail("the command took too long to read")
            return
        root = parsed.tree.root_node
        self.keywords = parsed.keywords
        self.out.work[2] += root.descendant_count
        if self.out.work[2] > MAX_NODES:
            self.out.fail(f"the command has more than {MAX_NODES:,} parts to check; put a long "
                          "script in a file, or split the command")
            return
        if parsed.error is not None:
            self.out.fail(parsed.error)
        elif root.has_error:
            self.out.fail(first_error(root, self.src))
        self.visit(root, via, level, None)

    # -- dispatch -------------------------------------------------------------------------

    def visit(self, node: Node, via: tuple[str, ...], level: int, stdin: object) -> None:
        """Visit ``node``; ``stdin`` is what its standard input holds, if known
        (literal text, a ``doors.Piped``, or None)."""
        if level > MAX_TREE_DEPTH:
            self.out.fail(f"the command nests deeper than {MAX_TREE_DEPTH} levels")
            return
        if self.keywords and node.start_byte in self.keywords and node.type not in _CONTAINERS:
            self._keyword(node, via, level, stdin)
            return
        handler = HANDLERS.get(node.type)
        if handler is not None:
            handler(self, node, via, level, stdin)
        else:
            self._children(node, via, level, stdin)

    def _children(self, node: Node, via: tuple[str, ...], level: int, stdin: object) -> None:
        for child in node.named_children:
            if child.type not in LEAVES:
                self.visit(child, via, level + 1, stdin)

    def _plain(self, node: Node, via: tuple[str, ...], level: int, stdin: object) -> None:
        self._children(node, via, level, None)

    def fresh(self, run: Callable[[], None]) -> State:
        """Run ``run`` on a copy of the state (a subshell); return the copy, keep ours."""
        saved = self.state
        self.state = saved.copy()
        try:
            run()
            return self.state
        finally:
            self.state = saved

    # -- substitutions (they run first, in a subshell) -------------------------------------

    def substitute(self, node: Node) -> str:
        """Walk ``$(...)``/backquotes once; return the value the substitution expands to.
        It is reached from the command being read (``self.where``)."""
        via, level = self.where
        key = node.start_byte
        if key in self.values:
            return self.values[key]
        self.values[key] = hole(text_of(node, self.src), "any", frozenset({"?"}))
        mark = len(self.out.commands)
        label = "``" if node.child_count and node.children[0].type == "`" else "$()"
        inner_via = via + (label,)
        text = text_of(node, self.src)
        if label == "``" and "\\" in text:     # nested backquotes are escaped: parse unescaped
            from .backquotes import unescape_backquoted
            self.fresh(lambda: self.nested(unescape_backquoted(text[1:-1]), inner_via, level))
        else:
            self.fresh(lambda: self._children(node, inner_via, level, None))
        found = self.out.commands[mark:]
        top = [c for c in found if c.via == inner_via and c.hidden is None]
        sources = frozenset(c.program if c.unknown is None else "?" for c in found
                            if c.hidden is None) | frozenset(
            s for c in found if c.hidden is not None for s in c.code_from)
        value = substitution_value(top, sources, text)
        self.values[key] = value
        return value

    def process_sub(self, node: Node) -> str:
        """Walk ``<(...)``/``>(...)`` once; its value is a pipe path fed by those programs."""
        via, level = self.where
        key = node.start_byte
        if key in self.values:
            return self.values[key]
        label = "<()" if node.child_count and node.children[0].type == "<(" else ">()"
        mark = len(self.out.commands)
        self.fresh(lambda: self._children(node, via + (label,), level, None))
        sources = frozenset(c.program if c.unknown is None else "?"
                            for c in self.out.commands[mark:] if c.hidden is None)
        self.values[key] = hole(text_of(node, self.src), PIPE, sources or frozenset({"?"}))
        return self.values[key]

    def _substitution_node(self, node: Node, via: tuple[str, ...], level: int,
                           stdin: object) -> None:
        self.where = (via, level)
        self.substitute(node)

    def _process_node(self, node: Node, via: tuple[str, ...], level: int, stdin: object) -> None:
        self.where = (via, level)
        self.process_sub(node)

    def visit_inside(self, node: Node) -> None:
        via, level = self.where
        self._children(node, via, level, None)

    # -- structure ------------------------------------------------------------------------

    def _keyword(self, node: Node, via: tuple[str, ...], level: int, stdin: object) -> None:
        """``time { ...; }``, ``coproc NAME { ...; }``: the keyword is a command of its own
        (``time -p`` has flag ``p``, ``coproc NAME`` positional ``NAME``), and the compound
        command after it is reached via the keyword, as a wrapped command is via a wrapper."""
        from .flags import normalise
        keyword = self.keywords.pop(node.start_byte)
        argv = tuple(self.src[s:e].decode("utf-8", "replace") for s, e in keyword.words)
        opts = normalise(argv[0], argv[1:])
        text = self.src[keyword.words[0][0]:node.end_byte].decode("utf-8", "replace")
        self.out.commands.append(SimpleCommand(
            argv[0], argv, opts.flags, opts.positionals, opts.subcommand, via, text,
            opts.values, dirs=self.state.dirs))
        self.visit(node, via + (argv[0],), level + 1, stdin)

    def _subshell(self, node: Node, via: tuple[str, ...], level: int, stdin: object) -> None:
        self.fresh(lambda: self._children(node, via + ("subshell",), level, stdin))

    def _function(self, node: Node, via: tuple[str, ...], level: int, stdin: object) -> None:
        """A body runs whenever the function is called, with arguments nobody knows here; what
        it sets may be set after the definition."""
        body = node.child_by_field_name("body")
        if body is None:
            return
        saved = self.state
        self.state = saved.copy()
        self.state.positional = None
        self.visit(body, via + ("function",), level + 1, None)
        merged = saved.merge(self.state)
        merged.positional = saved.positional
        self.state = merged

    # -- strings run as shell code ---------------------------------------------------------

    def nested(self, text: str, via: tuple[str, ...], level: int, state: State | None = None,
               same_shell: bool = False) -> None:
        """Parse a string the line runs as shell code, one nesting level deeper: in this shell
        (``same_shell``: what it sets stays set) or in a new one started from ``state``.

        ``level`` carries on counting syntax depth, so a deep tree split over several
        strings is still bounded (and Python's recursion limit is never reached)."""
        if self.depth + 1 > MAX_NESTING:
            self.out.fail(f"{via[-1]}: shell code nests deeper than {MAX_NESTING} levels")
            return
        work = self.out.work
        work[0] += 1
        work[1] += len(text)
        if work[0] > MAX_NESTED_STRINGS or work[1] > MAX_WORK_BYTES:
            self.out.fail(f"{via[-1]}: too much nested shell code to check")
            return
        inner = Out()
        inner.work = work
        inner.downloads = self.out.downloads
        start = self.state if same_shell else (state or self.state).copy()
        walker = Walker(str(text).encode("utf-8", "replace"), inner, self.depth + 1, start)
        walker.run(via, level)
        if same_shell:
            self.state = walker.state
        self.out.commands.extend(inner.commands)
        self.out.writes.extend(inner.writes)
        self.out.uses.extend(inner.uses)
        if inner.error is not None:
            self.out.fail(f"{via[-1]}: {inner.error}")


HANDLERS: dict[str, Callable[..., None]] = {
    "command": Walker._command, "declaration_command": Walker._declaration,
    "unset_command": Walker._declaration, "variable_assignment": Walker._assignment,
    "redirected_statement": Walker._redirected, "pipeline": Walker._pipeline,
    "list": Walker._list, "subshell": Walker._subshell, "if_statement": Walker._branches,
    "case_statement": Walker._branches, "function_definition": Walker._function,
    "command_substitution": Walker._substitution_node,
    "process_substitution": Walker._process_node, "file_redirect": Walker._file_redirect,
    "heredoc_redirect": Walker._heredoc_redirect, "herestring_redirect": Walker._plain,
    **{loop: Walker._loop for loop in _LOOPS},
}


def parse(src: str) -> ShellLine:
    """Parse one command line (uncached); see ``parse_command_line``."""
    out = Out()
    data = src.encode("utf-8", "replace")
    if len(data) > MAX_SOURCE_BYTES:
        return ShellLine((), (), f"the command is larger than {MAX_SOURCE_BYTES // 1024 // 1024} MiB; "
                         "put a long script or text in a file")
    if b"<<" not in data and data.count(b" ") + data.count(b"\n") > 3 * MAX_NODES:
        # far more words than the node budget and no here-document to hold text: say so before
        # tree-sitter spends time on it (a 1 MiB line of options takes it ~60 ms)
        return ShellLine((), (), f"the command has more than {MAX_NODES:,} parts to check; put a "
                         "long script or text in a file, or split the command")
    if b"\0" in data:     # bash cannot take a NUL in a command; what runs is unclear
        out.fail("the command contains a NUL character")
    Walker(data, out, 0).run(())
    uses = tuple(out.uses) if len(out.uses) < 2 else tuple(dict.fromkeys(out.uses))
    return ShellLine(tuple(out.commands), tuple(out.writes), out.error, uses)
