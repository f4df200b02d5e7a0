"""The shipped script examples, run from their extension.yaml through the fake host."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXTENSIONS
from .fakehost import FakeHost

EXAMPLES = ["hello-script", "calc", "notebook", "todo", "bash-rewrite", "node-raw", "plan-mode", "file-trigger"]


def test_the_examples_validate():
    zot = shutil.which("zot", path=str(Path(sys.executable).parent)) or "zot"
    out = subprocess.run([zot, "ext", "validate", *(str(EXTENSIONS / e) for e in EXAMPLES)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith(f"ok: {len(EXAMPLES)} files, no problems")


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_has_a_readme_that_says_how_to_turn_it_on(name):
    readme = (EXTENSIONS / name / "README.md").read_text()
    assert readme.startswith(f"# {name}\n")
    assert f"zot ext enable {name}" in readme
    assert "## What it shows about the protocol" in readme


# ---------------------------------------------------------------- hello-script


def test_hello_script(spawn):
    host = spawn(EXTENSIONS / "hello-script", capabilities=[])
    assert host.hello["name"] == "hello-script"
    assert sorted(host.commands) == ["hello", "hello-prompt"]
    assert host.invoke("hello", "Ada")["display"] == \
        "Hello, Ada! (a script speaking protocol 1 to zot 0.1.0-test)"
    assert host.invoke("hello")["display"].startswith("Hello, world!")
    reply = host.invoke("hello-prompt", "Welsh")
    assert (reply["action"], reply["prompt"]) == \
        ("prompt", "Say hello to me in Welsh, in one short sentence.")
    assert host.shutdown() == 0


def test_an_example_runs_with_zots_python_when_path_has_none(tmp_path):
    """`exec: python3` is zot's own interpreter: the example imports zot.sdk with no python on PATH."""
    empty = tmp_path / "bin"
    empty.mkdir()
    zot = Path(sys.executable).with_name("zot")
    out = subprocess.run([str(zot), "-p", "--no-ext", "-e", str(EXTENSIONS / "hello-script"), "/hello Ada"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path, env={
                             "PATH": str(empty), "HOME": str(tmp_path), "ZOT_HOME": str(tmp_path / ".zot")})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Hello, Ada! (a script speaking protocol 1 to zot ")


# ---------------------------------------------------------------- calc


@pytest.mark.parametrize("expression, text", [
    ("1 + 2", "3"),
    ("2^10 / 4", "256"),
    ("(17 * 23) / 4", "97.75"),
    ("0.1 + 0.2", "0.3"),
    ("sqrt(2) ** 2", "2"),
    ("factorial(20)", "2432902008176640000"),
    ("2 ** 100", "1267650600228229401496703205376"),
    ("-7 // 2", "-4"),
    ("max(3, 1) % 2", "1"),
])
def test_calc_tool(spawn, expression, text):
    host = spawn(EXTENSIONS / "calc", capabilities=[])
    reply = host.call_tool("calc", {"expression": expression})
    assert reply["content"] == [{"type": "text", "text": text}]


@pytest.mark.parametrize("expression, error", [
    ("1 / 0", "division by zero"),
    ("9 ** 9 ** 9", "9 ** 387420489 is too large to compute exactly"),
    ("__import__('os')", "unknown function '__import__'"),
    ("__import__('os').system('id')", "not allowed in an expression: __import__('os').system('id')"),
    ("(1).real", "not allowed in an expression: 1 .real"),
    ("[x for x in range(10**9)]", "not allowed in an expression: [x for x in range(10 ** 9)]"),
    ("2 +", "cannot read the expression: invalid syntax"),
    ("x + 1", "unknown name 'x'"),
    ("factorial(10**6)", "factorial takes whole numbers from 0 to 1000"),
    ("", "the expression is empty"),
])
def test_calc_tool_refuses_with_a_reason(spawn, expression, error):
    reply = spawn(EXTENSIONS / "calc", capabilities=[]).call_tool("calc", {"expression": expression})
    assert reply["is_error"] is True
    assert reply["content"][0]["text"].startswith(error)


def test_calc_stats_and_command(spawn):
    host = spawn(EXTENSIONS / "calc", capabilities=[])
    assert sorted(host.tools) == ["calc", "stats"]
    assert host.tools["calc"]["schema"]["required"] == ["expression"]
    reply = host.call_tool("stats", {"values": [2, 4, 4, 4, 5, 5, 7, 9]})
    assert reply["content"][0]["text"] == (
        "count: 8\nsum: 40\nmean: 5\nmedian: 4.5\nstdev: 2.1380899352994\nmin: 2\nmax: 9")
    bad = host.call_tool("stats", {"values": ["a"]})
    assert (bad["is_error"], bad["content"][0]["text"]) == (True, "every value must be a number")
    assert host.invoke("calc", "2^10 / 3")["display"] == "2^10 / 3 = 341.333333333333"
    assert host.invoke("calc", "1/0") ["error"] == "division by zero"


# ---------------------------------------------------------------- notebook


def _notebook_session(host):
    assert host.invoke("jot", "use   ruff, not flake8") == {
        "type": "command_response", "id": host.frames[-1]["id"], "action": "noop"}
    assert host.expect("notify") == {"type": "notify", "level": "success", "message": "noted #1"}
    assert host.call_tool("jot", {"text": "the API needs a token"})["content"][0]["text"] == "Kept note #2."
    listing = host.invoke("jots")["display"].splitlines()
    assert [line.split(") ", 1)[1] for line in listing] == ["use ruff, not flake8", "the API needs a token"]
    assert "you" in listing[0] and "model" in listing[1]
    recall = host.call_tool("recall", {"query": "API token"})["content"][0]["text"]
    assert recall.startswith("#2 (") and recall.endswith("the API needs a token")
    assert host.call_tool("recall", {"query": "nothing like it"})["content"][0]["text"] == "No notes match."
    assert host.invoke("unjot", "1")["display"] == "Forgot note #1."
    assert host.invoke("unjot", "7")["action"] == "error"
    assert host.invoke("jot", "")["error"] == "usage: /jot TEXT"


def test_notebook_with_zots_kv(spawn, tmp_path):
    host = spawn(EXTENSIONS / "notebook", capabilities=["kv"])
    _notebook_session(host)
    assert sorted(host.kv) == ["next", "note/000002"]
    assert host.kv["note/000002"]["text"] == "the API needs a token"
    assert not (tmp_path / "data" / "kv.json").exists()


def test_notebook_without_kv_keeps_its_own_file_across_restarts(spawn, tmp_path):
    host = spawn(EXTENSIONS / "notebook", capabilities=[])
    _notebook_session(host)
    assert host.shutdown() == 0
    stored = json.loads((tmp_path / "data" / "kv.json").read_text())
    assert sorted(stored) == ["next", "note/000002"]
    again = spawn(EXTENSIONS / "notebook", capabilities=[])
    assert again.invoke("jots")["display"].endswith("the API needs a token")


# ---------------------------------------------------------------- todo


FOOTER = "↑/↓ move · space toggle · a add · d delete · esc close"


def _add(host, text):
    host.key("todo", "a")
    req = host.answer_ui(text)
    assert (req["kind"], req["title"], req["placeholder"]) == ("input", "New todo", "what needs doing?")
    return host.expect("panel_render")


def test_todo_panel_from_the_keyboard(spawn):
    host = spawn(EXTENSIONS / "todo", capabilities=["ui", "kv"])
    reply = host.invoke("todo")
    assert reply["action"] == "open_panel"
    assert reply["open_panel"] == {"id": "todo", "title": "Todo: 0/0 done",
                                   "lines": ["  Nothing to do. Press a to add an item."],
                                   "footer": FOOTER}
    _add(host, "buy milk")
    render = _add(host, "  write   tests ")
    assert render == {"type": "panel_render", "panel_id": "todo", "title": "Todo: 0/2 done",
                      "lines": ["  [ ] buy milk", "› [ ] write tests"], "footer": FOOTER}
    host.key("todo", "up")
    assert host.expect("panel_render")["lines"] == ["› [ ] buy milk", "  [ ] write tests"]
    host.key("todo", " ")
    render = host.expect("panel_render")
    assert (render["title"], render["lines"]) == ("Todo: 1/2 done", ["› [x] buy milk", "  [ ] write tests"])
    host.key("todo", "down")
    assert host.expect("panel_render")["lines"] == ["  [x] buy milk", "› [ ] write tests"]
    host.key("todo", "d")
    assert host.expect("panel_render")["lines"] == ["› [x] buy milk"]
    assert host.kv["items"] == [{"text": "buy milk", "done": True}]
    host.key("todo", "a")
    host.answer_ui(cancelled=True)  # cancelled: nothing added, nothing redrawn
    host.key("todo", "F5")  # not a key the panel uses
    assert not [f for f in host.quiet(0.3) if f["type"] == "panel_render"]
    host.key("todo", "esc")     # zot closes the panel on Esc itself: the script has nothing to do
    assert not [f for f in host.quiet(0.3) if f["type"] in ("panel_render", "panel_close")]
    host.key("todo", "q")
    assert host.expect("panel_close") == {"type": "panel_close", "panel_id": "todo"}
    # /todo TEXT adds without opening; the panel shows it the next time
    assert host.invoke("todo", "call Bob")["display"] == "Added “call Bob” (1 open). /todo shows the list."
    assert host.invoke("todo")["open_panel"]["lines"] == ["› [x] buy milk", "  [ ] call Bob"]


def test_todo_without_ui_says_how_to_add(spawn, tmp_path):
    host = spawn(EXTENSIONS / "todo", capabilities=[])
    host.invoke("todo")
    host.key("todo", "a")
    assert host.expect("notify") == {"type": "notify", "level": "warn",
                                     "message": "this zot cannot ask for text; add items with /todo TEXT"}
    host.invoke("todo", "from the command")
    host.key("todo", "space")
    assert host.expect("panel_render")["lines"] == ["› [x] from the command"]
    assert json.loads((tmp_path / "data" / "kv.json").read_text()) == \
        {"items": [{"text": "from the command", "done": True}]}
    assert not [f for f in host.frames if f["type"] == "ui_request"]


# ---------------------------------------------------------------- bash-rewrite


@pytest.mark.parametrize("tool, command, expected", [
    ("bash", "git log --oneline -5", {"block": False, "reason": "git output without a pager",
                                      "modified_args": {"command": "git --no-pager log --oneline -5"}}),
    ("bash", "cd src && git diff | head", {"block": False, "reason": "git output without a pager",
                                           "modified_args": {"command": "cd src && git --no-pager diff | head"}}),
    ("bash", "git --no-pager log", {"block": False}),
    ("bash", "echo 'git log'", {"block": False}),
    ("bash", "ls -la", {"block": False}),
    ("bash", "vim src/app.py", {"block": True, "reason": (
        "bash-rewrite: `vim` is an interactive editor and would wait for a keyboard forever; "
        "edit files with the edit or write tool")}),
    ("bash", "git add . && git commit", {"block": True, "reason": (
        'bash-rewrite: `git commit` without -m opens an editor; use `git commit -m "message"`')}),
    ("bash", "git commit -am 'fix'", {"block": False}),
    ("bash", "git rebase -i HEAD~3", {"block": True, "reason": (
        "bash-rewrite: `git rebase -i` opens an editor; run a non-interactive rebase or ask the user")}),
    ("bash", "echo 'unbalanced", {"block": False}),
    ("read", "vim", {"block": False}),
])
def test_bash_rewrite(spawn, tool, command, expected):
    host = spawn(EXTENSIONS / "bash-rewrite", capabilities=[])
    assert host.subscribed == {"events": [], "intercept": ["tool_call"]}
    reply = host.intercept("tool_call", tool_id="c1", tool_name=tool,
                           tool_args={"command": command, "timeout": 30})
    if "modified_args" in expected:
        expected["modified_args"]["timeout"] = 30  # the other arguments are kept
    assert reply == dict({"type": "event_intercept_response", "id": reply["id"]}, **expected)
