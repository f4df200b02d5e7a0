"""The pure parts: frame decoding, the event map, content blocks, the kv store, hook order."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from zot.ext.hooks import Hooks, hook_order
from zot.ext.script import eventmap, protocol
from zot.ext.script.adapters import tool_result
from zot.ext.script.kv import KVStore
from zot.ext.script.spec import Timeouts, spec_of


@pytest.mark.parametrize("line, frame", [
    (b'{"type": "ready"}\n', {"type": "ready"}),
    (b'  \n', None),
    (b'{"type": "hello", "name": "x"}', {"type": "hello", "name": "x"}),
])
def test_decode_frames(line, frame):
    assert protocol.decode(line) == frame


@pytest.mark.parametrize("line, message", [
    (b"hello\n", "a line is not JSON"),
    (b"[1, 2]\n", "a frame must be a JSON object"),
    (b'{"id": 1}\n', "a frame has no string `type`"),
    (b'{"type": 3}\n', "a frame has no string `type`"),
    (b"x" * (protocol.MAX_LINE + 2), "is over the 4,194,304 byte limit"),
])
def test_decode_rejects_what_is_not_a_frame(line, message):
    with pytest.raises(protocol.FrameError, match=message.replace("`", ".").replace("(", ".")):
        protocol.decode(line)


def test_encode_refuses_a_frame_over_the_limit():
    assert protocol.encode({"type": "ready"}) == b'{"type":"ready"}\n'
    with pytest.raises(protocol.FrameError, match="over the"):
        protocol.encode({"type": "tool_call", "args": {"x": "y" * protocol.MAX_LINE}})


def test_request_ids_compare_as_strings():
    assert [protocol.request_id({"id": v}) for v in ("z1", 7, None, [1], True)] == ["z1", "7", None, None, None]


def test_event_frames_use_go_names_and_keep_zot_fields():
    frame = eventmap.event_frame("tool_call", {"type": "tool_call", "id": "c", "name": "bash", "args": {"a": 1}})
    assert frame == {"type": "event", "event": "tool_call", "name": "bash", "args": {"a": 1}, "tool_id": "c",
                     "tool_name": "bash", "tool_args": {"a": 1}}
    assert eventmap.zot_type("assistant_message") == "message_end" and eventmap.zot_type("agent_end") == "agent_end"
    end = eventmap.event_frame("turn_end", {"type": "turn_end", "turn": 2, "tool_calls": 1, "stop": "tool_use",
                                            "error": None})
    assert (end["step"], end["stop"], end["error"]) == (2, "tool_use", "")


def test_tool_result_blocks():
    result = tool_result({"content": [{"type": "text", "text": "a"}, {"type": "image", "mime_type": "image/gif",
                                                                       "data": "R0lGODlh"}, "junk",
                                      {"type": "text", "text": "b"}], "is_error": True})
    assert (result.content, result.is_error) == ("a\n[image image/gif, 6 bytes]\nb", True)
    assert result.details["images"][0]["mime_type"] == "image/gif"
    assert tool_result({"content": "bare"}).content == "bare"
    assert tool_result({}).content == ""


def test_kv_store_is_atomic_json(tmp_path):
    path = tmp_path / "d" / "kv.json"
    store = KVStore(path)
    assert store.answer({"type": "kv_set", "id": 1, "key": "k", "value": [1, {"a": None}]}) == {"type": "kv_result", "id": 1}
    assert json.loads(path.read_text()) == {"k": [1, {"a": None}]}
    assert KVStore(path).answer({"type": "kv_get", "id": 2, "key": "k"})["value"] == [1, {"a": None}]
    assert list(tmp_path.joinpath("d").iterdir()) == [path]          # no temporary file left behind
    path.write_text("{broken")
    assert "cannot read" in KVStore(path).answer({"type": "kv_get", "id": 3, "key": "k"})["error"]


def test_spec_defaults_and_timeouts(tmp_path):
    spec = spec_of("x", tmp_path, {"exec": "python3"})
    assert (spec.on_error, spec.restart_max, spec.backoff, spec.timeouts) == ("deny", 3, 1.0, Timeouts())
    assert Timeouts() == Timeouts(hello=5, ready=3, intercept=5, tool=60, command=30)
    spec = spec_of("x", tmp_path, {"exec": "./x", "args": ["a"], "on_error": "allow", "priority": 4,
                                   "timeouts": {"intercept": "250ms"}, "restart": {"max": 0, "backoff": "2s"}})
    assert (spec.on_error, spec.priority, spec.timeouts.intercept, spec.restart_max, spec.backoff) == \
        ("allow", 4, 0.25, 0, 2.0)
    assert spec.label == "script: ./x a" and spec.program() is None
    (tmp_path / "x").write_text("")
    assert spec.program() == str(tmp_path / "x")


def test_hooks_order_by_priority_then_load_order():
    rule = lambda p, order: SimpleNamespace(priority=p, ext=SimpleNamespace(order=order))  # noqa: E731
    adapter = lambda p, order: SimpleNamespace(priority=p, order=order)  # noqa: E731
    hooks = Hooks(rewriters=[rule(0, 2), rule(0, 0), rule(5, 3)])
    hooks.add("rewriters", adapter(0, 1), SimpleNamespace(priority=0))
    assert [hook_order(h) for h in hooks.rewriters] == [(-5, 3), (0, 0), (0, 1), (0, 2), (0, 1 << 30)]


def test_command_table_withdraws_by_owner():
    from zot.ext.compile.commands import CommandTable

    owner_a, owner_b = SimpleNamespace(name="a"), SimpleNamespace(name="a")
    cmd = lambda name, ext: SimpleNamespace(name=name, ext=ext, qualified=f"{ext.name}:{name}")  # noqa: E731
    table = CommandTable()
    table.add_all([cmd("x", owner_a)], {"help"})
    table.add_all([cmd("y", owner_b), cmd("help", owner_b)])
    assert sorted(table.qualified) == ["a:help", "a:x", "a:y"] and sorted(table.bare) == ["x", "y"]
    assert table.clashes == ["/help is a built-in command; use /a:help"]
    table.withdraw(owner_b)
    assert sorted(table.qualified) == ["a:x"] and table.clashes == []


@pytest.mark.parametrize("frame", [
    {"action": "open_panel", "open_panel": {"id": "todos-main", "title": "Todos", "lines": ["a"], "footer": "f"}},
    {"action": "open_panel", "panel": {"id": "todos-main", "title": "Todos", "lines": ["a"], "footer": "f"}},
    {"action": "open_panel", "panel_id": "todos-main", "title": "Todos", "lines": ["a"], "footer": "f"},
])
def test_a_command_opens_a_panel_whichever_way_it_is_written(frame):
    import asyncio

    from zot.ext.script.adapters import command_outcome

    shown = []

    async def show_panel(panel):
        shown.append((panel.id, panel.title, panel.lines, panel.footer, panel.source))
        return True

    ext = SimpleNamespace(name="todo-panel", show_panel=show_panel)
    outcome = asyncio.run(command_outcome(ext, "todo-panel:todo", {"type": "command_response", **frame}))
    assert (outcome.action, outcome.is_error) == ("display", False)
    assert shown == [("todos-main", "Todos", ["a"], "f", "todo-panel")]
