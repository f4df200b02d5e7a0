"""Writing sessions: paths, round trip, durability per record, one writer per file, real crashes."""
from __future__ import annotations

import hashlib
import json
import os
import time
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zot.agent import session_store
from zot.agent.session import (
    SessionLocked,
    SessionWriter,
    compaction_record,
    load_session,
    message_record,
    model_change_record,
    project_hash,
    sessions_dir,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "My Proj"
    root.mkdir()
    return root


def test_project_hash_is_slug_plus_16_hex_of_resolved_path(project: Path) -> None:
    digest = hashlib.sha256(str(project.resolve()).encode()).hexdigest()[:16]
    assert project_hash(project) == f"my-proj-{digest}"
    assert project_hash(project / "sub" / "..") == project_hash(project)
    assert project_hash(Path("/")).startswith("root-")


def test_sessions_dir_follows_zot_home(project: Path, isolated_home: Path, tmp_path: Path) -> None:
    assert sessions_dir(project) == isolated_home / ".zot" / "sessions" / project_hash(project)
    assert sessions_dir(project, home=tmp_path / "h") == tmp_path / "h" / "sessions" / project_hash(project)


def test_create_writes_header_and_names_file(project: Path) -> None:
    with SessionWriter.create(project, cwd=project / "src", model="gpt-x") as w:
        path = w.path
    assert path.parent == sessions_dir(project)
    stamp, short = path.stem.rsplit("-", 1)
    assert len(stamp) == 15 and stamp[8] == "-" and short == w.id[:8]
    header = json.loads(path.read_text().splitlines()[0])
    assert list(header)[:2] == ["type", "ts"]
    assert header["type"] == "session" and header["version"] == 1 and header["id"] == w.id
    assert header["cwd"] == str(project / "src") and header["project"] == str(project.resolve())
    assert header["model"] == "gpt-x" and header["created"] == header["ts"]


def test_append_load_round_trip(project: Path) -> None:
    msgs = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "héllo\nthere \u2028 \udc80"},
        {"role": "assistant", "content": None,
         "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "ls", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "a.py"},
        {"role": "assistant", "content": "done"},
    ]
    with SessionWriter.create(project, project, "m1") as w:
        for i, m in enumerate(msgs):
            written = w.append(message_record(m, usage={"prompt_tokens": 10, "completion_tokens": i},
                                              cost=0.5, model="m1"))
            assert written["type"] == "message" and written["ts"]
        w.append(model_change_record("m2"))
        w.append({"type": "decision", "tool": "bash", "action": "deny"})
        w.append({"type": "event", "event": {"type": "turn_end"}})
    s = load_session(w.path)
    assert s.warnings == [] and s.repairs == []
    assert s.messages == msgs
    assert s.context_messages() == msgs
    assert s.model == "m2"
    assert s.usage == {"prompt_tokens": 50, "completion_tokens": 10}
    assert s.cost == pytest.approx(2.5)
    assert s.header["id"] == s.id == w.id
    kinds = [r["type"] for r in s.records]
    assert kinds == ["session"] + ["message"] * 5 + ["model_change", "decision", "event"]
    assert all(r["ts"] for r in s.records)


def test_each_record_is_one_line_and_unencodable_values_do_not_crash(project: Path) -> None:
    with SessionWriter.create(project, project, None) as w:
        w.append({"type": "event", "event": {"path": Path("/x"), "tags": {1}, "multi": "a\nb"}})
    lines = w.path.read_bytes().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["event"] == {"path": "/x", "tags": [1], "multi": "a\nb"}


def test_append_rejects_record_without_type(project: Path) -> None:
    with SessionWriter.create(project, project, None) as w:
        with pytest.raises(ValueError):
            w.append({"message": {}})
    assert len(w.path.read_bytes().splitlines()) == 1


def test_append_is_visible_to_another_process_before_close(project: Path) -> None:
    w = SessionWriter.create(project, project, None)
    try:
        w.append(message_record({"role": "user", "content": "seen?"}))
        out = subprocess.run(
            [sys.executable, "-c", "import sys; print(open(sys.argv[1]).read(), end='')", str(w.path)],
            capture_output=True, text=True, check=True).stdout
        assert json.loads(out.splitlines()[-1])["message"]["content"] == "seen?"
    finally:
        w.close()


