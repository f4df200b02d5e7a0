"""List a project's sessions for `--resume` / `--continue` without loading their histories.

Each file is streamed one line at a time and only counters are kept, so a huge session costs
time proportional to its size but little memory. Damaged lines are skipped silently here;
`load_session` is where they are reported.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path

from .session_store import sessions_dir

PROMPT_WIDTH = 80


@dataclass(frozen=True)
class SessionInfo:
    """One line of a session picker. `cost` is None when no message recorded a cost."""

    path: Path
    id: str
    created: _dt.datetime | None
    updated: _dt.datetime          # file modification time, UTC
    model: str | None
    message_count: int             # message records on disk (before load-time repair)
    cost: float | None
    first_prompt: str              # first user message, one line, at most 80 characters


def _one_line(content: object, width: int = PROMPT_WIDTH) -> str:
    if isinstance(content, list):  # content parts: keep the text ones
        content = " ".join(p.get("text", "") for p in content
                           if isinstance(p, dict) and isinstance(p.get("text"), str))
    if not isinstance(content, str):
        return ""
    text = " ".join(content.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _parse_time(value: object) -> _dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = _dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)


def _time_from_name(path: Path) -> _dt.datetime | None:
    try:
        return _dt.datetime.strptime(path.name[:15], "%Y%m%d-%H%M%S").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return None


def _scan(path: Path) -> SessionInfo:
    header: dict = {}
    model: str | None = None
    count = 0
    cost = 0.0
    cost_known = False
    first_prompt = ""
    with path.open("rb") as fh:
        for raw in fh:
            raw = raw.strip(b"\x00\r\n")
            if not raw:
                continue
            try:
                rec = json.loads(raw)
            except (ValueError, RecursionError):
                continue
            if not isinstance(rec, dict):
                continue
            kind = rec.get("type")
            if kind == "message" and isinstance(msg := rec.get("message"), dict):
                count += 1
                if not first_prompt and msg.get("role") == "user":
                    first_prompt = _one_line(msg.get("content"))
                c = rec.get("cost")
                if isinstance(c, (int, float)) and not isinstance(c, bool):
                    cost, cost_known = cost + c, True
                if isinstance(rec.get("model"), str):
                    model = rec["model"]
            elif kind == "session" and not header:
                header = rec
                if isinstance(rec.get("model"), str):
                    model = rec["model"]
            elif kind == "model_change" and isinstance(rec.get("model"), str):
                model = rec["model"]
    stat = path.stat()
    return SessionInfo(
        path=path,
        id=header.get("id") if isinstance(header.get("id"), str) else path.stem.rsplit("-", 1)[-1],
        created=_parse_time(header.get("created")) or _time_from_name(path),
        updated=_dt.datetime.fromtimestamp(stat.st_mtime, _dt.timezone.utc),
        model=model,
        message_count=count,
        cost=cost if cost_known else None,
        first_prompt=first_prompt,
    )


def _newest_first(paths: list[Path]) -> list[Path]:
    """Most recently written first; the name (which starts with the creation time) breaks ties."""
    keyed = []
    for p in paths:
        try:
            keyed.append(((p.stat().st_mtime_ns, p.name), p))
        except OSError:  # deleted while we looked
            continue
    return [p for _, p in sorted(keyed, key=lambda kp: kp[0], reverse=True)]


def _session_files(project_root: Path | str, home: Path | str | None) -> list[Path]:
    folder = sessions_dir(project_root, home)
    return _newest_first([p for p in folder.glob("*.jsonl") if p.is_file()]) if folder.is_dir() else []


def list_sessions(project_root: Path | str, home: Path | str | None = None) -> list[SessionInfo]:
    """The project's sessions, most recently updated first; unreadable files are left out."""
    infos = []
    for path in _session_files(project_root, home):
        try:
            infos.append(_scan(path))
        except OSError:
            continue
    return infos


def latest_session(project_root: Path | str, home: Path | str | None = None) -> Path | None:
    """The session `--continue` resumes: the most recently updated one, found by `stat` alone."""
    files = _session_files(project_root, home)
    return files[0] if files else None
