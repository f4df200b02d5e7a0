"""The REPL's parts in-process: rendering, tool lines, pastes, completion, dialogs, panels,
widgets, the printer and the status bar. The terminal tests (test_repl.py) drive the whole."""
from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from prompt_toolkit.document import Document

from zot.agent import events as ev
from zot.ext.compile.commands import CommandTable
from zot.ui import render
from zot.ui.layout import clip
from zot.ui.dialogs import Dialogs
from zot.ui.input import PASTE_LINES, Pastes, ReplCompleter
from zot.ui.panels import Panels
from zot.ui.printer import Printer
from zot.ui.status import Status, cost_text, tokens
from zot.ui.toolline import ToolLines, key_argument, why_blocked
from zot.ui.widgets import WidgetBoard


def plain(fragments) -> str:
    return "".join(text for _, text in fragments)


# --------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize("source, shown", [
    ("# Title", "Title\n"),
    ("Some **bold** and *italic* and `code`.", "Some bold and italic and code.\n"),
    ("a snake_case_name and 2 * 3 * 4", "a snake_case_name and 2 * 3 * 4\n"),
    ("- one\n- two", "• one\n• two\n"),
    ("1. first", "1. first\n"),
    ("- [x] done\n- [ ] todo", "☑ done\n☐ todo\n"),
    ("> quoted", "│ quoted\n"),
    ("see [docs](https://x.y)", "see docs (https://x.y)\n"),
    ("~~old~~ new", "old new\n"),
])
def test_markdown_text(source, shown):
    assert plain(render.markdown(source)) == shown


def test_markdown_code_blocks_are_highlighted_and_lose_their_fences():
    out = render.markdown("Look:\n\n```python\ndef f():\n    return 1\n```\nafter")
    text = plain(out)
    assert "```" not in text and "def f():\n" in text and "    return 1" in text and text.endswith("after\n")
    assert any("pygments" in style for style, _ in out)


def test_an_unclosed_fence_runs_to_the_end():
    assert "x = 1" in plain(render.markdown("```python\nx = 1"))


def test_diffs_are_coloured_by_line():
    styles = {text.strip(): style for style, text in render.diff("--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same")}
    assert styles["-old"] == "class:diff.del" and styles["+new"] == "class:diff.add"
    assert styles["@@ -1 +1 @@"] == "class:diff.hunk"


# --------------------------------------------------------------------------- tool lines


@pytest.mark.parametrize("name, args, shown", [
    ("bash", {"command": "ls -la"}, "ls -la"),
    ("read", {"path": "a.py", "offset": 3}, "a.py"),
    ("grep", {"pattern": "TODO", "path": "src"}, "TODO in src"),
    ("mytool", {"n": 1, "query": "cats"}, "cats"),
    ("bash", {"command": "echo a\necho b"}, "echo a ⏎ echo b"),
    ("none", {}, ""),
])
def test_key_argument(name, args, shown):
    assert key_argument(name, args) == shown


def result(name="bash", args=None, content="ok", is_error=False, blocked=False, display=None, decision=None):
    return ev.ToolResultEvent("c1", name, args or {"command": "ls"}, content, is_error, blocked, display, decision)


def test_a_finished_call_is_one_line_with_duration_and_a_collapsed_result():
    lines = ToolLines()
    lines.call("c1", "bash", {"command": "ls"})
    lines.started("c1", {"command": "ls"})
    lines.ended("c1", 0.25)
    text = plain(lines.result(result(content="a\nb\nc\nd\ne")))
    assert text.splitlines()[0] == "✓ bash  ls  0.25s"
    assert "⎿ a" in text and "+2 lines (ctrl+o to expand)" in text and "e" not in text.splitlines()[-1][:6]
    assert lines.running == {}
    assert "a\nb\nc\nd\ne" in plain(lines.expand())


def test_errors_and_blocked_calls_stand_out_with_the_reason():
    lines = ToolLines()
    failed = lines.result(result(content="boom", is_error=True))
    assert plain(failed).startswith("✗ bash  ls") and ("class:tool.err", "error") in failed
    decision = {"answered": "no", "reason": "needs a yes",
                "matches": [{"decision": "confirm", "extension": "safety", "rule": "ask", "shadow": False}]}
    blocked = plain(lines.result(result(blocked=True, decision=decision, content="Blocked: ...")))
    assert blocked.startswith("⊘ bash  ls  blocked") and "declined by you (safety:ask): needs a yes" in blocked


