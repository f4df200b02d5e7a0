"""Scripts through the real agent loop: `zot --json -e SCRIPT_FOLDER ...` against the local model."""
from __future__ import annotations

import json
import time

from tests.declarative.conftest import model_flags, tool_message, zot_subprocess
from tests.fakellm import call, text, tool_calls
from tests.script.conftest import log_text, of_type, received

ECHO = '''
hello()
send({"type": "register_tool", "name": "echo", "description": "Echo text",
      "schema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}})
send({"type": "ready"})
for f in frames():
    if f["type"] == "tool_call":
        send({"type": "tool_result", "id": f["id"], "content": [{"type": "text", "text": "echo: " + f["args"]["text"]}]})
'''

# appends MARK to every bash command that does not end with it yet
MARKER = '''
hello()
send({"type": "subscribe", "intercept": ["tool_call"]})
send({"type": "ready"})
for f in frames():
    if f["type"] == "event_intercept":
        args = f["tool_args"]
        r = {"type": "event_intercept_response", "id": f["id"]}
        if "rm " in args.get("command", ""):
            r.update(block=True, reason=MARK + " says: never rm")
        else:
            r["modified_args"] = dict(args, command=args["command"] + " " + MARK)
        send(r)
'''


def test_the_model_calls_a_script_tool(zot, scripts):
    folder = scripts("echoer", ECHO)
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("echo", {"text": "hi"}, id="t1")]), text("done")])
    assert run.code == 0, run.err
    assert "echo" in [t["function"]["name"] for t in run.requests[0]["tools"]]
    assert tool_message(run.requests[1], "t1") == "echo: hi"
    assert run.events[-1]["answer"] == "done"


def test_script_commands_in_print_mode(zot, scripts):
    folder = scripts("cmds", '''
        hello()
        send({"type": "register_command", "name": "shout", "description": "upper-case"})
        send({"type": "register_command", "name": "ask", "description": "a prompt for the model"})
        send({"type": "ready"})
        for f in frames():
            if f["type"] == "command_invoked" and f["name"] == "shout":
                send({"type": "command_response", "id": f["id"], "action": "display", "display": f["args"].upper()})
            elif f["type"] == "command_invoked":
                send({"type": "command_response", "id": f["id"], "action": "prompt", "prompt": "explain " + f["args"]})
    ''')
    run = zot("-p", "-e", folder, "/shout hello there", model=False)
    assert (run.code, run.out) == (0, "HELLO THERE\n")
    run = zot("-p", "-e", folder, "/cmds:ask recursion", replies=[text("it is recursion")])
    assert (run.code, run.out) == (0, "it is recursion\n")
    assert run.requests[0]["messages"][-1]["content"] == "explain recursion"


def test_the_console_script_runs_a_script_and_shuts_it_down(scripts, project, llm_server):
    folder = scripts("echoer", ECHO)
    llm_server.enqueue(tool_calls([call("echo", {"text": "hi"}, id="t1")]), text("done"))
    result = zot_subprocess("--json", "-e", folder, *model_flags(llm_server), "go", cwd=project, timeout=60)
    assert result.returncode == 0, result.stderr
    assert tool_message(llm_server.requests[1], "t1") == "echo: hi"
    assert of_type(received(folder), "shutdown") == [{"type": "shutdown"}]
    assert json.loads(result.stdout.splitlines()[-1])["answer"] == "done"


def test_a_script_intercept_rewrites_what_runs(zot, scripts, project):
    folder = scripts("fixer", '''
        hello()
        send({"type": "subscribe", "intercept": ["tool_call"]})
        send({"type": "ready"})
        for f in frames():
            if f["type"] == "event_intercept":
                cmd = f["tool_args"]["command"].replace("wrong", "right")
                send({"type": "event_intercept_response", "id": f["id"], "modified_args": {"command": cmd}})
    ''')
    run = zot("--json", "-e", folder, "go",
              replies=[tool_calls([call("bash", {"command": "touch wrong.txt"}, id="b")]), text("done")])
    assert run.code == 0, run.err
    assert (project / "right.txt").exists() and not (project / "wrong.txt").exists()
    [start] = run.of("tool_execution_start")
    assert (start["args"], start["original_args"]) == ({"command": "touch right.txt"}, {"command": "touch wrong.txt"})


def test_intercepts_of_two_scripts_and_a_manifest_rewrite_chain_in_order(zot, scripts):
    a = scripts("a-script", "MARK = 'A'\n" + MARKER)
    b = scripts("b-script", "MARK = 'B'\n" + MARKER)
    rules = scripts("c-rules", "hello()\nsend({'type': 'ready'})\nfor f in frames():\n    pass\n", yaml='''
        guards:
          mark:
            tool: bash
            action: rewrite
            priority: 10
            rewrite: [{arg: command, append: " M"}]
    ''')
    run = zot("--json", "-e", b, "-e", rules, "-e", a, "go",
              replies=[tool_calls([call("bash", {"command": "echo start"}, id="b")]), text("done")])
    assert run.code == 0, run.err
    [result] = run.of("tool_result")
    rewrites = result["decision"]["rewrites"]
    assert [(r["extension"], r["rule"], r["after"]["command"]) for r in rewrites] == [
        ("c-rules", "mark", "echo start M"), ("a-script", "intercept", "echo start M A"),
        ("b-script", "intercept", "echo start M A B")]
    assert result["args"] == {"command": "echo start M A B"}
    assert tool_message(run.requests[1], "b").startswith("start M A B")
    # a-script saw the arguments again after b-script changed them: it judged what ran
    seen_a = [f["tool_args"]["command"] for f in of_type(received(a), "event_intercept")]
    seen_b = [f["tool_args"]["command"] for f in of_type(received(b), "event_intercept")]
    assert (seen_a, seen_b) == (["echo start M", "echo start M A B"], ["echo start M A"])


