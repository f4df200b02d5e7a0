"""extensions/node-raw: the raw protocol in Node, no SDK, through the same fake host."""
from __future__ import annotations

import shutil

import pytest

from .conftest import EXTENSIONS

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
NODE_RAW = EXTENSIONS / "node-raw"


def test_handshake(spawn):
    host = spawn(NODE_RAW, capabilities=[])
    assert host.hello == {"type": "hello", "name": "node-raw", "version": "1.0.0",
                          "capabilities": ["commands", "tools"]}
    assert sorted(host.commands) == ["node-explain", "node-hello"]
    assert host.tools["word_count"]["schema"]["required"] == ["text"]
    assert [f["type"] for f in host.frames] == ["hello", "register_command", "register_command",
                                                "register_tool", "ready"]


def test_commands(spawn):
    host = spawn(NODE_RAW, capabilities=["ui", "kv"])  # offered, and ignored
    hello = host.invoke("node-hello", "Ada")
    assert hello["action"] == "display"
    assert hello["display"].startswith("Hello, Ada, from Node v")
    assert hello["display"].endswith("(zot 0.1.0-test).")
    assert host.invoke("node-explain", "src/app.py") == {
        "type": "command_response", "id": host.frames[-1]["id"], "action": "prompt",
        "prompt": "Read src/app.py and explain what it does in five bullet points."}
    assert host.invoke("node-explain", "")["error"] == "usage: /node-explain PATH"
    assert host.invoke("nope")["error"] == "no command nope"


@pytest.mark.parametrize("args, text, is_error", [
    ({"text": "one two\nthree\n"}, "lines: 2\nwords: 3\ncharacters: 14", None),
    ({"text": ""}, "lines: 0\nwords: 0\ncharacters: 0", None),
    ('{"text": "encoded as a string"}', "lines: 1\nwords: 4\ncharacters: 19", None),
    ({}, "`text` must be a string", True),
])
def test_word_count(spawn, args, text, is_error):
    reply = spawn(NODE_RAW, capabilities=[]).call_tool("word_count", args)
    assert reply["content"] == [{"type": "text", "text": text}]
    assert reply.get("is_error") is is_error


def test_unknown_frames_garbage_and_events_are_ignored(spawn):
    host = spawn(NODE_RAW, capabilities=[])
    host.send_raw(b"garbage\n")
    host.send({"type": "event", "event": "turn_end", "step": 1})
    host.send({"type": "panel_key", "panel_id": "x", "key": "up"})
    assert host.call_tool("nope", {})["is_error"] is True
    assert host.stderr_has("not JSON: garbage")


def test_shutdown_and_end_of_input(spawn):
    assert spawn(NODE_RAW, capabilities=[]).shutdown() == 0
    assert spawn(NODE_RAW, capabilities=[]).close_stdin() == 0
