"""The `edit` tool: exact text replacements, all applied or none.

Every `old_text` is located in the ORIGINAL file, so edits do not see each other's results and
their order does not matter. A file whose line breaks are all CRLF is matched and diffed with LF
and written back with CRLF; a file with mixed line breaks is matched as-is. A UTF-8 BOM is kept.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from zot.tools._common import display_path, error, looks_binary, os_errors_as_results, resolve_path
from zot.tools.base import FunctionTool, ToolContext, ToolResult

BOM = b"\xef\xbb\xbf"

DESCRIPTION = (
    "Edit a file by exact text replacement. `edits` is a list of {old_text, new_text}; each "
    "old_text must appear exactly once in the current file (whitespace and indentation included), "
    "otherwise nothing is changed and the error says which edit matched 0 or several times; add "
    "surrounding lines to make it unique. All edits are matched against the original file, so they "
    "must not overlap. Write line breaks as \\n: CRLF files and a UTF-8 BOM are preserved. Returns "
    "a unified diff of the change. Use `read` first to see the exact text."
)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "minLength": 1, "description": "File to edit."},
        "edits": {
            "type": "array",
            "minItems": 1,
            "description": "Replacements, each matched exactly once against the original file.",
            "items": {
                "type": "object",
                "properties": {
                    "old_text": {"type": "string", "minLength": 1, "description": "Exact text to replace."},
                    "new_text": {"type": "string", "description": "Text to put in its place."},
                },
                "required": ["old_text", "new_text"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["path", "edits"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class _Decoded:
    text: str          # LF-normalised when crlf, else as stored
    bom: bool
    crlf: bool

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (BOM if self.bom else b"") + text.encode("utf-8")


def _decode(data: bytes) -> _Decoded:
    bom = data.startswith(BOM)
    text = data[len(BOM):].decode("utf-8") if bom else data.decode("utf-8")
    newlines = text.count("\n")
    crlf = newlines > 0 and text.count("\r\n") == newlines
    return _Decoded(text.replace("\r\n", "\n") if crlf else text, bom, crlf)


def _locate(text: str, edits: list[dict[str, str]], crlf: bool) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Finds each edit's one span in the original text; the problems are returned, not raised."""
    spans: list[tuple[int, int, str]] = []
    problems: list[str] = []
    for n, edit in enumerate(edits, start=1):
        old, new = edit["old_text"], edit["new_text"]
        if crlf:
            old, new = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
        label = f"edit {n} of {len(edits)}"
        count = text.count(old) if old else 0
        if not old:
            problems.append(f"{label}: old_text is empty")
        elif count == 0:
            problems.append(f"{label}: old_text matched 0 times; it must match the file exactly, "
                            "including whitespace and indentation (read the file again to check)")
        elif count > 1:
            problems.append(f"{label}: old_text matched {count} times; include more surrounding "
                            "lines so it matches exactly once")
        else:
            start = text.index(old)
            spans.append((start, start + len(old), new))
    spans.sort()
    for (a_start, a_end, _), (b_start, _, _) in zip(spans, spans[1:]):
        if b_start < a_end:
            problems.append(f"two edits overlap at character {b_start}; merge them into one edit")
    return spans, problems


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    parts, pos = [], 0
    for start, end, new in spans:
        parts += [text[pos:start], new]
        pos = end
    return "".join(parts) + text[pos:]


def _diff(old: str, new: str, name: str) -> tuple[str, int, int]:
    lines = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                      fromfile=f"a/{name}", tofile=f"b/{name}"))
    lines = [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    return "".join(lines), added, removed


@os_errors_as_results
async def run(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    path = resolve_path(args["path"], ctx)
    shown_path = display_path(path, ctx)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        return error(f"Cannot edit {shown_path}: it {what}. Use write to create a file.", path=str(path))
    data = path.read_bytes()
    if looks_binary(data):
        return error(f"Cannot edit {shown_path}: it looks like a binary file", path=str(path))
    try:
        doc = _decode(data)
    except UnicodeDecodeError as exc:
        return error(f"Cannot edit {shown_path}: it is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                     path=str(path))
    edits = args["edits"]
    spans, problems = _locate(doc.text, edits, doc.crlf)
    if problems:
        return error(f"No changes made to {shown_path}:\n" + "\n".join(problems), path=str(path))
    new_text = _apply(doc.text, spans)
    if new_text == doc.text:
        return error(f"No changes made to {shown_path}: the new text equals the old text", path=str(path))
    path.write_bytes(doc.encode(new_text))
    diff, added, removed = _diff(doc.text, new_text, shown_path)
    summary = (f"Edited {shown_path}: {len(edits)} edit{'s' if len(edits) != 1 else ''} applied "
               f"(+{added} -{removed} lines)")
    return ToolResult(content=f"{summary}\n{diff}", display=diff,
                      details={"path": str(path), "diff": diff, "added": added, "removed": removed})


def tool() -> FunctionTool:
    return FunctionTool(name="edit", description=DESCRIPTION, parameters=PARAMETERS, fn=run)
