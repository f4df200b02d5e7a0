"""The REPL in a real pseudo-terminal: the `zot` console script, a pyte screen, the local model.

Each test starts zot against tests/fakellm.py and asserts on what the screen shows.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.fakellm import call, text, tool_calls
from tests.ui.term import REPO, Term

EXTENSION = """\
schema: zot/extension/v1
name: uitest
version: 1.0.0
description: REPL test extension
commands:
  greet:
    description: Say hello to someone
    args: [{name: who, enum: [world, moon], default: world}]
    display: "hello {{ args.who }}"
guards:
  dashdash:
    tool: bash
    when: {shell: {program: touch}}
    action: rewrite
    rewrite:
      - arg: command
        replace: {old: 'touch ', new: 'touch -- ', count: 1}
    reason: end the options
  ask-touch:
    tool: bash
    when: {shell: {program: touch}}
    action: confirm
    reason: touching files needs a yes
widgets:
  counter:
    placement: status
    run: {argv: [cat, counter.txt]}
    text: "count={{ stdout | trim }}"
    refresh: {on: [turn_end]}
  top: {placement: header, text: "HEADER-W"}
  over: {placement: above, text: "ABOVE-W"}
  under: {placement: below, text: "BELOW-W"}
  foot: {placement: footer, text: "FOOTER-W"}
  broken:
    placement: below
    run: {argv: ["zot-no-such-program"]}
    text: "{{ stdout }}"