def test_why_blocked_names_the_rule():
    decision = {"answered": None, "reason": "no rm -rf",
                "matches": [{"decision": "deny", "extension": "safety", "rule": "rm", "shadow": False}]}
    assert why_blocked(decision, "") == "denied by safety:rm: no rm -rf"


def test_edit_results_show_a_coloured_diff():
    diff = "--- a.py\n+++ a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    out = ToolLines().result(result("edit", {"path": "a.py"}, "Edited a.py", display=diff))
    assert ("class:diff.add", "+x = 2\n") in out and ("class:diff.del", "-x = 1\n") in out


def test_running_calls_are_live_lines():
    lines = ToolLines()
    lines.call("c1", "bash", {"command": "sleep 1"})
    assert "bash  sleep 1  waiting" in plain(lines.live())
    lines.started("c1", {"command": "sleep 1"})
    assert "s" in plain(lines.live()).split("sleep 1")[1]


# --------------------------------------------------------------------------- input


def test_small_pastes_stay_and_large_ones_become_a_placeholder():
    pastes = Pastes()
    assert pastes.add("one line") == "one line"
    big = "".join(f"line {i}\n" for i in range(PASTE_LINES + 5))
    label = pastes.add(big.replace("\n", "\r\n"))
    assert label == f"[Pasted text #1 +{PASTE_LINES + 5} lines]"
    assert pastes.expand(f"see {label} please") == f"see {big} please"
    assert pastes.expand("[Pasted text #9 +3 lines]") == "[Pasted text #9 +3 lines]"


@dataclass
class FakeCmd:
    name: str
    ext: SimpleNamespace
    description: str = ""
    args: list = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{self.ext.name}:{self.name}"

    def completions(self, position: int) -> list[str]:
        return list(self.args[position].get("enum", [])) if position < len(self.args) else []


def completer(tmp_path: Path) -> ReplCompleter:
    table = CommandTable()
    a, b = SimpleNamespace(name="alpha"), SimpleNamespace(name="beta")
    table.add_all([FakeCmd("greet", a, "Say hello", [{"name": "who", "enum": ["world", "moon"]}]),
                   FakeCmd("review", a, "Review"), FakeCmd("review", b, "Review too"),
                   FakeCmd("help", b, "Shadowed by the built-in")], {"help", "model"})
    return ReplCompleter({"help": "list commands", "model": "switch"}, lambda: table, lambda: tmp_path,
                         lambda name, pos, prefix: [("openai/x", "")] if name == "model" else [])


def complete(c: ReplCompleter, text: str) -> dict[str, str]:
    return {x.text: x.display_meta_text for x in c.get_completions(Document(text), None)}


def test_slash_completion_lists_builtin_and_extension_commands_with_descriptions(tmp_path):
    c = completer(tmp_path)
    everything = complete(c, "/")
    assert everything["/help"] == "list commands" and everything["/greet"] == "Say hello  [alpha]"
    assert "/alpha:review" in everything and "/beta:review" in everything and "/review" not in everything
    assert "/beta:help" in everything
    assert set(complete(c, "/gr")) == {"/greet"}


def test_argument_completion_comes_from_declared_enums(tmp_path):
    c = completer(tmp_path)
    assert set(complete(c, "/greet ")) == {"world", "moon"}
    assert set(complete(c, "/greet m")) == {"moon"}
    assert complete(c, "/greet moon ") == {}
    assert set(complete(c, "/model ")) == {"openai/x"}


