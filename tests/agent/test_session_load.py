"""Loading damaged sessions: every readable record survives, the damage is named, nothing raises."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from zot.agent.session import INTERRUPTED_NOTE, SUMMARY_PREFIX, load_session, repair_record

HEADER = {"type": "session", "ts": "2024-05-01T10:00:00.000+00:00", "version": 1, "id": "abc123",
          "cwd": "/p", "project": "/p", "created": "2024-05-01T10:00:00.000+00:00", "model": "m0"}


def msg(role: str, content: str | None = None, **extra: object) -> dict:
    return {"type": "message", "ts": "t", "message": {"role": role, "content": content, **extra},
            "usage": None, "cost": None, "model": None}


def call(cid: str, name: str = "bash") -> dict:
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": "{}"}}


def write(tmp_path: Path, *lines: object, tail: bytes = b"") -> Path:
    path = tmp_path / "20240501-100000-abc123.jsonl"
    body = b"".join((x if isinstance(x, bytes) else json.dumps(x).encode()) + b"\n" for x in lines)
    path.write_bytes(body + tail)
    return path


def contents(s) -> list:
    return [m["content"] for m in s.messages]


def test_torn_last_line_is_skipped_with_warning(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, msg("user", "a"), msg("assistant", "b"),
                 tail=b'{"type":"message","message":{"role":"user","content":"half')
    s = load_session(path)
    assert contents(s) == ["a", "b"]
    [w] = s.warnings
    assert (w.file, w.line, w.severity, w.code) == (str(path), 4, "warning", "session-damaged-line")
    assert w.message.startswith("skipped a damaged line (line 4 of 20240501-100000-abc123.jsonl)")
    assert "cut off" in w.message


def test_nul_padded_tail_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, msg("user", "a"), tail=b"\x00" * 4096)
    s = load_session(path)
    assert contents(s) == ["a"]
    assert [(d.line, d.code) for d in s.warnings] == [(3, "session-damaged-line")]
    assert "NUL" in s.warnings[0].message


def test_nul_padding_then_later_records(tmp_path: Path) -> None:
    # a crash left zeroed blocks; a later run closed the line and kept writing
    path = write(tmp_path, HEADER, msg("user", "a"), b"\x00" * 100, msg("user", "b"))
    s = load_session(path)
    assert contents(s) == ["a", "b"]
    assert [d.line for d in s.warnings] == [3]


def test_record_with_nul_bytes_around_it_is_recovered(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, b"\x00\x00" + json.dumps(msg("user", "a")).encode())
    s = load_session(path)
    assert contents(s) == ["a"]
    assert [(d.line, d.code) for d in s.warnings] == [(2, "session-nul-padding")]


@pytest.mark.parametrize("bad", [b"not json at all", b'{"type": "message", "mess', b"[1, 2]",
                                 b'{"no_type": 1}', b"\xff\xfe garbage", b'{"a":' * 100000])
def test_damaged_middle_line_is_skipped(tmp_path: Path, bad: bytes) -> None:
    path = write(tmp_path, HEADER, msg("user", "a"), bad, msg("assistant", "b"))
    s = load_session(path)
    assert contents(s) == ["a", "b"]
    assert [(d.line, d.code) for d in s.warnings] == [(3, "session-damaged-line")]
    assert s.warnings[0].message.startswith("skipped a damaged line")


def test_message_record_without_message_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, {"type": "message", "ts": "t", "message": "oops"}, msg("user", "a"))
    s = load_session(path)
    assert contents(s) == ["a"]
    assert [(d.line, d.code) for d in s.warnings] == [(2, "session-bad-record")]


def test_unknown_record_types_are_kept_quietly(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, {"type": "future_thing", "ts": "t", "x": 1}, msg("user", "a"))
    s = load_session(path)
    assert s.warnings == [] and s.records[1]["type"] == "future_thing" and contents(s) == ["a"]


def test_one_of_two_tool_calls_answered(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, msg("user", "go"),
                 msg("assistant", None, tool_calls=[call("c1", "read"), call("c2", "bash")]),
                 msg("tool", "r2", tool_call_id="c2"))
    s = load_session(path)
    assert [m["role"] for m in s.messages] == ["user", "assistant", "tool", "tool"]
    assert s.messages[2] == {"role": "tool", "content": "r2", "tool_call_id": "c2"}
    assert s.messages[3] == {"role": "tool", "tool_call_id": "c1", "content": INTERRUPTED_NOTE}
    [r] = s.repairs
    assert (r.tool_call_id, r.index) == ("c1", 3) and "read" in r.note
    assert r.to_record() == {"type": "repair", "tool_call_id": "c1", "note": r.note}
    assert [(d.line, d.code) for d in s.warnings] == [(3, "session-dangling-tool-call")]


def test_dangling_calls_in_the_middle_are_repaired_in_place(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER,
                 msg("assistant", None, tool_calls=[call("a"), call("b")]),
                 msg("user", "never mind"),
                 msg("assistant", None, tool_calls=[call("c")]),
                 msg("tool", "rc", tool_call_id="c"),
                 msg("assistant", "done"))
    s = load_session(path)
    assert [(m["role"], m.get("tool_call_id")) for m in s.messages] == [
        ("assistant", None), ("tool", "a"), ("tool", "b"), ("user", None),
        ("assistant", None), ("tool", "c"), ("assistant", None)]
    assert [(r.tool_call_id, r.index) for r in s.repairs] == [("a", 1), ("b", 2)]
    assert s.context_messages() == s.messages


def test_recorded_repairs_are_not_reported_again(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, msg("assistant", None, tool_calls=[call("a")]),
                 dict(repair_record("a", "added earlier"), ts="t"), msg("user", "next"))
    s = load_session(path)
    assert [m["role"] for m in s.messages] == ["assistant", "tool", "user"]
    assert s.repairs == [] and s.warnings == []


def test_compaction_context_uses_last_compaction(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, *[msg("user", f"m{i}") for i in range(6)],
                 {"type": "compaction", "ts": "t", "summary": "first", "first_kept": 2},
                 {"type": "compaction", "ts": "t", "summary": "second", "first_kept": 4})
    s = load_session(path)
    assert contents(s) == [f"m{i}" for i in range(6)]  # the full history stays
    ctx = s.context_messages()
    assert ctx[0] == {"role": "user", "content": f"{SUMMARY_PREFIX}\n\nsecond"}
    assert [m["content"] for m in ctx[1:]] == ["m4", "m5"]


def test_compaction_never_orphans_tool_results(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, msg("user", "u"),
                 msg("assistant", None, tool_calls=[call("a"), call("b")]),
                 msg("tool", "ra", tool_call_id="a"), msg("tool", "rb", tool_call_id="b"),
                 {"type": "compaction", "ts": "t", "summary": "s", "first_kept": 3})
    ctx = load_session(path).context_messages()
    assert [m["role"] for m in ctx] == ["user", "assistant", "tool", "tool"]


def test_bad_compaction_record_is_ignored_with_warning(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, msg("user", "a"), {"type": "compaction", "ts": "t", "summary": 3})
    s = load_session(path)
    assert s.compaction is None and s.context_messages() == s.messages
    assert [(d.line, d.code) for d in s.warnings] == [(3, "session-bad-record")]


def test_missing_header_still_loads_messages(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"type":"sess', msg("user", "a"), msg("assistant", "b", ))
    s = load_session(path)
    assert contents(s) == ["a", "b"] and s.header == {} and s.id == "abc123"
    assert [(d.line, d.code) for d in s.warnings] == [(1, "session-damaged-line"), (1, "session-no-header")]


def test_model_and_totals_follow_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER,
                 dict(msg("assistant", "a"), usage={"prompt_tokens": 3, "total_tokens": 5,
                                                    "details": {"x": 1}, "cached": True},
                      cost=0.25, model="m1"),
                 {"type": "model_change", "ts": "t", "model": "m2"},
                 dict(msg("assistant", "b"), usage={"prompt_tokens": 4}, cost=None))
    s = load_session(path)
    assert (s.model, s.usage, s.cost) == ("m2", {"prompt_tokens": 7, "total_tokens": 5}, 0.25)
    assert load_session(write(tmp_path, HEADER, msg("user", "x"))).cost is None


def test_newer_version_warns(tmp_path: Path) -> None:
    s = load_session(write(tmp_path, dict(HEADER, version=2), msg("user", "a")))
    assert contents(s) == ["a"] and [d.code for d in s.warnings] == ["session-newer-version"]


@pytest.mark.parametrize("data", [b"", b"\x00" * 8192, b"garbage\n\x01\x02\n{]\n"])
def test_empty_or_fully_damaged_file_gives_empty_session(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(data)
    s = load_session(path)
    assert s.messages == [] and s.context_messages() == [] and s.header == {} and s.model is None
    assert s.warnings and all(d.severity == "warning" for d in s.warnings)


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_session(tmp_path / "nope.jsonl")


def test_stored_message_json_is_kept_for_reuse_whatever_the_layout(tmp_path: Path) -> None:
    from zot.agent.session_store import encode_record, message_record

    written = [{"role": "user", "content": "ünï \"q\" \\ {x}"},
               {"role": "assistant", "content": None, "tool_calls": [call("c1")]},
               {"role": "tool", "tool_call_id": "c1", "content": "ok"}]
    lines = [encode_record(message_record(m)).rstrip(b"\n") for m in written]
    lines.append(b'{"message":{"role":"user","content":"key order of another writer"},"type":"message"}')
    lines.append(b'{"type":"message","ts":"t","message":{"role":"user","content":"broken"')
    lines.append(b'{"type":"message","ts":"t","message":{"role":"assistant","content":"last"},"usage":null}')
    s = load_session(write(tmp_path, HEADER, *lines))
    assert contents(s) == [m["content"] for m in written] + ["key order of another writer", "last"]
    assert [w.line for w in s.warnings] == [6]
    kept = s.message_json
    assert [m for m, _ in kept] == [s.messages[i] for i in (0, 1, 2, 4)]      # zot's layout only
    assert all(json.loads(data) == m for m, data in kept)
