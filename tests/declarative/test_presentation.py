"""Blocks and overlays outside the REPL: `-p` prints their text, `--json` carries their look."""
from __future__ import annotations

import json

from tests.fakellm import text

PRESENT = """
commands:
  deployed:
    description: Say where it went
    args: [{name: where, default: staging}]
    block:
      text: "## Deployed to {{ args.where }}"
      format: markdown
      style: {border: success}
      subtitle: "deploy {{ args.where }}"
  pick:
    description: Choose
    overlay:
      title: Next
      text: "What now, {{ args.who }}?"
      actions: [{label: Continue, prompt: "go on"}, Cancel]
    args: [{name: who, default: you}]
hooks:
  - on: agent_end
    block: {text: "**finished** {{ event.answer }}", format: markdown, subtitle: done}
"""


def test_print_mode_prints_a_blocks_text(zot, ext):
    run = zot("-p", "-e", ext("show", PRESENT), "/deployed prod", model=False)
    assert (run.code, run.out, run.err) == (0, "## Deployed to prod\n", "")


def test_json_carries_the_look_of_a_block(zot, ext):
    run = zot("--json", "-e", ext("show", PRESENT), "/deployed prod", model=False)
    [output] = [e for e in map(json.loads, run.out.splitlines()) if e["type"] == "command_output"]
    assert output == {"type": "command_output", "command": "show:deployed", "action": "block",
                      "text": "## Deployed to prod", "is_error": False,
                      "block": {"format": "markdown", "style": {"border": "success"}, "subtitle": "deploy prod"}}


def test_an_overlay_without_a_ui_shows_its_text_and_buttons(zot, ext):
    run = zot("-p", "-e", ext("show", PRESENT), "/pick Ann", model=False)
    assert run.code == 0
    assert run.out == ("Next\nWhat now, Ann?\n[/show:pick opened an overlay, which needs the interactive UI; "
                       "its buttons: Continue · Cancel]\n")


def test_a_hook_prints_a_block_and_json_says_so(zot, ext):
    run = zot("--json", "-e", ext("show", PRESENT), "hello", replies=[text("all good")])
    events = [json.loads(line) for line in run.out.splitlines()]
    [notice] = [e for e in events if e["type"] == "notice"]
    assert notice["source"].startswith("show:hooks[0] (") and notice["source"].endswith("extension.yaml:23)")
    assert {k: v for k, v in notice.items() if k != "source"} == {
        "type": "notice", "level": "info", "text": "**finished** all good",
        "block": {"format": "markdown", "style": {}, "subtitle": "done"}}
    plain = zot("--json", "-e", ext("quiet", "commands:\n  hi: {description: x, notify: hi}\n"), "/hi",
                model=False)
    assert all("block" not in json.loads(line) for line in plain.out.splitlines())
