"""`extension.json`: the Go zot's manifest of a script extension, read as a zot extension.

`{"name": "weather", "exec": "./weather", "args": [], "enabled": true, "description": "...",
"version": "1.0.0"}`; `name` and `exec` are required, unknown keys are ignored (the Go zot may
add some). It becomes the same plain data an `extension.yaml` with only a `script:` section
gives, so the loader, trust, `zot ext list` and the script host treat both alike. When a folder
holds both files, `extension.yaml` is the manifest and `extension.json` is not read.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from zot.diagnostics import Diagnostic
from zot.yamlio import MAX_BYTES, Document, display_path

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def key_position(text: str, key: str) -> tuple[int, int]:
    """1-based line and column of the first `"key":` in the text (1, 1 when it is not there)."""
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    if not match:
        return 1, 1
    before = text[: match.start()]
    return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1


def _diag(doc: Document, key: str, code: str, message: str, hint: str = "") -> Diagnostic:
    line, col = key_position(doc.text, key) if key else (1, 1)
    return Diagnostic(doc.display, line, col, "error", code, message, hint, (key,) if key else ())


def parse(path: Path) -> tuple[Document, dict[str, Any] | None]:
    """The document and its JSON object, or None with diagnostics in `doc.diagnostics`."""
    doc = Document(path)
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.diagnostics.append(Diagnostic(shown, 0, 0, "error", "unreadable", f"cannot read the file: {exc}"))
        return doc, None
    if len(raw) > MAX_BYTES:
        doc.diagnostics.append(Diagnostic(shown, 1, 1, "error", "file-too-large",
                                          f"the file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}"))
        return doc, None
    try:
        doc.text = raw.decode("utf-8-sig")
        data = json.loads(doc.text)
    except UnicodeDecodeError as exc:
        doc.diagnostics.append(Diagnostic(shown, 1, 1, "error", "encoding", f"the file is not UTF-8: {exc.reason}",
                                          "save the file as UTF-8"))
        return doc, None
    except json.JSONDecodeError as exc:
        doc.diagnostics.append(Diagnostic(shown, exc.lineno, exc.colno, "error", "json-syntax",
                                          f"this is not valid JSON: {exc.msg}",
                                          "check for a missing comma or quote, or a trailing comma before } or ]"))
        return doc, None
    except RecursionError:
        doc.diagnostics.append(Diagnostic(shown, 1, 1, "error", "too-deep", "the file nests too deeply to read"))
        return doc, None
    if not isinstance(data, dict):
        doc.diagnostics.append(Diagnostic(shown, 1, 1, "error", "not-an-object",
                                          "extension.json must be one JSON object",
                                          'write {"name": "NAME", "exec": "PROGRAM", "args": []}'))
        return doc, None
    doc.data = data
    return doc, data


def check(doc: Document, raw: dict[str, Any]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    name = raw.get("name")
    if "name" not in raw:
        out.append(_diag(doc, "", "missing-key", "`name` is missing", 'add "name": "my-extension"'))
    elif not isinstance(name, str) or not NAME.match(name):
        out.append(_diag(doc, "name", "bad-name", f"`name` must be a name like `weather`, not {json.dumps(name)}",
                         "use letters, digits, ., _ and -, starting with a letter or digit (at most 64)"))
    program = raw.get("exec")
    if "exec" not in raw:
        out.append(_diag(doc, "", "missing-key", "`exec` is missing: the program to start",
                         'add "exec": "./my-extension" (relative to this folder) or a program on PATH'))
    elif not isinstance(program, str) or not program.strip():
        out.append(_diag(doc, "exec", "bad-exec", "`exec` must be a non-empty string: the program to start"))
    args = raw.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        out.append(_diag(doc, "args", "bad-args", "`args` must be a list of strings", 'e.g. "args": ["--stdio"]'))
    if "enabled" in raw and not isinstance(raw["enabled"], bool):
        out.append(_diag(doc, "enabled", "bad-enabled", "`enabled` must be true or false"))
    for key in ("description", "version"):
        if key in raw and not isinstance(raw[key], (str, int, float)):
            out.append(_diag(doc, key, f"bad-{key}", f"`{key}` must be a string"))
    return out


def as_manifest(raw: dict[str, Any]) -> dict[str, Any]:
    """The plain data of the equivalent extension.yaml."""
    return {"schema": "zot/extension/v1", "name": raw.get("name"), "version": str(raw.get("version", "0.0.0")),
            "description": str(raw.get("description", "")),
            "script": {"exec": raw.get("exec"), "args": list(raw.get("args") or [])}}
