"""Declared slash commands (`commands:`) as a user runs them: `zot -p -e EXT "/cmd args"`."""
from __future__ import annotations

import json

import pytest

from tests.declarative.conftest import sent_to_model, zot_subprocess
from tests.fakellm import text

DEMO = """
params:
  who: {type: string, default: world}
commands:
  ask:
    description: Ask about a topic
    args:
      - {name: topic, required: true}
      - {name: rest, rest: true}
    prompt: "Tell {{ params.who }} about {{ args.topic }} ({{ args.rest }})"
  review:
    description: Review against a ref
    args: [{name: ref, default: HEAD}]
    prompt: {template: review}
  say:
    description: Show two words
    args: [{name: first}, {name: second}]
    display: "first=[{{ args.first }}] second=[{{ args.second }}]"
  ping:
    description: Notify
    notify: "pong for {{ params.who }}"
  commit:
    description: Prefill a commit
    args: [{name: message, rest: true}]
    insert: "git commit -m '{{ args.message }}'"
  mode:
    description: Run with a mode
    args: [{name: mode, enum: [short, long], required: true}]
    run: {argv: [echo, "mode is {{ args.mode }}"]}
  count:
    description: Run and format
    run: {argv: [python3, -c, "print('a'); print('b')"]}
    output: "{{ stdout.splitlines() | length }} lines, exit {{ exit_code }}"
  broken:
    description: A program that fails
    run: {argv: [sh, -c, "echo partial; exit 3"]}
prompts:
  templates:
    review: "Review `git diff {{ args.ref }}` for {{ params.who }}"
"""
OTHER = """
commands:
  say:
    description: The other say
    display: "other say"
"""


def user_message(run) -> str:
    return sent_to_model(run.requests[0], "user")[-1]


@pytest.mark.parametrize("line, sent", [
    ("/ask cats and dogs", "Tell world about cats (and dogs)"),
    ("/demo:ask cats", "Tell world about cats ()"),
    ("/review main", "Review `git diff main` for world"),
    ("/review", "Review `git diff HEAD` for world"),
])
def test_a_prompt_command_sends_the_rendered_prompt_as_the_user_message(zot, ext, line, sent):
    folder = ext("demo", DEMO)
    run = zot("-p", "-e", folder, line, replies=[text("the answer")])
    assert (run.code, run.err) == (0, "")
    assert user_message(run) == sent
    assert run.out == "the answer\n"              # the answer, not the prompt


@pytest.mark.parametrize("line, out", [
    ('/say "two words" three', "first=[two words] second=[three]\n"),
    ("/say 'it''s' \"a \\\"b\\\"\"", "first=[its] second=[a \"b\"]\n"),
    ("/say", "first=[] second=[]\n"),
    ("/ping", "pong for world\n"),
    ("/commit fix the   parser", "git commit -m 'fix the parser'\n"),
    ("/mode long", "mode is long\n"),
    ("/count", "2 lines, exit 0\n"),
    ("/demo:ping", "pong for world\n"),
])
def test_commands_that_do_not_need_the_model_work_without_one(zot, ext, line, out):
    folder = ext("demo", DEMO)
    run = zot("-p", "-e", folder, line, model=False)     # no --model, no ZOT_MODEL, no settings
    assert (run.code, run.out, run.err) == (0, out, "")
    assert run.requests == []


def test_a_failing_run_command_shows_its_output_and_fails(zot, ext):
    folder = ext("demo", DEMO)
    run = zot("-p", "-e", folder, "/broken", model=False)
    assert (run.code, run.out) == (1, "partial\n")
    assert run.err == "zot: error: /demo:broken failed: exit code 3\n"


