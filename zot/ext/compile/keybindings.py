"""compile_keybindings: `keybindings:` entries give keys of the REPL's editor a job.

A key (zot.ext.keys: `ctrl+g`, `alt+p`, `f2`, ...) runs a slash command line, inserts text at the
cursor, or submits (what is in the editor, or a given text). Modes without an editor ignore
them. A key the REPL uses already, or that an extension loaded earlier binds, is a validation
error naming both; at run time such a binding is skipped and reported, and the key keeps its
first meaning (zot's own keys always win).
"""
from __future__ import annotations

from dataclasses import dataclass

from zot.ext import keys
from zot.ext.compile.context import ExtCtx

ACTIONS = ("command", "insert", "submit")


@dataclass
class KeyBinding:
    key: keys.Key
    ext: ExtCtx
    action: str                 # command | insert | submit
    value: str | bool
    description: str = ""

    @property
    def source(self) -> str:
        return f"{self.ext.name}:keybindings.{self.key.name}"


def compile_keybindings(section: dict, ext: ExtCtx) -> list[KeyBinding]:
    out = []
    for name, node in (section or {}).items():
        try:
            key = keys.parse(str(name))
        except keys.KeyError_:
            continue          # the validator names it; a bad key binds nothing
        action = next(a for a in ACTIONS if a in node)
        out.append(KeyBinding(key, ext, action, node[action], str(node.get("description") or "")))
    return out
