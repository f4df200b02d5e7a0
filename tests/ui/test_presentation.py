"""The REPL's presentation layer in a real pseudo-terminal: styled widgets, tool renderers,
printed blocks, overlays, key bindings, an editor interceptor, safe ANSI and themes.

Each test starts `zot` with its own extension against tests/fakellm.py and asserts on the pyte
screen: the text a person sees and, where it matters, its colours.
"""
from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest

from tests.fakellm import call, text, tool_calls
from tests.ui.term import REPO, Term

HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: presentation under test\n"


@pytest.fixture
def ext(tmp_path):
    def make(name: str, body: str, files: dict[str, str] | None = None) -> Path:
        folder = tmp_path / "exts" / name
        folder.mkdir(parents=True)
        (folder / "extension.yaml").write_text(HEAD.format(name=name) + textwrap.dedent(body))
        for file, content in (files or {}).items():
            (folder / file).write_text(content)
        return folder
    return make


def start(terms, proj, tmp_path, *args, server=None, env=None) -> Term:
    model = ["--model", "openai/fake", "--api-base", server.url, "--api-key", "t"] if server else []
    term = Term(["--no-ext", *model, *args], proj, tmp_path / "home", env=env)
    terms.append(term)
    term.ready()
    return term


def row_of(term: Term, needle: str) -> int:
    for i, line in enumerate(term.screen.display):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} is not on the screen:\n{term.display()}")


def fg_at(term: Term, row: int, text: str) -> str:
    """The foreground colour pyte recorded for the first character of `text` on `row`."""
    column = term.screen.display[row].index(text)
    return term.screen.buffer[row][column].fg


def input_row(term: Term) -> int:
    return max(i for i, line in enumerate(term.screen.display) if line.startswith(("› ", "N› ", "I› ")))


# ---------------------------------------------------------------- widgets


def test_a_three_line_markdown_widget_with_a_coloured_border_above_the_input(proj, tmp_path, terms, ext):
    folder = ext("plan", """
        widgets:
          plan:
            placement: above
            format: markdown
            style: {border: "#ff0000"}
            text: "## Plan\\n- [x] read the code\\n- [ ] write **the** tests"
        """)
    term = start(terms, proj, tmp_path, "-e", str(folder))
    term.wait_for("│ ☐ write the tests", screen_only=True)
    title, done, todo = row_of(term, "│ Plan"), row_of(term, "│ ☑ read the code"), row_of(term, "│ ☐ write the tests")
    assert title + 1 == done and done + 1 == todo < input_row(term)
    assert "## Plan" not in term.display() and "**" not in term.display()
    assert {fg_at(term, r, "│") for r in (title, done, todo)} == {"ff0000"}


def test_two_widgets_in_one_placement_stack_by_priority(proj, tmp_path, terms, ext):
    folder = ext("two", """
        widgets:
          later: {placement: below, priority: 5, text: "SECOND-W"}
          sooner: {placement: below, priority: 1, text: "FIRST-W", style: {color: success, bold: true}}
          status-a: {placement: status, priority: 2, text: "STAT-B"}
          status-b: {placement: status, priority: 1, text: "STAT-A"}
        """)
    term = start(terms, proj, tmp_path, "-e", str(folder))
    term.wait_for("SECOND-W", screen_only=True)
    first, second = row_of(term, "FIRST-W"), row_of(term, "SECOND-W")
    assert input_row(term) < first and first + 1 == second
    assert fg_at(term, first, "FIRST-W") == "green" and term.screen.buffer[first][0].bold
    assert re.search(r"STAT-A\s+·\s+STAT-B", term.display())


# ---------------------------------------------------------------- tool renderers and printed blocks


def test_a_tool_renderer_header_and_markdown_body(server, proj, tmp_path, terms, ext):
    (proj / "notes.md").write_text("# Notes\n\n- **first** point\n- second point\n")
    folder = ext("rend", """
        renderers:
          read:
            display_name: Reader
            header: "{{ args.path }} (asked for {{ args.path | length }} chars of name)"
            body: "{{ result }}"
            format: markdown
            collapsed: 2
            colors: {success: "#00ff00"}
        """)
    server.enqueue(tool_calls([call("read", {"path": "notes.md"})]), text("Read it."))
    term = start(terms, proj, tmp_path, "-e", str(folder), server=server)
    term.type("read the notes")
    screen = term.wait_for("Read it.")
    head = row_of(term, "✓ Reader  notes.md (asked for 8 chars of name)")
    assert fg_at(term, head, "Reader") == "00ff00"
    assert "⎿ Notes" in screen and "# Notes" not in screen          # Markdown, not the raw text
    assert "… +" in screen and "lines (ctrl+o to expand)" in screen   # collapsed after 2 lines
    term.key("ctrl-o")
    expanded = term.wait_for("second point")
    assert "• first point" in expanded and "**first**" not in expanded


