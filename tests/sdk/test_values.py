"""The SDK's values in-process: what handler returns become, the host facts, the file store."""
from __future__ import annotations

import json

import pytest

from zot import sdk
from zot.sdk.results import command_reply, intercept_reply, tool_content


@pytest.mark.parametrize("value, fields", [
    (None, {"action": "noop"}),
    ("text", {"action": "display", "display": "text"}),
    (sdk.prompt("p"), {"action": "prompt", "prompt": "p"}),
    (sdk.insert("i"), {"action": "insert", "insert": "i"}),
    (sdk.display("d"), {"action": "display", "display": "d"}),
    (sdk.noop(), {"action": "noop"}),
    (sdk.error("e"), {"action": "error", "error": "e"}),
    (sdk.Panel("p", "T", ["a", 1], "f"),
     {"action": "open_panel", "open_panel": {"id": "p", "title": "T", "lines": ["a", "1"], "footer": "f"}}),
])
def test_command_reply(value, fields):
    assert command_reply(value) == fields


def test_command_reply_refuses_other_values():
    with pytest.raises(TypeError, match="returned dict"):
        command_reply({"action": "prompt"})


@pytest.mark.parametrize("value, content", [
    ("hi", [{"type": "text", "text": "hi"}]),
    (None, [{"type": "text", "text": ""}]),
    (3, [{"type": "text", "text": "3"}]),
    ({"a": 1}, [{"type": "text", "text": '{\n  "a": 1\n}'}]),
    ([1, 2], [{"type": "text", "text": "[\n  1,\n  2\n]"}]),
    (["a", "b"], [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]),
    (sdk.image(b"\x00\x01", "image/gif"), [{"type": "image", "mime_type": "image/gif", "data": "AAE="}]),
    ([sdk.text("t"), {"type": "image", "mime_type": "image/png", "data": "AA=="}],
     [{"type": "text", "text": "t"}, {"type": "image", "mime_type": "image/png", "data": "AA=="}]),
])
def test_tool_content(value, content):
    assert tool_content(value) == content


@pytest.mark.parametrize("value, fields", [
    (None, {"block": False}),
    (sdk.allow(), {"block": False}),
    (sdk.block("no"), {"block": True, "reason": "no"}),
    (sdk.modify({"command": "ls"}), {"block": False, "modified_args": {"command": "ls"}}),
    (sdk.modify({"x": 1}, reason="why"), {"block": False, "reason": "why", "modified_args": {"x": 1}}),
    (sdk.replace_text(""), {"block": False, "replace_text": ""}),
])
def test_intercept_reply(value, fields):
    assert intercept_reply(value).fields() == fields


def test_intercept_reply_refuses_other_values():
    with pytest.raises(TypeError, match="returned bool"):
        intercept_reply(True)
    with pytest.raises(TypeError):
        sdk.modify("ls")


def test_image_needs_bytes():
    with pytest.raises(TypeError):
        sdk.image("not bytes")


@pytest.mark.parametrize("caps, expected", [
    (["ui", "kv"], {"ui", "kv"}),
    ({"ui": True, "kv": False}, {"ui"}),
    ("ui", {"ui"}),
    (None, set()),
    ([1, "kv"], {"kv"}),
])
def test_host_capabilities(caps, expected):
    host = sdk.Host({"capabilities": caps, "zot_version": "1.2", "model": None})
    assert host.capabilities == expected
    assert (host.zot_version, host.model, host.protocol_version) == ("1.2", "", 1)
    assert host.offers("ui") == ("ui" in expected)


def test_file_kv(tmp_path):
    path = tmp_path / "deep" / "kv.json"
    kv = sdk.FileKV(str(path))
    assert kv.get("missing", 7) == 7
    assert kv.list() == []
    kv.set("b", {"x": [1, None]})
    kv.set("a/1", "one")
    assert json.loads(path.read_text()) == {"a/1": "one", "b": {"x": [1, None]}}
    value = kv.get("b")
    value["x"].append(2)  # a copy: the store is not changed behind its back
    assert kv.get("b") == {"x": [1, None]}
    assert kv.list("a/") == ["a/1"]
    kv.delete("a/1")
    kv.delete("never there")
    assert sdk.FileKV(str(path)).list() == ["b"]
    with pytest.raises(sdk.KVError, match="must be JSON"):
        kv.set("bad", object())
    assert not list(tmp_path.glob("deep/*.tmp"))


def test_file_kv_reports_a_broken_file(tmp_path):
    path = tmp_path / "kv.json"
    path.write_text("{not json")
    with pytest.raises(sdk.KVError, match="cannot read"):
        sdk.FileKV(str(path)).get("x")


def test_kv_before_run_says_when_it_works():
    ext = sdk.Extension("early")
    with pytest.raises(sdk.KVError, match="once the extension runs"):
        ext.kv.get("x")


def test_intercept_on_error_is_checked():
    with pytest.raises(ValueError, match="on_error"):
        sdk.Extension("x").intercept("tool_call", on_error="deny")


def test_decorators_without_parentheses_name_from_the_function():
    ext = sdk.Extension("x")

    @ext.command
    def show_all(args, ctx):
        """Show everything."""

    @ext.tool
    def lookup(args, ctx):
        """Look a thing up."""

    assert ext._commands["show-all"][0] == "Show everything."
    assert ext._tools["lookup"][:2] == ("Look a thing up.", {"type": "object", "properties": {}})