def test_records_are_fsynced_soon_after_append_and_on_close(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(session_store.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    w = SessionWriter.create(project, project, None)
    before = len(synced)
    w.append(message_record({"role": "user", "content": "x"}))
    deadline = time.monotonic() + 5
    while len(synced) == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(synced) > before, "the background fsync never ran"
    on_close = len(synced)
    w.close()
    assert len(synced) > on_close, "close() must fsync the last records"


def test_second_writer_gets_session_locked(project: Path) -> None:
    with SessionWriter.create(project, project, None) as w:
        with pytest.raises(SessionLocked) as err:
            SessionWriter.open_existing(w.path)
        assert str(w.path) in str(err.value) and err.value.path == w.path
        # another process is refused too
        code = subprocess.run(
            [sys.executable, "-c", textwrap.dedent("""
                import sys
                from zot.agent.session import SessionWriter, SessionLocked
                try:
                    SessionWriter.open_existing(sys.argv[1])
                except SessionLocked as e:
                    sys.exit(3)
            """), str(w.path)], cwd=REPO).returncode
        assert code == 3
        w.append(message_record({"role": "user", "content": "still mine"}))
    with SessionWriter.open_existing(w.path) as again:  # free once closed
        assert again.id == w.id
        again.append(message_record({"role": "assistant", "content": "ok"}))
    assert [m["content"] for m in load_session(w.path).messages] == ["still mine", "ok"]


def test_closed_writer_refuses_appends(project: Path) -> None:
    w = SessionWriter.create(project, project, None)
    w.close()
    w.close()
    assert w.closed
    with pytest.raises(ValueError, match="closed"):
        w.append(message_record({"role": "user", "content": "x"}))


def test_open_existing_never_rewrites_and_closes_a_torn_line(project: Path) -> None:
    with SessionWriter.create(project, project, None) as w:
        w.append(message_record({"role": "user", "content": "one"}))
    before = w.path.read_bytes()
    with w.path.open("ab") as fh:
        fh.write(b'{"type":"message","message":{"role":"user","con')
    with SessionWriter.open_existing(w.path) as w2:
        w2.append(message_record({"role": "user", "content": "two"}))
    assert w.path.read_bytes().startswith(before)
    s = load_session(w.path)
    assert [m["content"] for m in s.messages] == ["one", "two"]
    assert [d.code for d in s.warnings] == ["session-damaged-line"] and s.warnings[0].line == 3


def test_compaction_round_trip(project: Path) -> None:
    with SessionWriter.create(project, project, None) as w:
        for i in range(4):
            w.append(message_record({"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}"}))
        w.append(compaction_record("talked about m0 and m1", first_kept=2))
    ctx = load_session(w.path).context_messages()
    assert [m["content"] for m in ctx[1:]] == ["m2", "m3"]
    assert ctx[0]["role"] == "user" and ctx[0]["content"].endswith("talked about m0 and m1")


CRASHER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from zot.agent.session import SessionWriter, message_record
    w = SessionWriter.create(Path(sys.argv[1]), Path(sys.argv[1]), "m")
    print(w.path, flush=True)
    i = 0
    while True:
        w.append(message_record({"role": "user", "content": f"n{i} " + "x" * (i % 7000)}))
        print(i, flush=True)
        i += 1
""")


def test_kill_9_mid_stream_keeps_every_acknowledged_record(project: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CRASHER, str(project)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        path = Path(proc.stdout.readline().strip())
        acked = -1
        while acked < 200:
            acked = int(proc.stdout.readline())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    for line in proc.stdout:  # acknowledgements still in the pipe
        acked = int(line)
    s = load_session(path)
    contents = [m["content"].split()[0] for m in s.messages]
    assert contents[: acked + 1] == [f"n{i}" for i in range(acked + 1)]
    assert len(contents) <= acked + 2  # at most the record in flight when killed
    assert all(d.code == "session-damaged-line" and d.line == len(s.records) + 1 for d in s.warnings)
    with SessionWriter.open_existing(path) as w:  # the dead writer's lock is gone
        w.append(message_record({"role": "user", "content": "after"}))
    assert load_session(path).messages[-1]["content"] == "after"


def test_failed_write_leaves_earlier_records_and_next_line_clean(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    calls = []

    def half_then_disk_full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real_write(fd, bytes(data[: len(data) // 2]))

    with SessionWriter.create(project, project, None) as w:
        w.append(message_record({"role": "user", "content": "kept"}))
        monkeypatch.setattr(session_store.os, "write", half_then_disk_full)
        with pytest.raises(OSError):
            w.append(message_record({"role": "user", "content": "lost " * 50}))
        monkeypatch.setattr(session_store.os, "write", real_write)
        w.append(message_record({"role": "user", "content": "after"}))
    s = load_session(w.path)
    assert [m["content"] for m in s.messages] == ["kept", "after"]
    assert [(d.line, d.code) for d in s.warnings] == [(3, "session-damaged-line")]
