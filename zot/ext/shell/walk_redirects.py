"""The walker's redirections, here-strings, here-documents and pipelines: what each command
writes, and what arrives on each command's standard input.

tree-sitter hangs the rest of a line under a here-document (``cat <<EOF | bash``, ``&& rm x``,
``> out``), so here-documents get the most care. A pipeline feeds each part what the previous
one writes: literal text when the line spells it out (``echo``, ``printf``, ``cat <<EOF``), else a
``doors.Piped`` naming the programs upstream, which is how ``curl ... | sh`` is known for what
it is.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from tree_sitter import Node

from .doors import Piped, Stdin, stdout_of
from .expand import expand_one
from .model import Redirect, SimpleCommand
from .pathuse import redirect_use
from .backquotes import backquoted, unescape_backquoted
from .value import ANY, PIPE, hole, join_words, kind_of, make_word, parts_of, sources_of
from .words import text_of

if TYPE_CHECKING:
    from .parse import Out
    from .state import State

Via = tuple[str, ...]
_WRITE_OPS = frozenset({">", ">>", "&>", "&>>", ">|", "<>"})


class RedirectsMixin:
    src: bytes
    out: "Out"
    state: "State"
    where: tuple[Via, int]
    emitted: list[SimpleCommand]

    # -- targets --------------------------------------------------------------------------

    def herestring(self, node: Node, via: Via, level: int) -> str:
        """The text a here-string (``<<< word``) puts on stdin."""
        self.where = (via, level)
        words = [expand_one(c, self)[0] for c in node.named_children]
        return join_words([join_words(words), "\n"], "")

    def redirect_target(self, node: Node, via: Via, level: int,
                        extra: list[Node] | None = None,
                        feeds: list[object] | None = None) -> list[str]:
        """Record what a file redirection writes or reads; words after the target (bash gives
        them to the command) go to ``extra``, and what ``<`` puts on stdin when zot can tell
        (``< <(curl ...)``: a pipe from curl) to ``feeds``. Returns the written targets."""
        descriptor, operator, targets = "", "", []
        for child in node.children:
            if child.type == "file_descriptor":
                descriptor = text_of(child, self.src)
            elif not child.is_named:
                operator = child.type
            else:
                targets.append(child)
        if not targets:
            return []
        if extra is not None:
            extra.extend(targets[1:])
        self.where = (via, level)
        written: list[str] = []
        for value in expand_one(targets[0], self):
            dup = operator in (">&", "<&") and (value.isdigit() or value == "-")
            if feeds is not None and operator == "<" and not descriptor:
                feeds.append(self._file_feed(value))
            if dup or kind_of(value) == PIPE:       # `> >(tee log)`: a pipe, not a file
                continue
            if self._raw_operator(node) == "<>":
                operator = "<>"
            dirs = self.state.dirs
            if operator in _WRITE_OPS or operator == ">&":
                self.out.writes.append(Redirect(descriptor + operator, value, dirs=dirs))
                written.append(value)
            use = redirect_use(descriptor + operator, value, dirs)
            if use is not None:
                self.out.uses.append(use)
        return written

    def _file_feed(self, value: str) -> Stdin:
        """stdin read from a file: a pipe's programs, a download's fetchers, or a plain file
        (its text is not in the line, like a script a shell is given: None)."""
        if kind_of(value) in (PIPE, ANY):
            return Piped(sources_of(value) or frozenset({"$"}))
        fetched = self.out.downloads.get(str(value).removeprefix("./"))
        return Piped(fetched) if fetched else None

    def _raw_operator(self, node: Node) -> str:
        """``<>`` is read as ``>`` by the grammar (zot's shadow turns it into one)."""
        text = text_of(node, self.src)
        return "<>" if "<>" in text.split(None, 1)[0] else ""

    def _file_redirect(self, node: Node, via: Via, level: int, stdin: object) -> None:
        self.redirect_target(node, via, level)

    # -- statements with redirections -----------------------------------------------------

    def _redirected(self, node: Node, via: Via, level: int, stdin: object) -> None:
        body: Node | None = None
        redirects: list[Node] = []
        heredoc: Node | None = None
        for child in node.named_children:
            kind = child.type
            if kind == "file_redirect":
                redirects.append(child)
            elif kind == "heredoc_redirect":
                heredoc = child
            elif kind == "herestring_redirect":
                stdin = self.herestring(child, via, level)
            elif body is None and kind != "comment":
                body = child
        if body is not None and body.type in ("list", "pipeline") and heredoc is None:
            # `cd x && echo y > f`: the grammar hangs `> f` on the whole list, but bash gives it
            # to the last command, which runs after the `cd`
            self._body(body, via, level, stdin, [])
            for redirect in redirects:
                self.redirect_target(redirect, via, level)
            return
        extra: list[Node] = []
        targets: list[str] = []
        feeds: list[object] = []
        for redirect in redirects:
            targets += self.redirect_target(redirect, via, level, extra, feeds)
        if feeds:
            stdin = feeds[-1]
        if heredoc is not None:
            self._heredoc_redirect(heredoc, via, level + 1, None, body, extra, targets)
            return
        self._body(body, via, level, stdin, extra, targets)

    def _body(self, body: Node | None, via: Via, level: int, stdin: object,
              extra: Sequence[Node], targets: Sequence[str] = ()) -> None:
        if body is None:
            return
        if body.type == "command":
            self._command(body, via, level + 1, stdin, extra, targets)
        else:
            self.visit(body, via, level + 1, stdin)

    def _heredoc_redirect(self, node: Node, via: Via, level: int, stdin: object,
                          body: Node | None = None, extra: list[Node] | None = None,
                          targets: Sequence[str] = ()) -> None:
        """A here-document: its body is stdin for the command, and tree-sitter hangs the
        rest of the line (``| bash``, ``&& rm x``, ``> out``) under this node."""
        quoted = False
        text: str | None = None
        tail: Node | None = None
        others: list[Node] = []
        extra = extra if extra is not None else []
        for child in node.children:
            kind = child.type
            if kind == "heredoc_start":
                quoted = any(c in text_of(child, self.src) for c in "'\"\\")
            elif kind == "heredoc_body":
                text = text_of(child, self.src) if quoted else self._heredoc_text(child, via, level)
            elif kind == "pipeline" and child.child_count and child.children[0].type == "|":
                tail = child
            elif kind == "file_redirect":
                targets = [*targets, *self.redirect_target(child, via, level, extra)]
            elif child.is_named and kind not in ("heredoc_end",) and child.type != "comment":
                others.append(child)
        if text is None:
            text = ""
        if body is not None and body.type == "pipeline":
            self._pipeline(body, via, level + 1, None, text)
            body = None
            feed: Stdin = self._last_feed
        elif tail is not None:
            piped = via if via and via[-1] == "pipeline" else via + ("pipeline",)
            mark = len(self.out.commands)
            self.emitted, self.emitted_stdin = [], None
            self._body(body, piped, level, text, extra, targets)
            feed = self._stdout(mark, text)
        else:
            self._body(body, via, level, text, extra, targets)
            feed = None
        if tail is not None:
            piped = via if via and via[-1] == "pipeline" else via + ("pipeline",)
            for part in tail.named_children:
                self._pipe_tail(part, piped, via, level + 1, feed)
                feed = self._last_feed
        for other in others:
            self.visit(other, via, level + 1, None)

    def _pipe_tail(self, node: Node, piped: Via, via: Via, level: int, feed: Stdin) -> None:
        """The part of ``cat <<EOF | a && b`` after the pipe: ``a`` is piped, ``b`` is not."""
        if node.type == "list":
            parts = [c for c in node.named_children if c.type != "comment"]
            if parts:
                self._pipe_tail(parts[0], piped, via, level + 1, feed)
                for part in parts[1:]:
                    self.visit(part, via, level + 1, None)
            return
        mark = len(self.out.commands)
        self.emitted, self.emitted_stdin = [], None
        self.fresh(lambda: self.visit(node, piped, level, feed))
        self._last_feed = self._stdout(mark, feed)

    def _heredoc_text(self, node: Node, via: Via, level: int) -> str:
        """An unquoted here-document as bash expands it: its substitutions run (and are seen),
        and what they print becomes part of the text (unknown, named by its programs)."""
        self.where = (via, level)
        parts: list[tuple[str, str]] = []
        sources: set[str] = set()
        pos = node.start_byte
        for child in node.named_children:
            if child.type in ("heredoc_content", "heredoc_end"):
                continue
            parts.append((self.src[pos:child.start_byte].decode("utf-8", "replace"), ""))
            if child.type in ("simple_expansion", "expansion", "command_substitution",
                              "arithmetic_expansion"):
                for value in expand_one(child, self)[:1]:
                    parts.extend(parts_of(value))
                    sources |= sources_of(value)
            else:
                self.visit(child, via, level + 1, None)
                parts.append((text_of(child, self.src), ""))
            pos = child.end_byte
        parts.append((self.src[pos:node.end_byte].decode("utf-8", "replace"), ""))
        text = "".join(t for t, _ in parts)
        if "`" in text:             # tree-sitter misses backquotes in here-documents
            spans, unterminated = backquoted(text)
            for inner in spans:
                mark = len(self.out.commands)
                self.nested(unescape_backquoted(inner), via + ("``",), level)
                found = self.out.commands[mark:]
                sources |= {c.program for c in found if c.hidden is None} or {"?"}
                parts.append(("", ""))
                parts.append((f"`{inner}`", ANY))
            if unterminated:
                self.out.fail("unterminated backquote in a here-document")
        if any(kind == ANY for _, kind in parts) and not sources:
            sources = {"$"}
        return make_word(parts, frozenset(sources))

    # -- pipelines ------------------------------------------------------------------------

    _last_feed: Stdin = None
    emitted_stdin: object = None     # what the command just read (a here-string, `< file`)

    def _pipeline(self, node: Node, via: Via, level: int, stdin: object,
                  last_stdin: str | None = None) -> None:
        """Each part runs in a subshell and reads what the part before it writes.
        ``last_stdin``: a here-document tree-sitter hung on the whole pipeline belongs to
        its last command (``x | bash <<EOF``)."""
        if not via or via[-1] != "pipeline":
            via = via + ("pipeline",)
        feed: Stdin = stdin if isinstance(stdin, (str, Piped)) or stdin is None else None
        parts = [c for c in node.named_children if c.type != "comment"]
        for i, child in enumerate(parts):
            if i == len(parts) - 1 and last_stdin is not None:
                feed = last_stdin
            mark = len(self.out.commands)
            self.emitted, self.emitted_stdin = [], None
            self.fresh(lambda: self.visit(child, via, level + 1, feed))
            feed = self._stdout(mark, feed)
        self._last_feed = feed

    def _stdout(self, mark: int, stdin: Stdin) -> Stdin:
        """What the part that emitted ``out.commands[mark:]`` writes to the next one."""
        top = [c for c in self.emitted if c.hidden is None]
        if len(top) == 1 and top[0].unknown is None:
            own = self.emitted_stdin if self.emitted_stdin is not None else stdin
            text = stdout_of(top[0].program, top[0].argv[1:], own)
            if text is not None:
                return text
        found = self.out.commands[mark:]
        sources = {c.program if c.unknown is None else "?" for c in found if c.hidden is None}
        sources |= {s for c in found if c.hidden is not None for s in c.code_from}
        if isinstance(stdin, Piped):
            sources |= stdin.sources
        elif isinstance(stdin, str):
            sources |= set(sources_of(stdin))
        return Piped(frozenset(sources) or frozenset({"?"}))


def unknown_text(text: str) -> str:
    return hole(text, ANY, frozenset({"$"}))
