"""The YAML forms of two script powers: a hook that `send`s a message (a turn when idle, after the
current one when busy) and a `system` hook that `replace`s zot's identity paragraph when its
condition holds."""
from __future__ import annotations

from tests.declarative.conftest import sent_to_model
from tests.fakellm import call, text, tool_calls

SEND = """
hooks:
  - on: tool_result
    tool: read
    if: "'TODO' in result"
    send: "Finish the TODO in {{ args.path }}."
  - on: before_agent_start
    if: "'plan' in event['prompt']"
    system: "You only plan. You never change files."
    replace: true
"""


def test_a_send_hook_starts_the_next_turn(zot, ext, project):
    (project / "notes.txt").write_text("TODO: write the tests\n")
    folder = ext("nudge", SEND)
    run = zot("-p", "-e", folder, "read notes.txt", replies=[
        tool_calls([call("read", {"path": "notes.txt"}, id="r")]), text("it has a TODO"), text("done it")])
    assert (run.code, run.out) == (0, "it has a TODO\ndone it\n"), run.err
    assert sent_to_model(run.requests[2], "user")[-1] == "Finish the TODO in notes.txt."


def test_a_system_hook_replaces_the_identity_when_its_condition_holds(zot, ext):
    folder = ext("nudge", SEND)
    run = zot("-p", "-e", folder, "plan the work", replies=[text("a plan")])
    [system] = sent_to_model(run.requests[0], "system")
    assert system.startswith("You only plan. You never change files.\n") and "Working folder:" in system
    run = zot("-p", "-e", folder, "do the work", replies=[text("done")])
    [system] = sent_to_model(run.requests[0], "system")
    assert system.startswith("You are zot") and "You only plan" not in system


def test_send_and_replace_are_checked(zot, ext):
    folder = ext("wrong", """
hooks:
  - on: agent_end
    notify: hi
    trigger: false
  - on: before_agent_start
    system: text
    replace: "yes"
""")
    run = zot("ext", "validate", folder, model=False, shipped=True)
    assert run.code == 1
    assert "`trigger` only applies with `send`" in run.out
    assert "replace" in run.out