def test_at_path_completion(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("")
    (tmp_path / "setup.py").write_text("")
    (tmp_path / ".hidden").write_text("")
    c = completer(tmp_path)
    assert set(complete(c, "look at @s")) == {"src/", "setup.py"}
    assert set(complete(c, "@src/")) == {"main.py"}
    assert ".hidden" not in complete(c, "@") and ".hidden" in complete(c, "@.")
    assert complete(c, "email me@") == {}


# --------------------------------------------------------------------------- dialogs and panels


def dialogs() -> Dialogs:
    from prompt_toolkit.buffer import Buffer

    d = Dialogs(lambda: None, lambda: None)
    d.buffer = Buffer()
    d.too_soon = lambda: False      # these tests answer at once; the grace period has its own test
    return d


async def answered(d: Dialogs, ask, *actions):
    task = asyncio.ensure_future(ask)
    await asyncio.sleep(0)
    for action in actions:
        action()
    return await task


def request(**kw):
    from zot.ext.hooks import ConfirmRequest, Source

    base = dict(tool="bash", args={"command": "touch x"}, original_args={"command": "touch x"},
                reasons=["needs a yes"], sources=[Source("ext", "rule", "e.yaml:3")])
    return ConfirmRequest(**{**base, **kw})


def test_the_confirm_dialog_defaults_to_no_and_knows_always():
    async def main():
        d = dialogs()
        assert await answered(d, d.confirm_tool(request()), d.pick) == "no"            # Enter on the default
        assert await answered(d, d.confirm_tool(request()), d.cancel) == "no"          # Esc
        assert await answered(d, d.confirm_tool(request()), lambda: d.shortcut("y")) == "yes"
        assert await answered(d, d.confirm_tool(request()), lambda: d.shortcut("a")) == "always"
        assert await answered(d, d.confirm_tool(request()), lambda: d.move(-1), d.pick) == "yes"
    asyncio.run(main())


def test_a_key_typed_as_the_dialog_opens_does_not_answer_it():
    from prompt_toolkit.buffer import Buffer

    async def main():
        d = Dialogs(lambda: None, lambda: None)
        d.buffer = Buffer()
        task = asyncio.ensure_future(d.confirm_tool(request()))
        await asyncio.sleep(0)
        assert d.shortcut("y") is True          # swallowed, not answered
        assert not task.done()
        await asyncio.sleep(0.4)
        d.shortcut("n")
        return await task
    assert asyncio.run(main()) == "no"


def test_the_confirm_dialog_shows_arguments_reason_and_the_rewrite():
    async def main():
        d = dialogs()
        task = asyncio.ensure_future(d.confirm_tool(request(args={"command": "touch x --safe"})))
        await asyncio.sleep(0)
        shown = plain(d.fragments())
        d.cancel()
        await task
        return shown
    shown = asyncio.run(main())
    assert "Allow this bash call?" in shown and "command: touch x --safe" in shown
    assert "needs a yes" in shown and "ext:rule (e.yaml:3)" in shown
    assert '-  "command": "touch x"' in shown and '+  "command": "touch x --safe"' in shown
    assert "› 2. No" in shown


def test_script_questions_select_and_input():
    async def main():
        d = dialogs()
        picked = await answered(d, d.select("ext", "Pick", "which?", ["a", "b", "c"], "b"), lambda: d.move(1), d.pick)
        yes = await answered(d, d.confirm("ext", "Sure?", "really", True), d.pick)
        typed = await answered(d, d.input("ext", "Name", "", "placeholder", "dflt"),
                               lambda: d.buffer.insert_text("!"), d.pick)
        cancelled = await answered(d, d.input("ext", "Name", ""), d.cancel)
        return picked, yes, typed, cancelled
    assert asyncio.run(main()) == ("c", True, "dflt!", None)


def test_a_panel_in_process_takes_keys_redraws_and_closes():
    from zot.ext.script.ui import Panel

    async def main():
        keys, closed = [], []
        panels = Panels(lambda: None, lambda: None)
        await panels.open_panel(Panel("todo", "Todo: 0/1", ["  [ ] milk"], "esc close", "todo"),
                                lambda pid, key, text: keys.append((pid, key, text)), closed.append)
        assert "Todo: 0/1" in plain(panels.fragments()) and "[ ] milk" in plain(panels.fragments())
        panels.key("down")
        panels.key(" ", " ")
        await panels.update_panel(Panel("todo", "Todo: 1/1", ["› [x] milk"], "", "todo"))
        await panels.update_panel(Panel("other", "Not mine", [], "", "todo"))
        assert "[x] milk" in plain(panels.fragments()) and "Not mine" not in plain(panels.fragments())
        await panels.close_panel("todo", "todo")
        assert not panels.open and closed == []          # closed by the script: no echo back
        await panels.open_panel(Panel("p", "P", [], "", "x"), lambda *a: None, closed.append)
        panels.close_here()
        await panels.open_panel(Panel("q", "Q", [], "", "x"), lambda pid, key, text: keys.append((pid, key, text)),
                                closed.append)
        panels.key("esc")                               # Esc closes the panel, as in the Go zot
        assert not panels.open
        return keys, closed
    keys, closed = asyncio.run(main())
    # a typed character arrives in the Go zot's form: key "rune", the character in text
    assert keys == [("todo", "down", ""), ("todo", "rune", " "), ("q", "esc", "")] and closed == ["p", "q"]


# --------------------------------------------------------------------------- widgets, printer, status


@dataclass
class FakeWidget:
    name: str
    placement: str = "status"
    events: tuple = ("turn_end",)
    every: float | None = None
    last: str = ""
    error: str | None = None
    fail: bool = False
    calls: int = 0

    @property
    def qualified(self) -> str:
        return f"t:{self.name}"

    def due(self, now=None) -> bool:
        return False

    async def refresh(self, cwd, facts=None) -> str:
        self.calls += 1
        if self.fail:
            raise RuntimeError("broken pipe in the widget")
        self.last = f"{self.name}={self.calls}"
        return self.last


def test_widgets_refresh_on_their_events_and_a_failure_is_a_short_marker(tmp_path):
    good, bad, other = FakeWidget("good"), FakeWidget("bad", fail=True), FakeWidget("other", "footer", ("x",))

    async def main():
        board = WidgetBoard(lambda: [good, bad, other], lambda: tmp_path, dict, lambda: None)
        board.start()
        await asyncio.sleep(0.05)
        board.on_event(ev.TurnEnd(1, 0))
        await asyncio.sleep(0.05)
        board.stop()
        return board
    board = asyncio.run(main())
    assert good.calls == 2 and other.calls == 1
    texts = dict(board.texts("status"))
    assert "good=2" in texts and texts["⚠ t:bad: broken pipe in the widget"] is True
    assert board.fragments("footer") == [("class:widget", "other=1")]


def test_the_printer_writes_directly_when_no_application_runs():
    from prompt_toolkit.output.plain_text import PlainTextOutput
    from zot.ui.theme import style

    sink = io.StringIO()
    printer = Printer(style(), PlainTextOutput(sink))
    seen = []
    printer.print([("class:tool.ok", "✓ "), ("", "done")], after=lambda: seen.append(True))
    printer.line("second")
    assert sink.getvalue().replace("\r\n", "\n") == "✓ done\nsecond\n" and seen == [True]


def test_status_shows_model_tokens_cost_and_context():
    from zot.llm import ModelConfig, Usage

    state = SimpleNamespace(model=ModelConfig("openai/x"), usage=Usage(12_300, 1_200, cost=0.0123),
                            context_window=100_000, last_input_tokens=12_300)
    assert plain(Status(lambda: None).fragments(state)) == "openai/x  ↑12.3k ↓1.2k  $0.0123  ctx 12%"
    state.model = ModelConfig("")
    assert plain(Status(lambda: None).fragments(state)).startswith("no model")
    assert (tokens(999), tokens(2_500_000), cost_text(None), cost_text(2.5)) == ("999", "2.50M", "$–", "$2.50")


def test_painting_the_prompt_needs_neither_litellm_nor_the_agent():
    import subprocess
    import sys

    heavy = ("litellm", "zot.agent.loop", "zot.ext.engine", "jsonschema")
    code = ("import sys, zot.cli, zot.modes.options, zot.ui.app, zot.ui.layout, zot.ui.commands\n"
            "from zot.agent.options import Options\n"
            "zot.ui.app.Repl(Options())\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_clip_keeps_the_status_bar_on_one_line():
    assert plain(clip([("", "abc"), ("", "defgh")], 6)) == "abcde…"
    assert plain(clip([("", "abc")], 10)) == "abc"


def test_at_path_attaches_project_files_and_leaves_the_rest(tmp_path):
    from zot.ui.mentions import attach

    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    (project / "src" / "a.py").write_text("print('a')\n")
    (project / "big.txt").write_text("x" * 60_000)
    (tmp_path / "outside.txt").write_text("secret")
    text = attach("look at @src/a.py, @big.txt, @../outside.txt and mail me@example.com", project, project)
    assert text.startswith("look at @src/a.py")
    assert '<file path="src/a.py">\nprint(\'a\')\n\n</file>' in text
    assert "x" * 100 not in text and "secret" not in text and "example.com\">" not in text
