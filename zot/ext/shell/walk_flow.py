"""The walker's control flow: where bash may take one way or another, the states merge.

``a && b || c`` runs each part after the one before it; ``if``/``case`` run one body of several
(or none); a loop body runs any number of times, so it is walked once and, when it changed a
variable, again from the merged state, so a value set in one pass is seen in the next.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from .state import State, Val, any_val
from .words import LEAVES, text_of

if TYPE_CHECKING:
    from .parse import Out

MAX_LOOP_PASSES = 3      # loops inside loops walked twice (to see values set in the body)
Via = tuple[str, ...]


class FlowMixin:
    src: bytes
    out: "Out"
    state: State
    values: dict[int, str]
    loops: int

    def _list(self, node: Node, via: Via, level: int, stdin: object) -> None:
        """``a && b || c``: each part runs after the one before it (when it runs at all), so it
        sees the state that one left; the line goes on from wherever the chain stopped."""
        parts: list[Node] = []
        todo = [node]
        while todo:                     # the grammar nests chains to the left: flatten them
            item = todo.pop()
            if item.type == "list":
                todo.extend(reversed([c for c in item.children if c.is_named
                                      and c.type != "comment"]))
            else:
                parts.append(item)
        exits: list[State] = []
        for i, part in enumerate(parts):
            self.visit(part, via, level + 1, stdin)
            if i < len(parts) - 1:
                exits.append(self.state.copy())
        for state in exits:
            self.state = state.merge(self.state)

    def _branches(self, node: Node, via: Via, level: int, stdin: object) -> None:
        """``if``/``case``: conditions run in order; each body starts where they left off,
        and the line goes on from any body (or from none, without ``else``/``*)``)."""
        ends: list[State] = []
        otherwise = True
        for part in self._branch_parts(node):
            kind, nodes = part
            if kind == "cond":
                for n in nodes:
                    self.visit(n, via, level + 1, stdin)
                continue
            if kind == "else":
                otherwise = False
            start = self.state
            self.state = start.copy()
            for n in nodes:
                self.visit(n, via, level + 1, stdin)
            ends.append(self.state)
            self.state = start
        if otherwise:
            ends.append(self.state)
        merged = ends[0]
        for end in ends[1:]:
            merged = merged.merge(end)
        self.state = merged

    def _branch_parts(self, node: Node) -> list[tuple[str, list[Node]]]:
        parts: list[tuple[str, list[Node]]] = []
        if node.type == "case_statement":
            word = node.child_by_field_name("value")
            if word is not None:
                parts.append(("cond", [word]))
            for item in node.named_children:
                if item.type == "case_item":
                    patterns = item.child_by_field_name("value")
                    default = any(text_of(c, self.src) == "*" for c in item.children
                                  if c.type in ("word", "extglob_pattern"))
                    body = [c for c in item.named_children if c.type not in LEAVES
                            and c.type not in ("concatenation", "string", "simple_expansion")
                            and c is not patterns]
                    parts.append(("else" if default else "body", body))
            return parts
        self._if_parts(node, parts)
        return parts

    def _if_parts(self, node: Node, parts: list[tuple[str, list[Node]]]) -> None:
        phase, current = "cond", []
        for child in node.children:
            if child.type in ("if", "elif"):
                phase, current = "cond", []
            elif child.type == "then":
                parts.append(("cond", current))
                phase, current = "body", []
                parts.append(("body", current))
            elif child.type in ("elif_clause", "else_clause"):
                if child.type == "else_clause":
                    parts.append(("else", [c for c in child.named_children
                                           if c.type != "comment"]))
                else:
                    self._if_parts(child, parts)
            elif child.is_named and child.type != "comment":
                current.append(child)

    def _loop(self, node: Node, via: Via, level: int, stdin: object) -> None:
        """A loop body may run many times: walked once, and again from the merged state when
        it changed a variable, so a value set in one pass is seen in the next."""
        start = self.state.copy()
        self._loop_variable(node)
        mark = self.out.mark()
        self._children(node, via, level, stdin)
        if not self.state.same_values(start) and self.loops < MAX_LOOP_PASSES:
            self.out.rewind(mark)
            self._forget(node)
            self.state = start.merge(self.state)
            self._loop_variable(node)
            self.loops += 1
            try:
                self._children(node, via, level, stdin)
            finally:
                self.loops -= 1
        self.state = start.merge(self.state)

    def _forget(self, node: Node) -> None:
        for key in [k for k in self.values if node.start_byte <= k < node.end_byte]:
            del self.values[key]

    def _loop_variable(self, node: Node) -> None:
        """``for X in WORDS``: X takes each word; without ``in``, each argument."""
        if node.type not in ("for_statement", "select_statement"):
            return
        name = node.child_by_field_name("variable")
        if name is None:
            return
        values = node.children_by_field_name("value")
        var = text_of(name, self.src)
        if not values:
            if self.state.positional is None:
                self.state.assign(var, (any_val(var),))
            else:
                self.state.assign(var, tuple(dict.fromkeys(
                    Val((w,)) for p in self.state.positional for w in p)) or (Val(("",)),))
            return
        from .expand import expand
        words: list[str] = []
        for value in values:
            for fields in expand(value, self):
                words.extend(fields)
        self.state.assign(var, tuple(dict.fromkeys(Val((w,)) for w in words)) or (Val(("",)),))
