"""Where sessions live on disk and how records get there without ever being lost.

A session is an append-only JSONL file: one record per line, each written with a single
`os.write`, then fsynced before `append` returns, so a crash (or `kill -9`) loses at most the
record being written, and load-time repair deals with that torn line. One writer per file is
enforced with an exclusive `flock`, so two zot processes never interleave records.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import errno
import hashlib
import json
import os
import re
import threading
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from zot import config

try:  # POSIX only; on other platforms sessions are written without a lock.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

SESSION_VERSION = 1
INTERRUPTED_NOTE = "interrupted: zot stopped before this tool call finished"


class SessionLocked(RuntimeError):
    """Another process (or another writer in this one) holds the session file open for writing."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(
            f"session {self.path} is already open in another zot process; "
            "close that one or start a new session"
        )


def now_iso() -> str:
    """UTC time with milliseconds; every record carries one so a session can be replayed in time."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def zot_home(home: Path | str | None = None) -> Path:
    """`home` if given, else `config.zot_home()` (`$ZOT_HOME` or `~/.zot`), read on every call
    so tests and users can move all state at once."""
    return Path(home).expanduser() if home is not None else config.zot_home()


def project_hash(root: Path | str) -> str:
    """`<slug>-<16 hex of sha256(resolved path)>`: unique per folder, yet readable in `ls`."""
    resolved = Path(root).expanduser().resolve()
    digest = hashlib.sha256(os.fsencode(str(resolved))).hexdigest()[:16]
    name = unicodedata.normalize("NFKD", resolved.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "root"
    return f"{slug}-{digest}"


def sessions_dir(project_root: Path | str, home: Path | str | None = None) -> Path:
    """The folder holding one project's sessions (it may not exist yet)."""
    return zot_home(home) / "sessions" / project_hash(project_root)


# --- record builders: the one place that knows each record's shape -------------------------

def message_record(message: dict, usage: dict | None = None, cost: float | None = None,
                   model: str | None = None) -> dict:
    """A chat message plus what it cost, so totals survive a resume."""
    return {"type": "message", "message": message, "usage": usage, "cost": cost, "model": model}


def compaction_record(summary: str, first_kept: int) -> dict:
    """Messages before `first_kept` (an index into the repaired history) are replaced by `summary`."""
    return {"type": "compaction", "summary": summary, "first_kept": first_kept}


def model_change_record(model: str) -> dict:
    return {"type": "model_change", "model": model}


def repair_record(tool_call_id: str, note: str) -> dict:
    """Written when a resumed session continues, so the file says a synthetic result was used."""
    return {"type": "repair", "tool_call_id": tool_call_id, "note": note}


def decision_record(**fields: Any) -> dict:
    """A tool-call decision (original and final args, who rewrote or decided what)."""
    return {"type": "decision", **fields}


def event_record(event: dict) -> dict:
    return {"type": "event", "event": event}


def _json_default(value: Any) -> Any:
    # Recording must never crash the agent: anything json cannot encode is kept as best we can.
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value)


def stamp_record(record: dict) -> dict:
    """The record as it will be stored: `type` and `ts` first, so lines read well in a pager."""
    if not isinstance(record, dict) or not isinstance(record.get("type"), str):
        raise ValueError(f"a session record must be a dict with a string 'type', got {record!r:.80}")
    out = {"type": record["type"], "ts": record.get("ts") or now_iso()}
    out.update((k, v) for k, v in record.items() if k not in out)
    return out


def encode_record(record: dict) -> bytes:
    """One stamped record as one line of UTF-8 (lone surrogates become JSON escapes, not bad bytes)."""
    text = json.dumps(stamp_record(record), ensure_ascii=False, separators=(",", ":"),
                      default=_json_default)
    return text.encode("utf-8", "backslashreplace") + b"\n"


