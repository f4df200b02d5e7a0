"""Script powers in the REPL, in a real pseudo-terminal: a script's message is echoed and answered
like a typed one, `has_ui` is true, a confirm tells no from cancelled, a refused `/new` says why,
and a Go-zot panel gets `key: "rune"` and closes on Esc."""
from __future__ import annotations

import json
import time

from tests.fakellm import text
from tests.script.conftest import write_script
from tests.script.powers import powers_folder
from tests.ui.test_repl import model_args
from tests.ui.test_repl import start as start_in


def start(proj, tmp_path, terms, *args: str):
    term = start_in(proj, tmp_path, *args)
    terms.append(term)
    return term


def test_script_powers_in_the_repl(server, proj, tmp_path, terms):
    server.enqueue(text("the script's turn is answered"))
    term = start(proj, tmp_path, terms, "-e", str(powers_folder(tmp_path / "exts")), *model_args(server))
    term.type("/go tell me a joke")
    screen = term.wait_for("the script's turn is answered")
    assert "› tell me a joke" in screen                        # echoed like a typed message
    body = server.requests[0]
    assert [m["content"] for m in body["messages"] if m["role"] == "user"][-1] == "[script] tell me a joke"
    term.type("/ui")
    assert "has_ui: True" in term.wait_for("has_ui:")
    term.type("/ask")
    term.wait_for("Proceed?", screen_only=True)
    time.sleep(0.5)                                  # keys in a question's first moment are ignored
    term.send("n")
    term.wait_for("answer: no")
    term.type("/ask")
    term.wait_for(lambda t: "Proceed?" in t, screen_only=True)
    time.sleep(0.5)
    term.key("esc")
    assert "answer: cancelled" in term.wait_for("answer: cancelled")
    term.type("/lock the plan is open")
    term.wait_for("locked: the plan is open")
    term.type("/new")
    assert "the session was not switched: the plan is open (powers)" in term.wait_for("was not switched")


def test_prompt_tools_model_results_and_compaction_in_the_repl(server, proj, tmp_path, terms):
    from tests.fakellm import call, tool_calls

    server.enqueue(text("arr, briefly"), tool_calls([call("echo", {"text": "x"}, id="e")]), text("echoed"),
                   text("I am other"), text("two tools"))
    term = start(proj, tmp_path, terms, "-e", str(powers_folder(tmp_path / "exts")), *model_args(server))
    term.type("/persona Be brief.")
    term.wait_for("arr, briefly")
    system = server.requests[0]["messages"][0]["content"]
    assert system.startswith("You are a pirate.") and system.endswith("Rule from powers: Be brief.")
    term.type("/flip")
    term.wait_for("flip: True")
    term.type("echo x")
    term.wait_for("echoed")
    tool = [m for m in server.requests[2]["messages"] if m["role"] == "tool"][0]
    assert tool["content"] == "echo: x (flagged)"
    term.type("/switch other-model")
    term.wait_for("I am other")
    assert server.requests[3]["model"] == "other-model"
    term.type("/only read,ls")
    term.wait_for("two tools")
    assert sorted(t["function"]["name"] for t in server.requests[4]["tools"]) == ["ls", "read"]
    term.type("/summarize all of it")
    term.wait_for("summary set")
    term.type("/compact")
    term.wait_for("compacted")
    assert len(server.requests) == 5                 # the script summarised: no model call


# A panel as the Go todo example drives it: a command answers open_panel; typed characters come as
# key "rune" with the character in text; Esc closes the panel (the script hears esc, then close).
PANEL = '''
hello()
send({"type": "register_command", "name": "todo", "description": "a panel"})
items = []
for f in frames():
    if f["type"] == "command_invoked":
        send({"type": "command_response", "id": f["id"], "action": "open_panel",
              "open_panel": {"id": "todos-main", "title": "Todos (0)", "lines": ["  No todos yet."],
                             "footer": "a add - esc close"}})
    elif f["type"] == "panel_key":
        if f["key"] == "rune":
            items.append(f["text"])
        send({"type": "panel_render", "panel_id": "todos-main", "title": "Todos (%d)" % len(items),
              "lines": ["keys: " + "".join(items)], "footer": "a add - esc close"})
'''


def test_a_go_panel_gets_runes_and_closes_on_esc(proj, tmp_path, terms):
    folder = write_script(tmp_path / "exts", "todo-panel", PANEL)
    term = start(proj, tmp_path, terms, "-e", str(folder))
    term.type("/todo")
    term.wait_for("Todos (0)", screen_only=True)
    term.send("a")
    term.send("x")
    assert "keys: ax" in term.wait_for("Todos (2)", screen_only=True)
    term.key("esc")
    term.wait_for(lambda t: "Todos (" not in t, screen_only=True)
    term.settle(0.5)
    got = [json.loads(line) for line in (folder / "received.jsonl").read_text().splitlines()]
    keys = [(f["type"], f.get("key"), f.get("text")) for f in got if f["type"] in ("panel_key", "panel_close")]
    assert keys == [("panel_key", "rune", "a"), ("panel_key", "rune", "x"), ("panel_key", "esc", ""),
                    ("panel_close", None, None)]


def test_plan_mode_asks_and_executes_in_the_repl(server, proj, tmp_path, terms):
    from tests.fakellm import call, tool_calls
    from tests.ui.term import REPO

    server.enqueue(text("Plan:\n1. Write hello.txt."), tool_calls([call("write", {"path": "hello.txt",
                                                                                   "content": "hi\n"})]),
                   text("the plan is done"))
    term = start(proj, tmp_path, terms, "-e", str(REPO / "extensions" / "plan-mode"), *model_args(server))
    term.type("/plan greet")
    dialog = term.wait_for("Execute the plan?", screen_only=True)
    assert "1. Write hello.txt." in dialog and "plan mode" in term.text()     # the status widget
    time.sleep(0.5)                                  # keys in a question's first moment are ignored
    term.send("y")
    screen = term.wait_for("the plan is done")
    assert "› The plan is approved. Execute it now" in screen
    assert sorted(t["function"]["name"] for t in server.requests[0]["tools"]) == ["find", "grep", "ls", "read"]
    assert "write" in [t["function"]["name"] for t in server.requests[1]["tools"]]
    assert (proj / "hello.txt").read_text() == "hi\n"


def test_file_trigger_starts_a_turn_in_the_repl(server, proj, tmp_path, terms):
    from tests.ui.term import REPO

    server.enqueue(text("on it: the build"))
    term = start(proj, tmp_path, terms, "-e", str(REPO / "extensions" / "file-trigger"), *model_args(server))
    term.type("/trigger")
    term.wait_for("nothing sent yet")
    inbox = proj / ".zot" / "data" / "file-trigger" / "inbox.md"
    inbox.write_text("The build is red: fix it.\n")
    screen = term.wait_for("on it: the build")
    assert "› The build is red: fix it." in screen
    assert inbox.read_text() == ""
