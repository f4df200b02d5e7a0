"""Walk a tree-sitter-bash tree and collect every simple command and every file write.

The walk is the heart of shell-aware guards: anything that can run a program must be found
(pipelines, lists, subshells, groups, substitutions, control structures, function bodies,
here-document expansions, strings run by ``bash -c``/``eval``, wrappers), while data (quoted
arguments, quoted here-documents) must not be mistaken for commands. When the tree has an error
node, or the line is too big or nests too deep, ``error`` is set so guards can fail closed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tree_sitter import Node

from .flags import normalise
from .grammar import Keyword, first_error, parse_tree
from .model import Redirect, ShellLine, SimpleCommand
from .stdin import backquoted, herestring, is_bare_cat, literal_stdout, unescape_backquoted
from .words import decode, program_name, text_of
from .wrappers import Inner, ReadsStdin, Script, inner_commands

MAX_SOURCE_BYTES = 64 * 1024
MAX_NESTING = 8          # strings run by bash -c / eval / sh <<EOF inside one another
MAX_TREE_DEPTH = 200     # syntax nodes inside one another, e.g. $( $( $( ... ) ) )
MAX_NESTED_STRINGS = 64     # strings parsed in all for one line (they can multiply)
MAX_WORK_BYTES = 1024 * 1024   # bytes parsed in all, nested strings included

_LEAVES = frozenset({
    "word", "raw_string", "ansi_c_string", "number", "variable_name", "string_content",
    "heredoc_start", "heredoc_end", "comment", "test_operator", "file_descriptor",
    "special_variable_name", "regex", "extglob_pattern", "heredoc_content",
})
_WRITE_OPS = frozenset({">", ">>", "&>", "&>>", ">|"})
# nodes that can start where the compound command after `time`/`coproc` starts, around it
_CONTAINERS = frozenset({"program", "list", "pipeline", "redirected_statement"})


@dataclass(slots=True)
class _Word:
    value: str
    start: int
    end: int


class _Out:
    """What one top-level parse collects, shared by the nested parses it starts."""

    __slots__ = ("commands", "writes", "error", "work")

    def __init__(self) -> None:
        self.commands: list[SimpleCommand] = []
        self.writes: list[Redirect] = []
        self.error: str | None = None
        self.work = [0, 0]   # strings and bytes handed to tree-sitter, nested ones included

    def fail(self, message: str) -> None:
        if self.error is None:
            self.error = message


class _Walker:
    """Walks one source string (the line, or a string it runs) into an ``_Out``."""

    def __init__(self, src: bytes, out: _Out, depth: int) -> None:
        self.src = src
        self.out = out
        self.depth = depth
        self.keywords: dict[int, Keyword] = {}
        self.handlers: dict[str, Callable[[Node, tuple[str, ...], int, str | None], None]] = {
            "command": self._command,
            "declaration_command": self._declaration,
            "unset_command": self._declaration,
            "redirected_statement": self._redirected,
            "pipeline": self._pipeline,
            "subshell": self._subshell,
            "function_definition": self._function,
            "command_substitution": self._substitution,
            "process_substitution": self._process_substitution,
            "file_redirect": self._file_redirect,
            "heredoc_redirect": self._heredoc_redirect,
            "herestring_redirect": self._plain,
        }

    def run(self, via: tuple[str, ...], level: int = 0) -> None:
        parsed = parse_tree(self.src)
        root = parsed.tree.root_node
        self.keywords = parsed.keywords
        if parsed.error is not None:
            self.out.fail(parsed.error)
        elif root.has_error:
            self.out.fail(first_error(root, self.src))
        self.visit(root, via, level, None)

    # -- dispatch -------------------------------------------------------------------------

    def visit(self, node: Node, via: tuple[str, ...], level: int, stdin: str | None) -> None:
        """Visit ``node``; ``stdin`` is the literal text on its standard input, if known."""
        if level > MAX_TREE_DEPTH:
            self.out.fail(f"the command nests deeper than {MAX_TREE_DEPTH} levels")
            return
        if self.keywords and node.start_byte in self.keywords and node.type not in _CONTAINERS:
            self._keyword(node, via, level, stdin)
            return
        handler = self.handlers.get(node.type)
        if handler is not None:
            handler(node, via, level, stdin)
        else:
            self._children(node, via, level, stdin)

    def _children(self, node: Node, via: tuple[str, ...], level: int,
                  stdin: str | None) -> None:
        for child in node.named_children:
            if child.type not in _LEAVES:
                self.visit(child, via, level + 1, stdin)

    def _plain(self, node: Node, via: tuple[str, ...], level: int, stdin: str | None) -> None:
        self._children(node, via, level, None)

    # -- commands -------------------------------------------------------------------------

    def _command(self, node: Node, via: tuple[str, ...], level: int, stdin: str | None,
                 extra: list[_Word] | None = None) -> None:
        words: list[_Word] = []
        for child in node.named_children:
            kind = child.type
            if kind == "variable_assignment" or kind == "comment":
                self._children(child, via, level + 1, None)
                continue
            if kind == "file_redirect":
                self._file_redirect(child, via, level + 1, None)
                continue
            if kind == "herestring_redirect":
                stdin = herestring(child, self.src)
                self._children(child, via, level + 1, None)
                continue
            if kind == "command_name":
                child = child.named_children[0] if child.named_child_count else child
                kind = child.type
            value, _ = decode(child, self.src)
            words.append(_Word(value, child.start_byte, child.end_byte))
            if kind not in _LEAVES:
                self.visit(child, via, level + 1, None)
        if extra:
            words.extend(extra)
        if words:
            self._emit(words, via, level, stdin, text_of(node, self.src))

    def _declaration(self, node: Node, via: tuple[str, ...], level: int,
                     stdin: str | None) -> None:
        """``export X=$(...)``, ``local``, ``unset``: a builtin with words, seen as a command."""
        words: list[_Word] = []
        for child in node.children:
            if child.type == "variable_assignment":
                name = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                text = (text_of(name, self.src) if name else "") + "="
                text += decode(value, self.src)[0] if value is not None else ""
                words.append(_Word(text, child.start_byte, child.end_byte))
            elif child.type != "comment":
                words.append(_Word(decode(child, self.src)[0], child.start_byte,
                                   child.end_byte))
            if child.is_named and child.type not in _LEAVES:
                self.visit(child, via, level + 1, None)
        if words:
            self._emit(words, via, level, None, text_of(node, self.src))

    def _emit(self, words: list[_Word], via: tuple[str, ...], level: int, stdin: str | None,
              text: str) -> None:
        """Record one simple command, then whatever it runs in turn."""
        if level > MAX_TREE_DEPTH:
            self.out.fail(f"the command nests deeper than {MAX_TREE_DEPTH} levels")
            return
        argv = tuple(w.value for w in words)
        program = program_name(argv[0])
        args = argv[1:]
        opts = normalise(program, args)
        self.out.commands.append(SimpleCommand(
            program, argv, opts.flags, opts.positionals, opts.subcommand, via, text,
            opts.values))
        if program == "tee":
            op = ">>" if "a" in opts.flags else ">"
            self.out.writes.extend(Redirect(op, p, is_tee=True) for p in opts.positionals)
        for nested in inner_commands(program, args, opts):
            if isinstance(nested, Inner):
                sub = words[1 + nested.start:1 + nested.end]
                sub_text = self.src[sub[0].start:sub[-1].end].decode("utf-8", "replace")
                self._emit(sub, via + (nested.label,), level + 1,
                           stdin if nested.stdin else None, sub_text)
            elif isinstance(nested, Script):
                self.nested(nested.text, via + (nested.label,), level)
            elif isinstance(nested, ReadsStdin) and stdin is not None:
                self.nested(stdin, via + (nested.label,), level)

    def nested(self, text: str, via: tuple[str, ...], level: int) -> None:
        """Parse a string the line runs as shell code, one nesting level deeper.

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
        inner = _Out()
        inner.work = work
        _Walker(text.encode("utf-8", "replace"), inner, self.depth + 1).run(via, level)
        self.out.commands.extend(inner.commands)
        self.out.writes.extend(inner.writes)
        if inner.error is not None:
            self.out.fail(f"{via[-1]}: {inner.error}")

    # -- structure ------------------------------------------------------------------------

    def _pipeline(self, node: Node, via: tuple[str, ...], level: int, stdin: str | None,
                  last_stdin: str | None = None) -> None:
        """``last_stdin``: a here-document tree-sitter hung on the whole pipeline belongs to
        its last command (``x | bash <<EOF``)."""
        if not via or via[-1] != "pipeline":
            via = via + ("pipeline",)
        feed = stdin
        parts = [c for c in node.named_children if c.type != "comment"]
        for i, child in enumerate(parts):
            if i == len(parts) - 1 and last_stdin is not None:
                feed = last_stdin
            self.visit(child, via, level + 1, feed)
            feed = literal_stdout(child, self.src)

    def _keyword(self, node: Node, via: tuple[str, ...], level: int, stdin: str | None) -> None:
        """``time { ...; }``, ``coproc NAME { ...; }``: the keyword is a command of its own
        (``time -p`` has flag ``p``, ``coproc NAME`` positional ``NAME``), and the compound
        command after it is reached via the keyword, as a wrapped command is via a wrapper."""
        if level > MAX_TREE_DEPTH:
            self.out.fail(f"the command nests deeper than {MAX_TREE_DEPTH} levels")
            return
        keyword = self.keywords.pop(node.start_byte)
        argv = tuple(self.src[s:e].decode("utf-8", "replace") for s, e in keyword.words)
        opts = normalise(argv[0], argv[1:])
        text = self.src[keyword.words[0][0]:node.end_byte].decode("utf-8", "replace")
        self.out.commands.append(SimpleCommand(
            argv[0], argv, opts.flags, opts.positionals, opts.subcommand, via, text,
            opts.values))
        self.visit(node, via + (argv[0],), level + 1, stdin)

    def _subshell(self, node: Node, via: tuple[str, ...], level: int, stdin: str | None) -> None:
        self._children(node, via + ("subshell",), level, stdin)

    def _function(self, node: Node, via: tuple[str, ...], level: int, stdin: str | None) -> None:
        body = node.child_by_field_name("body")
        if body is not None:
            self.visit(body, via + ("function",), level + 1, None)

    def _substitution(self, node: Node, via: tuple[str, ...], level: int,
                      stdin: str | None) -> None:
        if node.child_count and node.children[0].type == "`":
            text = text_of(node, self.src)
            if "\\" in text:       # nested backquotes are escaped: parse the unescaped text
                self.nested(unescape_backquoted(text[1:-1]), via + ("``",), level)
                return
            self._children(node, via + ("``",), level, None)
        else:
            self._children(node, via + ("$()",), level, None)

    def _process_substitution(self, node: Node, via: tuple[str, ...], level: int,
                              stdin: str | None) -> None:
        label = "<()" if node.child_count and node.children[0].type == "<(" else ">()"
        self._children(node, via + (label,), level, None)

    # -- redirections ---------------------------------------------------------------------

    def _file_redirect(self, node: Node, via: tuple[str, ...], level: int,
                       stdin: str | None) -> None:
        self._redirect_target(node)
        self._children(node, via, level, None)

    def _redirect_target(self, node: Node) -> list[_Word]:
        """Record the write a file redirect makes; return words bash gives the command."""
        descriptor = ""
        operator = ""
        targets: list[Node] = []
        for child in node.children:
            if child.type == "file_descriptor":
                descriptor = text_of(child, self.src)
            elif not child.is_named:
                operator = child.type
            else:
                targets.append(child)
        if not targets:
            return []
        target = targets[0]
        if target.type != "process_substitution":
            value, _ = decode(target, self.src)
            dup = operator == ">&" and (value.isdigit() or value == "-")
            if operator in _WRITE_OPS or (operator == ">&" and not dup):
                self.out.writes.append(Redirect(descriptor + operator, value))
        return [_Word(decode(t, self.src)[0], t.start_byte, t.end_byte) for t in targets[1:]]

    def _redirected(self, node: Node, via: tuple[str, ...], level: int,
                    stdin: str | None) -> None:
        body: Node | None = None
        extra: list[_Word] = []
        heredoc: Node | None = None
        for child in node.named_children:
            kind = child.type
            if kind == "file_redirect":
                extra.extend(self._redirect_target(child))
                self._children(child, via, level + 1, None)
            elif kind == "heredoc_redirect":
                heredoc = child
            elif kind == "herestring_redirect":
                stdin = herestring(child, self.src)
                self._children(child, via, level + 1, None)
            elif body is None and kind != "comment":
                body = child
        if heredoc is not None:
            self._heredoc_redirect(heredoc, via, level + 1, None, body, extra)
            return
        self._body(body, via, level, stdin, extra)

    def _body(self, body: Node | None, via: tuple[str, ...], level: int, stdin: str | None,
              extra: list[_Word]) -> None:
        if body is None:
            return
        if body.type == "command":
            self._command(body, via, level + 1, stdin, extra)
        else:
            self.visit(body, via, level + 1, stdin)

    def _heredoc_redirect(self, node: Node, via: tuple[str, ...], level: int,
                          stdin: str | None, body: Node | None = None,
                          extra: list[_Word] | None = None) -> None:
        """A here-document: its body is stdin for the command, and tree-sitter hangs the
        rest of the line (``| bash``, ``&& rm x``, ``> out``) under this node."""
        quoted = False
        text: str | None = None
        tail: Node | None = None
        others: list[Node] = []
        for child in node.children:
            kind = child.type
            if kind == "heredoc_start":
                quoted = any(c in text_of(child, self.src) for c in "'\"\\")
            elif kind == "heredoc_body":
                text = text_of(child, self.src)
                if not quoted:
                    self._heredoc_body(child, via, level)
            elif kind == "pipeline" and child.child_count and child.children[0].type == "|":
                tail = child
            elif kind == "file_redirect":
                words = self._redirect_target(child)
                if extra is not None:
                    extra.extend(words)
                self._children(child, via, level, None)
            elif child.is_named and kind not in _LEAVES:
                others.append(child)
        if text is None:
            text = ""
        last = body
        if body is not None and body.type == "pipeline":
            last = body.named_children[-1] if body.named_child_count else None
            self._pipeline(body, via, level + 1, None, text)
            body = None
        if tail is not None:
            piped = via if via and via[-1] == "pipeline" else via + ("pipeline",)
            self._body(body, piped, level, text, extra or [])
            feed = text if last is not None and is_bare_cat(last, self.src) else None
            for part in tail.named_children:
                self._pipe_tail(part, piped, via, level + 1, feed)
                feed = None
        else:
            self._body(body, via, level, text, extra or [])
        for other in others:
            self.visit(other, via, level + 1, None)

    def _pipe_tail(self, node: Node, piped: tuple[str, ...], via: tuple[str, ...], level: int,
                   feed: str | None) -> None:
        """The part of ``cat <<EOF | a && b`` after the pipe: ``a`` is piped, ``b`` is not."""
        if node.type == "list":
            parts = [c for c in node.named_children if c.type != "comment"]
            if parts:
                self._pipe_tail(parts[0], piped, via, level + 1, feed)
                for part in parts[1:]:
                    self.visit(part, via, level + 1, None)
            return
        self.visit(node, piped, level, feed)

    def _heredoc_body(self, node: Node, via: tuple[str, ...], level: int) -> None:
        """Expansions in an unquoted here-document run; tree-sitter misses backquotes there,
        so the body text is scanned for them by hand."""
        for child in node.named_children:
            if child.type not in _LEAVES:
                self.visit(child, via, level + 1, None)
        text = text_of(node, self.src)
        if "`" not in text:
            return
        spans, unterminated = backquoted(text)
        for inner in spans:
            self.nested(unescape_backquoted(inner), via + ("``",), level)
        if unterminated:
            self.out.fail("unterminated backquote in a here-document")


def parse(src: str) -> ShellLine:
    """Parse one command line (uncached); see ``parse_command_line``."""
    out = _Out()
    data = src.encode("utf-8", "replace")
    if len(data) > MAX_SOURCE_BYTES:
        return ShellLine((), (), f"the command is larger than {MAX_SOURCE_BYTES // 1024} KiB")
    if b"\0" in data:     # bash cannot take a NUL in a command; what runs is unclear
        out.fail("the command contains a NUL character")
    _Walker(data, out, 0).run(())
    return ShellLine(tuple(out.commands), tuple(out.writes), out.error)