def _fsync_dir(path: Path) -> None:
    """Make a new file's directory entry durable too; best effort where unsupported."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _header_id(fd: int) -> str | None:
    try:
        header = json.loads(os.pread(fd, 1 << 16, 0).split(b"\n", 1)[0])
    except (ValueError, OSError, RecursionError):
        return None
    hid = header.get("id") if isinstance(header, dict) else None
    return hid if isinstance(hid, str) else None


class SessionWriter:
    """The only way records reach a session file: append-only, one line per call, fsynced soon.

    Holds an exclusive non-blocking `flock` while open; a second writer gets `SessionLocked`.
    The lock dies with the process, so a crashed zot never leaves a session unopenable.
    Thread-safe: appends from several threads never interleave within a line.
    """

    def __init__(self, path: Path, fd: int, session_id: str | None = None) -> None:
        self.path = path
        self.id = session_id  # the header's id (the file name's short id if the header is lost)
        self._fd: int | None = fd
        self._lock = threading.Lock()
        self._needs_newline = False
        self._dirty = threading.Event()
        self._stop = False
        self._syncer = threading.Thread(target=self._sync_loop, name=f"fsync {path.name}", daemon=True)
        self._syncer.start()

    def _sync_loop(self) -> None:
        """fsync in the background: the loop does not wait for the disk on every message."""
        while True:
            self._dirty.wait()
            self._dirty.clear()
            fd = self._fd
            if fd is not None:
                try:
                    os.fsync(fd)
                except OSError:
                    pass  # closed meanwhile; close() does the last fsync itself
            if self._stop:
                return

    @classmethod
    def create(cls, project_root: Path | str, cwd: Path | str, model: str | None,
               home: Path | str | None = None) -> SessionWriter:
        """Start a new session file for `project_root` and write its header line."""
        folder = sessions_dir(project_root, home)
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            session_id = uuid.uuid4().hex
            stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
            path = folder / f"{stamp}-{session_id[:8]}.jsonl"
            try:
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover - five uuid4 collisions in one second
            raise FileExistsError(f"could not create a new session file in {folder}")
        writer = cls(path, fd, session_id)
        writer._acquire_lock()
        created = now_iso()
        try:
            writer.append({
                "type": "session", "ts": created, "version": SESSION_VERSION, "id": session_id,
                "cwd": str(cwd), "project": str(Path(project_root).expanduser().resolve()),
                "created": created, "model": model,
            })
        except BaseException:
            writer.close()
            raise
        _fsync_dir(folder)
        return writer

    @classmethod
    def open_existing(cls, path: Path | str) -> SessionWriter:
        """Continue an existing session; a torn last line is closed off, never overwritten."""
        path = Path(path)
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
        writer = cls(path, fd)
        writer._acquire_lock()
        writer.id = _header_id(fd) or path.stem.rsplit("-", 1)[-1]
        size = os.fstat(fd).st_size
        # A crash may have left a line without its newline: start ours on a fresh line.
        writer._needs_newline = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
        return writer

    def _acquire_lock(self) -> None:
        if fcntl is None or self._fd is None:  # pragma: no cover
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self._fd)
            self._fd = None
            self._stop = True
            self._dirty.set()
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise SessionLocked(self.path) from None
            raise

    def append(self, record: dict) -> dict:
        """Write one record as one line and return it as written (with its `ts`).

        When this returns the record is in the file with a single write(): killing zot cannot
        lose it. A background thread fsyncs within milliseconds, so a power cut loses at most the
        last moment; `close()` waits for the final fsync. If it raises, earlier records are intact
        and the next append starts on a new line.
        """
        record = stamp_record(record)
        data = encode_record(record)
        with self._lock:
            if self._fd is None:
                raise ValueError(f"session {self.path} is closed")
            if self._needs_newline:
                data = b"\n" + data
            view = memoryview(data)
            try:
                while view:
                    view = view[os.write(self._fd, view):]
            except BaseException:
                if len(view) != len(data):  # something reached the file: was the line finished?
                    self._needs_newline = len(view) > 0
                raise
            self._needs_newline = False
        self._dirty.set()
        return record

    @property
    def closed(self) -> bool:
        return self._fd is None

    def close(self) -> None:
        """Release the lock and the file; safe to call twice."""
        self._stop = True
        self._dirty.set()
        if self._syncer.is_alive() and self._syncer is not threading.current_thread():
            self._syncer.join(timeout=5)
        with self._lock:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                try:
                    os.fsync(fd)
                except OSError:
                    pass
                os.close(fd)  # closing the last descriptor drops the flock

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - a forgotten writer should still unlock
        try:
            self.close()
        except Exception:
            pass
