"""`@path` in a message attaches that file: the model gets its text after the message.

Only files inside the project and at most 50 KiB of text each are attached, at most 10 per
message; anything else stays as the plain `@word` the user typed.
"""
from __future__ import annotations

import re
from pathlib import Path

MENTION = re.compile(r"(?<![\w@])@([\w./~+-][\w./~+-]*)")
MAX_BYTES = 50 * 1024
MAX_FILES = 10


def attach(text: str, cwd: Path, project: Path) -> str:
    blocks: list[str] = []
    seen: set[Path] = set()
    for match in MENTION.finditer(text):
        if len(blocks) >= MAX_FILES:
            break
        raw = match.group(1).rstrip(".,;:")
        path = (cwd / Path(raw).expanduser()).resolve()
        if path in seen or not path.is_file():
            continue
        try:
            path.relative_to(project.resolve())
            data = path.read_bytes()
        except (ValueError, OSError):
            continue
        if len(data) > MAX_BYTES or b"\0" in data[:8192]:
            continue
        seen.add(path)
        blocks.append(f'<file path="{raw}">\n{data.decode("utf-8", errors="replace")}\n</file>')
    return text if not blocks else text + "\n\n" + "\n\n".join(blocks)