@pytest.mark.parametrize("line, err", [
    ("/ask", "zot: error: missing argument <topic>; usage: /ask <topic> [rest...]\n"),
    ("/mode", "zot: error: missing argument <mode>; usage: /mode <short|long>\n"),
    ("/mode medium", "zot: error: <mode> must be one of short, long, not 'medium'; usage: /mode <short|long>\n"),
    ("/say a b c", "zot: error: too many arguments (c); usage: /say [first] [second]\n"),
    ("/say 'unclosed", "zot: error: No closing quotation; usage: /say [first] [second]\n"),
])
def test_bad_arguments_print_the_usage_and_never_call_the_model(zot, ext, line, err):
    folder = ext("demo", DEMO)
    run = zot("-p", "-e", folder, line, replies=[text("must not be used")])
    assert (run.code, run.out, run.err) == (1, "", err)
    assert run.requests == []


def test_a_slash_prompt_that_is_no_command_lists_the_commands(zot, ext):
    folder = ext("demo", DEMO)
    run = zot("-p", "-e", folder, "/usr/bin/python is broken", replies=[text("must not be used")])
    assert run.code == 2 and run.out == "" and run.requests == []
    assert run.err.startswith("zot: error: there is no command /usr/bin/python\n")
    assert "commands here: /ask, /broken, /commit, /count, /mode, /ping, /review, /say;" in run.err
    assert "put a space before it" in run.err


def test_a_clashing_bare_name_is_explained_and_the_qualified_names_work(zot, ext):
    demo, other = ext("demo", DEMO), ext("other", OTHER)
    bare = zot("-p", "-e", demo, "-e", other, "/say a b", model=False)
    assert bare.code == 2 and bare.out == ""
    assert "zot: warning: /say is declared by demo and other; use /demo:say or /other:say" in bare.err
    assert "zot: error: /say is ambiguous: it is declared by demo and other\n  hint: use /demo:say or /other:say" \
        in bare.err
    mine = zot("-p", "-e", demo, "-e", other, "/demo:say a b", model=False)
    assert (mine.code, mine.out) == (0, "first=[a] second=[b]\n")
    assert "/say is declared by demo and other" in mine.err           # the notice, as a warning
    theirs = zot("-p", "-e", demo, "-e", other, "/other:say", model=False)
    assert (theirs.code, theirs.out) == (0, "other say\n")
    listing = zot("-p", "-e", demo, "-e", other, "/nope", model=False)
    assert "/demo:say" in listing.err and "/other:say" in listing.err and "/ping" in listing.err


def test_json_mode_reports_the_command_output_as_an_event(zot, ext):
    folder = ext("demo", DEMO)
    run = zot("--json", "-e", folder, "/ping", model=False)
    assert run.code == 0
    assert run.events == [{"type": "command_output", "command": "demo:ping", "action": "notify",
                           "text": "pong for world", "is_error": False}]
    asked = zot("--json", "-e", folder, "/ask owls", replies=[text("hoot")])
    kinds = [e["type"] for e in asked.events]
    assert kinds[0] == "command_output" and asked.events[0]["action"] == "prompt"
    assert [e["text"] for e in asked.of("input")] == ["Tell world about owls ()"]
    assert asked.events[-1]["answer"] == "hoot"


def test_the_console_script_runs_a_command_without_a_model(ext, project):
    folder = ext("demo", DEMO)
    result = zot_subprocess("-p", "-e", folder, '/say "two words" three', cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "first=[two words] second=[three]\n", "")
    prompt = zot_subprocess("-p", "-e", folder, "/ask cats", cwd=project)
    assert prompt.returncode == 2 and "no model is configured" in prompt.stderr


def test_a_run_command_runs_in_the_project_root(zot, ext, project):
    folder = ext("where", """
        commands:
          here:
            description: Where am I
            run: {argv: [python3, -c, "import os, json; print(json.dumps(os.getcwd()))"]}
          sub:
            description: In a sub-folder
            run: {argv: [python3, -c, "import os, json; print(json.dumps(os.getcwd()))"], cwd: sub}
        """)
    (project / "sub").mkdir()
    (project / "deep" / "er").mkdir(parents=True)
    here = zot("-p", "-e", folder, "/here", model=False, cwd=project / "deep" / "er")
    sub = zot("-p", "-e", folder, "/sub", model=False, cwd=project / "deep" / "er")
    assert json.loads(here.out) == str(project.resolve())
    assert json.loads(sub.out) == str((project / "sub").resolve())
