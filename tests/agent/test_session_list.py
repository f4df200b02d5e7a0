"""The resume picker: newest first, with the fields a person needs to choose a session."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from zot.agent.session import (
    SessionWriter,
    latest_session,
    list_sessions,
    message_record,
    model_change_record,
)


def make(project: Path, prompt: object, mtime: float, *, model: str = "m", cost: float | None = None,
         home: Path | None = None) -> Path:
    with SessionWriter.create(project, project, model, home=home) as w:
        w.append(message_record({"role": "system", "content": "sys"}))
        if prompt is not None:
            w.append(message_record({"role": "user", "content": prompt}))
        w.append(message_record({"role": "assistant", "content": "ok"}, cost=cost, model=model))
        w.append(message_record({"role": "user", "content": "second prompt"}))
    os.utime(w.path, (mtime, mtime))
    return w.path


def test_list_sessions_newest_first_with_fields(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    old = make(project, "fix the bug\n  in  parser.py", 1_000_000, cost=0.5)
    new = make(project, "x" * 200, 3_000_000, model="m2")
    mid = make(project, [{"type": "text", "text": "look at"}, {"type": "image_url"},
                         {"type": "text", "text": "this"}], 2_000_000)
    infos = list_sessions(project)
    assert [i.path for i in infos] == [new, mid, old]
    o = infos[2]
    header = json.loads(old.read_text().splitlines()[0])
    assert o.id == header["id"] and o.created == dt.datetime.fromisoformat(header["created"])
    assert o.updated == dt.datetime.fromtimestamp(1_000_000, dt.timezone.utc)
    assert (o.model, o.message_count, o.cost, o.first_prompt) == ("m", 4, 0.5, "fix the bug in parser.py")
    assert infos[0].first_prompt == "x" * 79 + "…" and len(infos[0].first_prompt) == 80
    assert infos[0].model == "m2" and infos[0].cost is None
    assert infos[1].first_prompt == "look at this"
    assert latest_session(project) == new


def test_model_change_and_damage_do_not_break_listing(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    with SessionWriter.create(project, project, "m1") as w:
        w.append(model_change_record("m9"))
    with w.path.open("ab") as fh:
        fh.write(b"\x00\x00\x00garbage")
    [info] = list_sessions(project)
    assert (info.model, info.message_count, info.first_prompt) == ("m9", 0, "")


def test_header_lost_falls_back_to_file_name(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    path = make(project, "hi", 1_000_000)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([b"{broken"] + lines[1:]))
    [info] = list_sessions(project)
    assert info.id == path.stem.rsplit("-", 1)[1] and info.first_prompt == "hi" and info.model == "m"
    stamp = dt.datetime.strptime(path.name[:15], "%Y%m%d-%H%M%S")
    assert info.created == stamp.replace(tzinfo=dt.timezone.utc)


def test_projects_and_homes_are_separate(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    make(a, "in a", 1_000_000)
    other_home = tmp_path / "elsewhere"
    in_home = make(b, "in b", 1_000_000, home=other_home)
    assert [i.first_prompt for i in list_sessions(a)] == ["in a"]
    assert list_sessions(b) == [] and latest_session(b) is None
    assert [i.path for i in list_sessions(b, home=other_home)] == [in_home]
    assert latest_session(b, home=other_home) == in_home