RENDER_SCRIPT = f'''
import sys
sys.path.insert(0, {str(REPO)!r})
from zot.sdk import Extension

ext = Extension("srend", version="1.0.0")

@ext.tool_renderer("read", display_name="Peek", format="markdown")
def show(event, ctx):
    return "lines of " + event["args"]["path"], "## From the script\\n" + event["result"].splitlines()[0]

ext.run()
'''


def test_a_script_renders_a_tool_result_in_its_place(server, proj, tmp_path, terms, ext):
    (proj / "notes.txt").write_text("first note\nsecond note\n")
    folder = ext("srend", f"script: {{exec: {sys.executable}, args: [main.py]}}\n", {"main.py": RENDER_SCRIPT})
    server.enqueue(tool_calls([call("read", {"path": "notes.txt"})]), text("Done reading."))
    term = start(terms, proj, tmp_path, "-e", str(folder), server=server)
    term.type("peek")
    term.wait_for("Done reading.")
    head, body, answer = row_of(term, "✓ Peek  lines of notes.txt"), row_of(term, "⎿ From the script"), \
        row_of(term, "Done reading.")
    assert head < body < answer and "## From" not in term.display()
    assert "first note" in term.screen.display[body + 1]


def test_a_command_prints_a_styled_block_with_a_subtitle(proj, tmp_path, terms, ext):
    folder = ext("blk", """
        commands:
          deployed:
            description: Say it is deployed
            block:
              text: "## Deployed\\n3 services are **up**"
              format: markdown
              style: {border: success}
              subtitle: "deploy · {{ args.where }}"
            args: [{name: where, default: staging}]
        """)
    term = start(terms, proj, tmp_path, "-e", str(folder))
    term.type("/deployed prod")
    screen = term.wait_for("deploy · prod")
    title, body = row_of(term, "│ Deployed"), row_of(term, "│ 3 services are up")
    assert body == title + 1 and row_of(term, "deploy · prod") == body + 1
    assert fg_at(term, title, "│") == "green" and "**" not in screen


# ---------------------------------------------------------------- overlays and key bindings


OVERLAY = """
    commands:
      pick:
        description: Choose
        overlay:
          title: Deploy
          text: "All **3** services are ready."
          style: {border: warning}
          actions:
            - {label: First, display: "picked the first"}
            - {label: Second, display: "picked the second"}
            - Cancel
      hello:
        description: Say hello
        display: "hello from a key"
    keybindings:
      ctrl+g: {command: /hello, description: say hello}
      f2: {insert: "inserted by f2 "}
      alt+h: {submit: true}
    """


def test_an_overlay_is_chosen_with_the_keyboard(proj, tmp_path, terms, ext):
    term = start(terms, proj, tmp_path, "-e", str(ext("ov", OVERLAY)))
    term.type("/pick")
    screen = term.wait_for("╭─ Deploy", screen_only=True)
    assert "All 3 services are ready." in screen and "› 1. First" in screen and "2. Second" in screen
    assert fg_at(term, row_of(term, "╭─ Deploy"), "╭") == "brown"         # pyte's name for ANSI yellow
    term.settle(0.4)                    # keys in the first moments after it opens are ignored
    term.key("right")
    term.wait_for("› 2. Second", screen_only=True)
    term.key("enter")
    screen = term.wait_for("picked the second")
    assert "╭─ Deploy" not in term.display()
    term.type("/pick")
    term.wait_for("╭─ Deploy", screen_only=True)
    term.key("esc")
    term.wait_for(lambda t: "╭─ Deploy" not in term.display(), screen_only=True)
    assert "picked the first" not in term.text()


def test_key_bindings_run_a_command_and_insert_text(proj, tmp_path, terms, ext):
    term = start(terms, proj, tmp_path, "-e", str(ext("ov", OVERLAY)))
    term.key("ctrl-g")
    term.wait_for("hello from a key")
    term.key("f2")
    term.wait_for("› inserted by f2", screen_only=True)
    term.key("ctrl-c")
    term.send("/hello")
    term.send("\x1bh")                       # alt+h submits what is in the editor
    term.wait_for(lambda t: t.count("hello from a key") == 2)
    term.type("/help")
    help_text = term.wait_for("say hello  [ov]")
    assert "f2" in help_text and "insert inserted by f2" in help_text


def test_a_key_two_extensions_bind_stays_with_the_first_and_a_key_taken_from_zot_keeps_the_extension_out(
        proj, tmp_path, terms, ext):
    first = ext("aaa", """
        commands:
          one: {description: x, display: "the first binding ran"}
        keybindings:
          ctrl+g: {command: /one}
        """)
    second = ext("bbb", """
        commands:
          two: {description: x, display: "the second binding ran"}
        keybindings:
          ctrl+g: {command: /two}
        """)
    zots = ext("ccc", """
        commands:
          boom: {description: x, display: "should not run"}
        keybindings:
          ctrl+o: {command: /boom}
        """)
    term = start(terms, proj, tmp_path, "-e", str(first), "-e", str(second), "-e", str(zots))
    screen = term.wait_for("`ctrl+o` is zot's own key (show the last tool result in full)")
    # the later extension loads (its rules must not go because of a key another one chose); only
    # its binding is left out
    assert re.search(r"extension bbb: its key `ctrl\+g` is not bound: extension aaa uses it",
                     screen.replace("\n", ""))
    assert "extension bbb was not loaded" not in screen
    assert "extension ccc was not loaded" in screen
    term.key("ctrl-g")
    term.wait_for("the first binding ran")
    term.key("ctrl-o")
    term.wait_for("no tool result to expand yet")
    term.type("/two\r")
    term.wait_for("the second binding ran")      # bbb's command works; its ctrl+g binding is not there
    assert "should not run" not in term.text()


