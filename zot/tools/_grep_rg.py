"""The grep engine used when ripgrep is on PATH: `rg --json`, parsed into the shared `Line`s.

ripgrep honours .gitignore and skips binary files; hidden files are searched, `.git` is not.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
from pathlib import Path

from zot.tools._grep_common import GrepError, Line, Query


def argv(rg: str, query: Query) -> list[str]:
    """The pattern goes after `--`, so one starting with `-` is never read as a flag."""
    args = [rg, "--json", "--no-config", "--hidden", "--sort", "path", "--no-messages"]
    if query.ignore_case:
        args.append("--ignore-case")
    if query.literal:
        args.append("--fixed-strings")
    if query.context:
        args += ["--context", str(query.context)]
    if query.glob:
        args += ["--glob", query.glob]
    args += ["--glob", "!.git", "--", query.pattern, str(query.root)]
    return args


def _text(field: dict) -> str:
    if "text" in field:
        return field["text"]
    return base64.b64decode(field.get("bytes", "")).decode("utf-8", errors="replace")


def _parse(raw: bytes) -> Line | None:
    try:
        event = json.loads(raw)
    except ValueError:
        return None
    if event.get("type") not in ("match", "context"):
        return None
    data = event["data"]
    text = _text(data["lines"]).rstrip("\n").rstrip("\r")
    return Line(Path(_text(data["path"])), data["line_number"], text, event["type"] == "match")


def _kill(pid: int) -> None:
    """Not proc.kill(): its poll() can reap rg before asyncio's watcher does, losing the exit code."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


async def _readline(stream: asyncio.StreamReader) -> bytes:
    """A JSON record longer than the buffer (a giant minified line) ends the search, not the tool."""
    try:
        return await stream.readline()
    except ValueError:
        return b""


async def search(rg: str, query: Query, cwd: Path, env: dict[str, str] | None) -> list[Line]:
    proc = await asyncio.create_subprocess_exec(
        *argv(rg, query), cwd=str(cwd), env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, limit=16 * 1024 * 1024)
    lines: list[Line] = []
    matches = 0
    try:
        assert proc.stdout is not None
        while raw := await _readline(proc.stdout):
            line = _parse(raw)
            if line is None:
                continue
            lines.append(line)
            matches += line.is_match
            if matches >= query.max_matches:
                break
    finally:
        if matches >= query.max_matches:
            _kill(proc.pid)
        stderr = await proc.stderr.read() if proc.stderr else b""
        returncode = await proc.wait()
    if returncode == 2 and not lines and matches < query.max_matches:
        raise GrepError(stderr.decode("utf-8", errors="replace").strip() or "ripgrep failed")
    return lines
