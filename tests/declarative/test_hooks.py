"""Declared hooks (`hooks:`) on the real agent loop: observers, system fragments, input transforms
and result transforms, as the user and the model see them."""
from __future__ import annotations

import json
import os
from pathlib import Path

from tests.declarative.conftest import sent_to_model, tool_message
from tests.fakellm import call, text, tool_calls

KEY = "AKIA" + "ABCDEFGHIJKLMNOP"


def zot_home() -> Path:
    return Path(os.environ["ZOT_HOME"])


def test_notify_hooks_are_notice_events_and_the_tool_filter_holds(zot, ext, project):
    folder = ext("watch", """
        hooks:
          - on: tool_result
            tool: bash
            notify: "bash ran: {{ args.command }}"
            level: warning
          - on: tool_call
            if: "args.get('path', '').endswith('.md')"
            notify: "reading markdown {{ args.path }}"
          - on: tool_execution_end
            if: "event['is_error']"
            notify: "{{ tool }} failed"
        """)
    (project / "a.txt").write_text("a\n")
    (project / "b.md").write_text("b\n")
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("bash", {"command": "echo hi"}, id="1"), call("read", {"path": "a.txt"}, id="2"),
                    call("read", {"path": "b.md"}, id="3"), call("read", {"path": "nope.txt"}, id="4")]),
        text("done")])
    assert run.code == 0
    mine = [(e["level"], e["text"]) for e in run.of("notice") if e["source"].startswith("watch:")]
    assert mine == [("warning", "bash ran: echo hi"), ("info", "reading markdown b.md"), ("info", "read failed")]
    source = next(e["source"] for e in run.of("notice") if e["source"].startswith("watch:"))
    assert source == f"watch:hooks[0] ({folder / 'extension.yaml'}:7)"   # where the hook is written


def test_log_hooks_append_json_lines(zot, ext, project):
    folder = ext("logger", """
        hooks:
          - on: session_start
            log: {}
          - on: tool_result
            log: {file: "logs/tools.jsonl", line: '{{ {"tool": tool, "error": event.is_error} | tojson }}'}
        """)
    for _ in range(2):
        run = zot("-p", "-e", folder, "go", replies=[
            tool_calls([call("ls", {}, id="1"), call("read", {"path": "missing"}, id="2")]), text("done")])
        assert run.code == 0, run.err
    default_log = [json.loads(line) for line in (zot_home() / "logs" / "logger.jsonl").read_text().splitlines()]
    assert [e["type"] for e in default_log] == ["session_start", "session_start"]
    assert default_log[0]["cwd"] == str(project.resolve())
    lines = (project / "logs" / "tools.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"tool": "ls", "error": False},
                                                    {"tool": "read", "error": True}] * 2


def test_run_hooks_run_their_argv_and_a_failing_one_is_reported_not_fatal(zot, ext, project):
    folder = ext("runner", """
        hooks:
          - on: agent_end
            run: {argv: [python3, -c, "import sys; open('answer.txt', 'w').write(sys.argv[1])", "{{ event.answer }}"]}
          - on: agent_end
            run: {argv: [sh, -c, "echo the hook broke >&2; exit 4"]}
        """)
    run = zot("-p", "-e", folder, "go", replies=[text("all done; $(rm -rf x)")])
    assert (run.code, run.out) == (0, "all done; $(rm -rf x)\n")
    assert (project / "answer.txt").read_text() == "all done; $(rm -rf x)"
    assert "zot: error: hook runner:hooks[1] (" in run.err
    assert "failed: exit code 4: the hook broke" in run.err


SYSTEM = """
params:
  team: {type: string, default: platform}
hooks:
  - on: before_agent_start
    system: "Team {{ params.team }} asks: run the tests before answering."
  - on: before_agent_start
    if: "params.team == 'mobile'"
    system: "MOBILE-ONLY"
"""


def test_system_hooks_reach_the_system_prompt_and_if_false_leaves_them_out(zot, ext):
    folder = ext("sys", SYSTEM)
    run = zot("-p", "-e", folder, "go", replies=[text("ok")])
    [system] = sent_to_model(run.requests[0], "system")
    assert "Team platform asks: run the tests before answering." in system
    assert "MOBILE-ONLY" not in system


def test_an_input_transform_rewrites_what_the_model_receives(zot, ext):
    folder = ext("bang", """
        hooks:
          - on: input
            transform: {regex: '^!!(.*)$', to: "Explain this shell command: {{ match[1] }}"}
          - on: input
            transform: {regex: 'please', to: "{{ text | upper }}"}
        """)
    run = zot("--json", "-e", folder, "!!ls -la", replies=[text("it lists")])
    assert sent_to_model(run.requests[0], "user") == ["Explain this shell command: ls -la"]
    assert run.of("input")[0]["text"] == "!!ls -la"
    polite = zot("-p", "-e", folder, "do it please", replies=[text("ok")])
    assert sent_to_model(polite.requests[0], "user") == ["DO IT PLEASE"]