def test_a_block_is_told_to_the_model(zot, scripts, project):
    folder = scripts("keeper", "MARK = 'keeper'\n" + MARKER)
    (project / "precious.txt").write_text("x")
    run = zot("--json", "-e", folder, "go",
              replies=[tool_calls([call("bash", {"command": "rm precious.txt"}, id="r")]), text("ok, I won't")])
    assert run.code == 0, run.err
    told = tool_message(run.requests[1], "r")
    assert told.startswith("Blocked: the bash call was not run") and "keeper says: never rm" in told
    assert "`keeper:intercept` (script: " in told
    assert (project / "precious.txt").exists()
    assert run.of("tool_result")[0]["blocked"] is True


def test_turn_start_and_assistant_message_intercepts_in_the_loop(zot, scripts):
    folder = scripts("editor", '''
        hello()
        send({"type": "subscribe", "intercept": ["turn_start", "assistant_message"]})
        send({"type": "ready"})
        for f in frames():
            if f["type"] != "event_intercept":
                continue
            r = {"type": "event_intercept_response", "id": f["id"]}
            if f["event"] == "turn_start" and f["step"] == 2:
                r.update(block=True, reason="one turn only")
            elif f["event"] == "assistant_message":
                r["replace_text"] = f["text"].replace("password", "********")
            send(r)
    ''')
    run = zot("--json", "-e", folder, "go", replies=[text("the password is 42")])
    assert run.code == 0, run.err
    assert run.events[-1]["answer"] == "the ******** is 42"
    assert run.of("message_end")[0]["message"]["content"] == "the ******** is 42"
    run = zot("--json", "-e", folder, "go",
              replies=[tool_calls([call("bash", {"command": "true"}, id="t")]), text("never asked")])
    assert run.code == 1
    assert run.events[-1]["stop_reason"] == "blocked"
    assert len(run.requests) == 1
    assert "warning: the turn was stopped: one turn only" in run.notices


# ---------------------------------------------------------------- failures, through the loop

def _bash_then_done(command: str = "echo ran"):
    return [tool_calls([call("bash", {"command": command}, id="b")]), text("done")]


def test_a_silent_script_does_not_hold_up_the_run(zot, scripts):
    folder = scripts("silent", "time.sleep(30)\n", script={"timeouts": {"hello": "1s"}})
    started = time.monotonic()
    run = zot("--json", "-e", folder, "go", replies=[text("done")])
    assert time.monotonic() - started < 4
    assert run.code == 0 and run.events[-1]["answer"] == "done"
    assert any("did not say hello within 1s" in n for n in run.notices)


HANG = '''
hello()
send({"type": "subscribe", "intercept": ["tool_call"]})
send({"type": "ready"})
for f in frames():
    pass
'''


def test_a_hanging_intercept_denies_by_default(zot, scripts):
    folder = scripts("hang", HANG, script={"timeouts": {"intercept": "1s"}})
    started = time.monotonic()
    run = zot("--json", "-e", folder, "go", replies=_bash_then_done())
    assert time.monotonic() - started < 5
    assert run.code == 0
    assert tool_message(run.requests[1], "b").startswith("Blocked")
    assert not run.of("tool_execution_start")
    assert len([n for n in run.notices if "did not answer event_intercept within 1s" in n]) == 1


def test_a_hanging_intercept_with_on_error_allow_runs_the_call(zot, scripts):
    folder = scripts("hang", HANG, script={"on_error": "allow", "timeouts": {"intercept": "1s"}})
    run = zot("--json", "-e", folder, "go", replies=_bash_then_done())
    assert run.code == 0
    assert tool_message(run.requests[1], "b").startswith("ran")


def test_a_script_crashing_mid_call_is_withdrawn(zot, scripts):
    folder = scripts("crashy", '''
        hello()
        send({"type": "register_tool", "name": "boom", "description": "crashes"})
        send({"type": "ready"})
        for f in frames():
            if f["type"] == "tool_call":
                os._exit(7)
    ''', script={"restart": {"backoff": "30s"}})
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("boom", {}, id="x")]), text("done")])
    assert run.code == 0
    assert "exited with code 7" in tool_message(run.requests[1], "x")
    assert "boom" not in [t["function"]["name"] for t in run.requests[1]["tools"]]
    assert len([n for n in run.notices if "exited with code 7" in n]) == 1


def test_garbage_a_huge_line_and_an_early_exit_leave_the_run_going(zot, scripts):
    garbage = scripts("garbage", 'hello()\nprint("{oops", flush=True)\ntime.sleep(30)\n',
                      script={"restart": {"max": 0}})
    huge = scripts("huge", 'hello()\nsys.stdout.write("x" * (5 * 1024 * 1024) + "\\n")\nsys.stdout.flush()\n'
                           'time.sleep(30)\n', script={"restart": {"max": 0}})
    early = scripts("early", "sys.exit(4)\n", script={"restart": {"max": 0}})
    run = zot("--json", "-e", garbage, "-e", huge, "-e", early, "go", replies=_bash_then_done())
    assert run.code == 0 and run.events[-1]["answer"] == "done"
    assert tool_message(run.requests[1], "b").startswith("ran")
    notices = "\n".join(run.notices)
    assert "garbage" not in notices          # a stray line is logged and ignored, as in the Go zot
    assert "ignored a line that is not a frame" in log_text("garbage")
    assert "extension huge: the script printed a line over 4,194,304 bytes" in notices
    assert "extension early: the script exited with code 4 before it was ready" in notices