# ---------------------------------------------------------------- the editor interceptor


def test_a_modal_editor_script_remaps_keys_and_shows_its_mode_line(proj, tmp_path, terms):
    term = start(terms, proj, tmp_path, "-e", str(REPO / "extensions" / "vim"))
    term.wait_for(" NORMAL", screen_only=True)
    mode = row_of(term, " NORMAL ")
    assert mode + 1 == input_row(term) and term.screen.buffer[mode][1].bold
    assert term.screen.display[input_row(term)].startswith("N› ")
    term.send("hello")                      # NORMAL mode types nothing
    term.settle(0.5)
    assert "hello" not in term.display()
    term.send("i")
    term.wait_for(" INSERT", screen_only=True)
    term.send("hello")
    term.wait_for("I› hello", screen_only=True)
    term.key("esc")
    term.wait_for(" NORMAL", screen_only=True)
    for key in "hhxhl":                     # left, left, delete: "helo"; left, right
        term.send(key)
    term.wait_for("N› helo", screen_only=True)
    term.send("i")
    term.send("Q")
    term.wait_for("I› helQo", screen_only=True)
    assert "hhxhl" not in term.display()


# ---------------------------------------------------------------- safe ANSI and themes


ANSI_SCRIPT = r'''
import json, sys
def send(frame):
    sys.stdout.write(json.dumps(frame) + "\n"); sys.stdout.flush()
send({"type": "hello", "name": "colour", "version": "1"})
sys.stdin.readline()
send({"type": "set_widget", "id": "w", "placement": "above",
      "text": "\x1b[31mRED-TEXT\x1b[0m then \x1b[2Jwiped \x1b[5Aup", "format": "text"})
send({"type": "ready"})
for line in sys.stdin:
    if json.loads(line)["type"] == "shutdown":
        send({"type": "shutdown_ack"}); break
'''


def test_sgr_colour_from_a_script_is_drawn_and_cursor_movement_is_escaped(proj, tmp_path, terms, ext):
    folder = ext("colour", f"script: {{exec: {sys.executable}, args: [main.py]}}\n", {"main.py": ANSI_SCRIPT})
    term = start(terms, proj, tmp_path, "-e", str(folder))
    screen = term.wait_for("RED-TEXT then", screen_only=True)
    row = row_of(term, "RED-TEXT then")
    assert fg_at(term, row, "RED-TEXT") == "red" and fg_at(term, row, "then") == "default"
    assert "␛[2Jwiped ␛[5Aup" in screen
    assert "› " in screen and "─" * 20 in screen           # nothing was cleared or moved


def test_no_color_turns_every_colour_off(proj, tmp_path, terms, ext):
    folder = ext("nc", """
        widgets:
          w: {placement: above, text: "COLOURLESS", style: {color: error, border: "#ff0000"}}
        """)
    term = start(terms, proj, tmp_path, "-e", str(folder), env={"NO_COLOR": "1"})
    term.wait_for("COLOURLESS", screen_only=True)
    row = row_of(term, "COLOURLESS")
    assert fg_at(term, row, "COLOURLESS") == "default" and fg_at(term, row, "│") == "default"
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]", term.raw)


def test_the_high_contrast_theme_colours_the_status_bar(proj, tmp_path, terms):
    term = start(terms, proj, tmp_path, env={"ZOT_THEME": "high-contrast"})
    term.settle(0.5)
    status = max(i for i, line in enumerate(term.screen.display) if "$–" in line)
    assert term.screen.buffer[status][2].bg == "ffffff"
    default = start(terms, proj, tmp_path / "other")
    default.settle(0.5)
    row = max(i for i, line in enumerate(default.screen.display) if "$–" in line)
    assert default.screen.buffer[row][2].bg == "262626"


def test_the_theme_can_be_chosen_in_the_settings(proj, tmp_path, terms):
    settings = tmp_path / "home" / ".zot" / "settings.yaml"
    settings.parent.mkdir(parents=True)
    settings.write_text("theme: high-contrast\n")
    term = start(terms, proj, tmp_path)
    term.settle(0.5)
    status = max(i for i, line in enumerate(term.screen.display) if "$–" in line)
    assert term.screen.buffer[status][2].bg == "ffffff"


def test_a_missing_theme_is_one_notice_and_the_default(proj, tmp_path, terms):
    term = start(terms, proj, tmp_path, env={"ZOT_THEME": "no-such-theme"})
    term.wait_for("there is no theme `no-such-theme` (themes: default, high-contrast); using the default theme")
