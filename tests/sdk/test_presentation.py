"""The SDK's presentation calls (zot/sdk/ui.py) and the shipped vim example, over real pipes."""
from __future__ import annotations

import textwrap

import pytest

from .conftest import EXTENSIONS

UI = ["ui", "styled_widgets", "print_block", "tool_renderer", "overlay", "editor"]

SCRIPT = '''
import sys
sys.path.insert(0, {repo!r})
from zot.sdk import Extension

ext = Extension("show", version="1.0.0")

@ext.tool_renderer("read", display_name="Reader", format="markdown", colors={{"success": "accent"}})
def render(event, ctx):
    if event["result"] == "boom":
        raise RuntimeError("cannot draw")
    if event["result"] == "plain":
        return None
    return event["args"]["path"] + "!", "**" + event["result"] + "**"

@ext.command("widget")
def widget(args, ctx):
    if args == "remove":
        ctx.remove_widget("plan")
        return "removed"
    ctx.set_widget("plan", "## Plan\\n- [ ] one", format="markdown", style={{"border": "accent"}}, priority=2)
    return "set"

@ext.command("block")
def block(args, ctx):
    ctx.print_block("**done**", format="markdown", style={{"border": "success"}}, subtitle="show")
    return None

@ext.command("ask")
def ask(args, ctx):
    answer = ctx.overlay("Deploy?", "All **3** ready.", actions=["Deploy", "Cancel"])
    return repr(answer)

ext.set_widget("early", "set before run", placement="below")
ext.run()
'''


@pytest.fixture
def show(spawn, tmp_path):
    from .fakehost import REPO

    path = tmp_path / "show.py"
    path.write_text(textwrap.dedent(SCRIPT.format(repo=str(REPO))))
    return lambda caps=UI: spawn(path, capabilities=caps)


def test_registrations_before_ready_carry_the_renderer_and_early_widgets(show):
    host = show()
    kinds = [(f["type"], f.get("tool") or f.get("id")) for f in host.presentation]
    assert kinds == [("register_renderer", "read"), ("set_widget", "early")]
    renderer = host.presentation[0]
    assert renderer == {"type": "register_renderer", "tool": "read", "display_name": "Reader", "format": "markdown",
                        "collapsed": 3, "colors": {"success": "accent"}}
    assert "tool_renderer" in host.hello["capabilities"]


@pytest.mark.parametrize("result, header, body", [
    ("hello", "notes.md!", "**hello**"),
    ("plain", None, None),          # None: zot draws it its own way
    ("boom", None, None),           # an exception: zot's own rendering, the traceback in the log
])
def test_a_render_request_is_answered_with_header_and_body(show, result, header, body):
    host = show()
    reply = host.request({"type": "render_request", "tool": "read", "args": {"path": "notes.md"},
                          "result": result, "is_error": False, "width": 80}, "render_response")
    assert (reply["header"], reply["body"]) == (header, body)


def test_widgets_blocks_and_overlays_are_frames(show):
    host = show()
    host.invoke("widget")
    frame = host.expect("set_widget", id="plan")
    assert frame == {"type": "set_widget", "id": "plan", "text": "## Plan\n- [ ] one", "placement": "above",
                     "format": "markdown", "style": {"border": "accent"}, "priority": 2, "max_height": 10}
    host.invoke("widget", "remove")
    host.expect("remove_widget", id="plan")
    host.send({"type": "command_invoked", "id": "b1", "name": "block", "args": ""})
    block = host.expect("print_block")
    assert (block["text"], block["format"], block["style"], block["subtitle"]) == (
        "**done**", "markdown", {"border": "success"}, "show")
    host.send({"type": "command_invoked", "id": "o1", "name": "ask", "args": ""})
    asked = host.answer_ui({"action": "Cancel", "index": 1}, kind="overlay")
    assert (asked["title"], asked["text"], asked["actions"]) == ("Deploy?", "All **3** ready.", ["Deploy", "Cancel"])
    reply = host.expect("command_response", id="o1")
    assert reply["display"] == "{'action': 'Cancel', 'index': 1, 'cancelled': False}"


def test_without_the_capabilities_nothing_is_sent(show):
    host = show(caps=["ui"])
    assert host.presentation == []
    host.invoke("widget")
    host.send({"type": "command_invoked", "id": "o1", "name": "ask", "args": ""})
    reply = host.expect("command_response", id="o1")
    assert reply["display"] == "{'action': '', 'index': -1, 'cancelled': True}"
    assert not [f for f in host.quiet(0.2) if f["type"] in ("set_widget", "ui_request")]
    assert host.stderr_has("zot does not offer styled_widgets")


# ---------------------------------------------------------------- the vim example


def keys(host, *names, text="hello", cursor=5):
    out = []
    for name in names:
        reply = host.request({"type": "editor_key", "key": name, "text": text, "cursor": cursor},
                             "editor_key_response")
        out.append({k: v for k, v in reply.items() if k not in ("type", "id")})
    return out


def test_vim_installs_its_interceptor_with_a_normal_mode_line(spawn):
    host = spawn(EXTENSIONS / "vim", capabilities=UI)
    [frame] = host.presentation
    assert frame["type"] == "set_editor" and "keys" not in frame
    assert frame["render"]["mode"] == " NORMAL " and frame["render"]["prompt"] == "N› "


def test_vim_modes_remaps_and_submit(spawn):
    host = spawn(EXTENSIONS / "vim", capabilities=UI)
    normal = keys(host, "h", "l", "x", "0", "$", "z", "space", "ctrl+a", "backspace")
    assert normal == [{"action": "remap", "key": "left"}, {"action": "remap", "key": "right"},
                      {"action": "remap", "key": "delete"}, {"action": "remap", "key": "home"},
                      {"action": "remap", "key": "end"}, {"action": "consumed"}, {"action": "consumed"},
                      {"action": "passthrough"}, {"action": "passthrough"}]
    [insert] = keys(host, "i")
    assert insert["action"] == "consumed" and insert["render"]["mode"] == " INSERT "
    assert keys(host, "h", "z") == [{"action": "passthrough"}, {"action": "passthrough"}]
    [back] = keys(host, "esc")
    assert back["action"] == "consumed" and back["render"]["mode"] == " NORMAL "
    assert keys(host, "enter") == [{"action": "submit"}]
    assert keys(host, "enter", text="  ") == [{"action": "consumed"}]
    [append] = keys(host, "A")
    assert append["action"] == "remap" and append["key"] == "end" and append["render"]["mode"] == " INSERT "


def test_vim_dd_clears_the_line_and_slash_vim_lets_go(spawn):
    host = spawn(EXTENSIONS / "vim", capabilities=UI)
    assert keys(host, "d", "d") == [{"action": "consumed"}, {"action": "consumed"}]
    assert host.expect("set_editor_text")["text"] == ""
    assert host.invoke("vim")["display"] == "modal editing off"
    host.expect("reset_editor")
    assert host.invoke("vim")["display"].startswith("modal editing on")
    assert host.expect("set_editor")["render"]["mode"] == " NORMAL "
