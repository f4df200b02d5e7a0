"""A rule's key written one level too far left: `reason:` under `guards:` instead of under its guard.

YAML reads such a key as a new rule named `reason`, and the schema then complains about that
"rule" (it is not a mapping) and about the real rule (it lacks `reason`): two messages about
the wrong things. This check finds the key, says what happened once, and tells schema_check
which of its own diagnostics are the same problem.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zot.diagnostics import Diagnostic
from zot.yamlio import Document

# section -> (the schema definition of one entry, what one entry is called)
SECTIONS = {"guards": ("guard", "guard"), "tools": ("tool", "tool"), "commands": ("command", "command"),
            "widgets": ("widget", "widget"), "params": ("param", "param")}


@dataclass(frozen=True)
class Dedented:
    section: str
    name: str               # the key that slipped out of its rule
    previous: str | None    # the rule written just above it, where it probably belongs

    def covers(self, diag: Diagnostic) -> bool:
        """Whether a schema diagnostic is this same problem seen from another side."""
        path = tuple(diag.path)
        if path[:2] == (self.section, self.name):
            return True
        return diag.code == "missing-key" and path == (self.section, self.previous) and f"`{self.name}`" in diag.message


def _fields(schema: dict, definition: str) -> set[str]:
    return set((schema.get("$defs", {}).get(definition) or {}).get("properties") or {})


def find(data: dict, schema: dict) -> list[Dedented]:
    """Keys of a rule section that are rule fields and whose value is not a rule."""
    out: list[Dedented] = []
    for section, (definition, _) in SECTIONS.items():
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        fields = _fields(schema, definition)
        previous: str | None = None
        for name, value in entries.items():
            if isinstance(name, str) and name in fields and not _looks_like_rule(value, fields):
                out.append(Dedented(section, name, previous))
            else:
                previous = str(name)
    return out


def _looks_like_rule(value: Any, fields: set[str]) -> bool:
    return isinstance(value, dict) and any(key in fields for key in value)


def diagnostics(doc: Document, found: list[Dedented]) -> list[Diagnostic]:
    out = []
    for item in found:
        what = SECTIONS[item.section][1]
        hint = (f"did you mean to indent `{item.name}` under `{item.previous}`? Indent it as far as the "
                f"other keys of `{item.previous}`" if item.previous else
                f"indent it under the {what} it belongs to")
        out.append(doc.diag((item.section, item.name), "misplaced-key",
                            f"`{item.name}` is not indented under a {what}, so YAML reads it as a {what} "
                            f"named `{item.name}`", hint, at_key=True))
    return out