def test_a_handled_input_never_reaches_the_model_and_its_text_is_shown(zot, ext):
    folder = ext("noted", """
        hooks:
          - on: input
            transform: {regex: '^#note (.+)', handled: true, to: "noted: {{ match[1] }}"}
        """)
    run = zot("-p", "-e", folder, "#note use tabs")
    assert (run.code, run.out, run.err) == (0, "noted: use tabs\n", "")
    assert run.requests == []
    passed = zot("-p", "-e", folder, "what is a #note?", replies=[text("a note")])   # no match: a turn
    assert passed.out == "a note\n" and len(passed.requests) == 1


def test_redact_hides_secrets_from_the_model_and_the_transcript(zot, ext, project):
    folder = ext("secrets", """
        hooks:
          - on: tool_result
            tool: bash
            redact: ['AKIA[0-9A-Z]{16}']
          - on: message_end
            redact: ['sk-[a-z0-9]{8,}']
          - on: message_end
            if: "'keep it' in event['message']['content']"
            redact: ['safe']
        """)
    (project / "creds.txt").write_text(f"key={KEY}\n")
    # (the harness leaves out the shipped safety extension, which redacts keys in every tool's output)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("bash", {"command": "cat creds.txt"}, id="b"), call("read", {"path": "creds.txt"}, id="r")]),
        text("your token is sk-abcdef123456, keep it safe")])
    bash_seen = tool_message(run.requests[1], "b")
    assert KEY not in bash_seen and "key=[REDACTED]" in bash_seen
    assert KEY in tool_message(run.requests[1], "r")          # the hook is on bash only
    assert KEY not in run.tool_results()["b"]["content"]
    assert run.events[-1]["answer"] == "your token is [REDACTED], keep it [REDACTED]"
    assert run.of("message_end")[-1]["message"]["content"] == "your token is [REDACTED], keep it [REDACTED]"


def test_truncate_and_append_change_the_result_the_model_receives(zot, ext, project):
    folder = ext("shorten", """
        hooks:
          - on: tool_result
            tool: read
            truncate: {max_lines: 2}
          - on: tool_result
            tool: read
            if: "not event['is_error']"
            append: "(read by {{ tool }} under {{ model }})"
          - on: tool_result
            tool: ls
            truncate: {max_chars: 5}
        """)
    (project / "long.txt").write_text("one\ntwo\nthree\nfour\n")
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("read", {"path": "long.txt"}, id="r"), call("read", {"path": "absent.txt"}, id="x"),
                    call("ls", {}, id="l")]),
        text("done")])
    assert tool_message(run.requests[1], "r") == \
        "one\ntwo\n[truncated to 2 lines by a hook]\n(read by read under openai/fake)"
    assert "(read by" not in tool_message(run.requests[1], "x")
    assert tool_message(run.requests[1], "l").endswith("\n[truncated to 5 characters by a hook]")


def test_a_hook_whose_template_fails_is_reported_and_the_run_goes_on(zot, ext):
    folder = ext("fragile", """
        hooks:
          - on: turn_end
            notify: "{{ event.no_such_field }}"
          - on: tool_result
            append: "{{ args.path.upper() }}"
          - on: input
            transform: {regex: '.', to: "{{ match[5] }}"}
        """)
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("ls", {}, id="l")]), text("finished")])
    assert run.code == 0
    assert run.events[-1]["answer"] == "finished"
    assert sent_to_model(run.requests[0], "user") == ["go"]          # the input stayed as it was
    assert tool_message(run.requests[1], "l") == ".git/"              # the result stayed as it was
    errors = [e["text"] for e in run.of("notice") if e["level"] == "error"]
    assert any("no_such_field" in t for t in errors)
    assert any("result transform failed" in t for t in errors)
    assert any("input transform failed" in t for t in errors)


def test_the_shipped_notes_extension_keeps_notes_from_the_user_and_the_model(zot, project):
    from tests.declarative.conftest import REPO

    folder = REPO / "extensions" / "notes"
    user = zot("-p", "-e", folder, "#note the API is versioned")
    assert (user.code, user.out, user.requests) == (0, "noted: the API is versioned\n", [])
    model = zot("--json", "-e", folder, "remember this", replies=[
        tool_calls([call("remember", {"note": "use tabs"}, id="n")]), text("saved")])
    assert tool_message(model.requests[1], "n") == "Saved the note: use tabs"
    notes = [json.loads(line) for line in (project / ".zot" / "data" / "notes" / "notes.jsonl").read_text().splitlines()]
    assert [(n["by"], n["note"]) for n in notes] == [("user", "the API is versioned"), ("model", "use tabs")]
    shown = zot("-p", "-e", folder, "/notes", model=False)
    assert shown.code == 0 and shown.out.count("\n") == 2 and "use tabs" in shown.out