"""


@pytest.fixture
def ext(tmp_path) -> Path:
    folder = tmp_path / "uitest"
    folder.mkdir()
    (folder / "extension.yaml").write_text(EXTENSION)
    return folder


def model_args(server) -> list[str]:
    return ["--model", "openai/fake", "--api-base", server.url, "--api-key", "t"]


def start(proj: Path, tmp_path: Path, *args: str) -> Term:
    term = Term(["--no-ext", *args], proj, tmp_path / "home")
    term.ready()
    return term


def last_user(body: dict) -> str:
    return [m for m in body["messages"] if m["role"] == "user"][-1]["content"]


def test_an_answer_streams_then_shows_as_markdown(server, proj, tmp_path, terms):
    answer = "Streaming **bold** words " + "and more " * 10 + "\n\n```python\nprint('hi')\n```\n"
    server.enqueue(text(answer, chunks=25, delay=0.12))
    term = start(proj, tmp_path, *model_args(server))
    terms.append(term)
    term.type("say something")
    # while it streams: the raw text is there, the Markdown is not rendered yet
    streaming = term.wait_for("Streaming **bold**", screen_only=True)
    assert "esc to interrupt" in streaming
    done = term.wait_for(lambda t: "print('hi')" in t and "Streaming bold words" in t)
    assert "**bold**" not in done and "```" not in done
    assert "› say something" in done
    assert "\x1b[" in term.raw and "print" in term.raw   # coloured


def test_a_tool_call_is_one_line_and_ctrl_o_expands_it(server, proj, tmp_path, terms):
    (proj / "notes.txt").write_text("".join(f"note line {i}\n" for i in range(1, 11)))
    server.enqueue(tool_calls([call("read", {"path": "notes.txt"})]), text("I read the notes."))
    term = start(proj, tmp_path, *model_args(server))
    terms.append(term)
    term.type("read my notes")
    screen = term.wait_for("I read the notes.")
    line = next(l for l in screen.splitlines() if "read  notes.txt" in l)
    assert line.lstrip().startswith("✓") and line.rstrip().endswith("s")   # status mark ... duration
    assert "ctrl+o to expand" in screen and "note line 10" not in screen
    term.key("ctrl-o")
    assert "note line 10" in term.wait_for("note line 10")


@pytest.mark.parametrize("answer, runs", [("y", True), ("n", False)])
def test_a_confirm_guard_asks_and_the_answer_decides(server, proj, tmp_path, ext, terms, answer, runs):
    server.enqueue(tool_calls([call("bash", {"command": "touch marker"})]), text("finished"))
    term = start(proj, tmp_path, "-e", str(ext), *model_args(server))
    terms.append(term)
    term.type("make the marker")
    dialog = term.wait_for("Allow this bash call?", screen_only=True)
    assert "touching files needs a yes" in dialog and "command: touch -- marker" in dialog   # the final args
    assert '-  "command": "touch marker"' in dialog and '+  "command": "touch -- marker"' in dialog
    assert "uitest:ask-touch" in dialog
    assert "› 2. No" in dialog                  # the default is no
    time.sleep(0.5)                             # keys in the first moment are ignored (typed for the prompt)
    term.send(answer)
    screen = term.wait_for("finished")
    assert (proj / "marker").exists() is runs
    if runs:
        assert "✓ bash  touch -- marker" in screen and "arguments rewritten by uitest:dashdash" in screen
    else:
        assert "⊘ bash  touch -- marker  blocked" in screen and "declined by you" in screen
        assert "declined" in server.requests[-1]["messages"][-1]["content"]


def test_a_message_sent_while_the_agent_works_is_queued_and_sent_after_the_turn(server, proj, tmp_path, terms):
    server.enqueue(text("first answer " * 20, chunks=30, delay=0.1), text("second answer"))
    term = start(proj, tmp_path, *model_args(server))
    terms.append(term)
    term.type("first question")
    term.wait_for("first answer", screen_only=True)
    term.type("second question")
    # wait for the whole line: the screen can be caught half painted
    queued = term.wait_for(lambda t: "queued: second question" in t and "when this turn ends" in t,
                           screen_only=True)
    assert "queued: second question" in queued
    term.wait_for("second answer")
    assert len(server.requests) == 2
    assert last_user(server.requests[1]) == "second question"
    assert "queued:" not in term.display()


def test_esc_interrupts_a_long_stream_and_gives_back_the_queue(server, proj, tmp_path, terms):
    server.enqueue(text("word " * 400, chunks=400, delay=0.05), text("after the interrupt"))
    term = start(proj, tmp_path, *model_args(server))
    terms.append(term)
    term.type("talk for a long time")
    term.wait_for("word word word", screen_only=True)
    term.type("keep this for later")
    term.wait_for("queued: keep this for later", screen_only=True)
    pressed = time.monotonic()
    term.key("esc")
    term.wait_for("⏹ interrupted", timeout=15)
    assert time.monotonic() - pressed < 10
    term.wait_for("› keep this for later", screen_only=True)   # back in the editor
    term.settle(0.5)
    assert "queued:" not in term.display(), term.display()
    assert "[interrupted]" in term.text()
    term.key("enter")
    term.wait_for("after the interrupt")
    assert last_user(server.requests[-1]) == "keep this for later"


def test_widgets_show_in_every_placement_and_update_on_turn_end(server, proj, tmp_path, ext, terms):
    (proj / "counter.txt").write_text("1\n")
    server.enqueue(tool_calls([call("write", {"path": "counter.txt", "content": "2\n"})]), text("counted"))
    term = start(proj, tmp_path, "-e", str(ext), *model_args(server))
    terms.append(term)
    screen = term.wait_for("count=1", screen_only=True)
    lines = screen.splitlines()
    order = [next(i for i, l in enumerate(lines) if w in l) for w in ("HEADER-W", "ABOVE-W", "›", "BELOW-W",
                                                                       "count=1", "FOOTER-W")]
    assert order == sorted(order), screen
    assert "⚠ uitest:broken" in screen           # a failing widget is a short marker
    term.type("count up")
    term.wait_for("counted")
    term.wait_for("count=2", screen_only=True)


def test_completion_lists_extension_commands_and_their_argument_values(server, proj, tmp_path, ext, terms):
    term = start(proj, tmp_path, "-e", str(ext))   # no model: commands still work
    terms.append(term)
    assert "no model is configured" in term.wait_for("no model is configured")
    term.send("/gr")
    menu = term.wait_for("Say hello to someone", screen_only=True)
    assert "/greet" in menu
    term.key("tab")
    term.key("enter")                      # accepts the completion: "/greet "
    values = term.wait_for(lambda t: "world" in t and "moon" in t, screen_only=True)
    assert "› /greet" in values
    term.type("moon")
    assert "hello moon" in term.wait_for("hello moon")


def test_commands_work_without_a_model(server, proj, tmp_path, ext, terms):
    term = start(proj, tmp_path, "-e", str(ext))
    terms.append(term)
    term.send("/hel")
    term.wait_for("list commands and keys", screen_only=True)     # the menu, while typing
    term.key("enter")                                             # completes to "/help "
    term.wait_for(lambda t: "› /help" in t and "list commands and keys" not in t, screen_only=True)
    term.key("enter")
    helped = term.wait_for("Extension commands")
    assert "/reload-ext" in helped and "/greet" in helped
    term.type("!echo from-the-shell")
    term.wait_for("added to the context of your next message")
    term.type("/model openai/fake")
    term.wait_for(lambda t: "openai/fake" in t.splitlines()[-1] or "remembered in" in t)
    assert "model: openai/fake" in (tmp_path / "home" / ".zot" / "settings.yaml").read_text()


def test_a_large_paste_becomes_a_placeholder_and_the_model_gets_all_of_it(server, proj, tmp_path, terms):
    server.enqueue(text("got the paste"))
    term = start(proj, tmp_path, *model_args(server))
    terms.append(term)
    pasted = "".join(f"pasted line {i}\n" for i in range(1, 41))
    term.send("look at this: \x1b[200~" + pasted + "\x1b[201~")
    term.wait_for("[Pasted text #1 +40 lines]", screen_only=True)
    term.key("enter")
    term.wait_for("got the paste")
    sent = last_user(server.requests[0])
    assert sent.startswith("look at this: pasted line 1\n") and "pasted line 40" in sent


@pytest.mark.skipif(not (REPO / "extensions" / "todo" / "main.py").exists(), reason="no todo example")
def test_the_todo_panel_takes_keys(proj, tmp_path, terms):
    term = start(proj, tmp_path, "-e", str(REPO / "extensions" / "todo"))
    terms.append(term)
    term.type("/todo")
    term.wait_for("Todo: 0/0 done", screen_only=True)
    term.send("a")
    term.wait_for("New todo", screen_only=True)
    term.type("buy milk")
    term.wait_for("[ ] buy milk", screen_only=True)
    term.send(" ")
    panel = term.wait_for("[x] buy milk", screen_only=True)
    assert "Todo: 1/1 done" in panel
    term.key("esc")
    term.wait_for(lambda t: "Todo: 1/1 done" not in t, screen_only=True)
    term.type("/todo")
    assert "[x] buy milk" in term.wait_for("Todo: 1/1 done", screen_only=True)   # kept by the script


def test_new_sessions_resume_and_history(server, proj, tmp_path, terms):
    from zot.agent.session import list_sessions

    server.enqueue(text("answer alpha"), text("answer beta"), text("answer gamma"))
    term = start(proj, tmp_path, *model_args(server))
    terms.append(term)
    assert list_sessions(proj, tmp_path / "home" / ".zot") == []     # nothing sent: no session file
    term.type("alpha question")
    term.wait_for("answer alpha")
    term.type("/new")
    term.wait_for("· new session")
    term.type("beta question")
    term.wait_for("answer beta")
    term.type("/sessions")
    term.wait_for("Resume a session", screen_only=True)
    picker = "\n".join(line for line in term.display().splitlines() if line.startswith("│"))
    assert "alpha question" in picker and "beta question" not in picker   # the current one is not offered
    term.key("enter")
    term.wait_for("· resumed")
    term.type("gamma question")
    term.wait_for("answer gamma")
    sent = [m["content"] for m in server.requests[-1]["messages"] if m["role"] == "user"]
    assert sent == ["alpha question", "gamma question"]
    term.key("up")                                # history: the last thing typed comes back
    term.wait_for("› gamma question", screen_only=True)


def test_the_repl_needs_a_terminal_for_its_output(proj, tmp_path):
    import os
    import pty
    import subprocess

    from tests.ui.term import environment, zot_command

    master, slave = pty.openpty()
    try:
        done = subprocess.run(zot_command(), stdin=slave, capture_output=True, text=True, cwd=proj,
                              env=environment(tmp_path / "home"), timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    assert done.returncode == 2 and "needs a terminal" in done.stderr and "zot -p" in done.stderr


def test_ctrl_c_twice_exits(proj, tmp_path, terms):
    term = start(proj, tmp_path)
    terms.append(term)
    term.send("some text")
    term.wait_for("› some text", screen_only=True)
    term.key("ctrl-c")                       # clears the input
    term.wait_for(lambda t: "some text" not in t, screen_only=True)
    term.key("ctrl-c")
    term.wait_for("press ctrl+c again to exit", screen_only=True)
    term.key("ctrl-c")
    term.child.expect(__import__("pexpect").EOF, timeout=20)
    term.child.close()
    assert term.child.exitstatus == 0


ASKER = '''
from zot.sdk import Extension

ext = Extension("asker", version="1.0.0")


@ext.command("ask", description="asks two questions")
def ask(args, ctx):
    color = ctx.select("Pick a colour", ["red", "blue", "green"])
    sure = ctx.confirm("Really?", f"use {color}?")
    return f"you chose {color}, sure={sure}"


ext.run()
'''


def test_script_questions_render_as_dialogs_and_answer_the_script(proj, tmp_path, terms):
    folder = tmp_path / "asker"
    folder.mkdir()
    (folder / "main.py").write_text(ASKER)
    (folder / "extension.yaml").write_text(
        "schema: zot/extension/v1\nname: asker\nversion: 1.0.0\ndescription: asks\n"
        f"script: {{exec: {sys.executable}, args: [main.py]}}\n")
    term = start(proj, tmp_path, "-e", str(folder))
    terms.append(term)
    term.type("/ask")
    dialog = term.wait_for("Pick a colour", screen_only=True)
    assert "red" in dialog and "green" in dialog and "asker" in dialog
    time.sleep(0.5)                                  # keys in a question's first moment are ignored
    term.key("down")
    term.key("enter")
    term.wait_for("Really?", screen_only=True)
    time.sleep(0.5)
    term.send("y")
    assert "you chose blue, sure=True" in term.wait_for("you chose blue")


def test_clear_empties_the_screen(proj, tmp_path, terms):
    term = start(proj, tmp_path)
    terms.append(term)
    term.type("!echo marker-before-clear")
    term.wait_for("marker-before-clear", screen_only=True)
    term.type("/clear")
    term.wait_for(lambda t: "marker-before-clear" not in t, screen_only=True)
