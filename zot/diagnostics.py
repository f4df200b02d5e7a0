"""One diagnostic type for every problem zot reports about a user's files.

Everything that reads a user's file (manifests, recipes, settings, sessions) reports through
`Diagnostic`, so the CLI prints them the same way and `--format json` is one dump.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """A problem at a place in a file. `line` and `column` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str = ""
    path: tuple[str | int, ...] = field(default=())  # key path inside the document

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_json(self) -> dict:
        d = asdict(self)
        d["path"] = list(self.path)
        return d


def did_you_mean(word: str, choices, cutoff: float = 0.6, quote: str = "`{}`") -> str:
    """`did you mean `x`? ` (with a trailing space) for the closest choice, or "" when none is close:
    the one wording every suggestion in zot uses."""
    import difflib

    found = difflib.get_close_matches(str(word), sorted(str(c) for c in choices), n=1, cutoff=cutoff)
    return f"did you mean {quote.format(found[0])}? " if found else ""


def format_text(diag: Diagnostic, source: str | None = None) -> str:
    """`path:line:col: severity[code]: message`, the source line with a caret, then the hint."""
    where = diag.file
    if diag.line:
        where += f":{diag.line}:{max(diag.column, 1)}"
    out = [f"{where}: {diag.severity}[{diag.code}]: {diag.message}"]
    if source is not None and diag.line:
        lines = source.splitlines()
        if 0 < diag.line <= len(lines):
            text = lines[diag.line - 1].replace("\t", " ")
            out.append(f"  {diag.line:>4} | {text}")
            out.append("       | " + " " * max(diag.column - 1, 0) + "^")
    if diag.hint:
        out.append(f"  hint: {diag.hint}")
    return "\n".join(out)


def format_json(diags: list[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diags], indent=2, ensure_ascii=False)


def sort_key(diag: Diagnostic) -> tuple:
    return (diag.file, diag.line, diag.column, diag.code, diag.message)
