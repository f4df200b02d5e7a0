"""Declared tools (`tools:`) through the real agent loop: the model calls them over the local fake
server and receives their results; `run` is argv, never a shell."""
from __future__ import annotations

import json
import time
from pathlib import Path

from tests.declarative.conftest import tool_message
from tests.fakellm import call, text, tool_calls

ARGV_PRINTER = "import json, sys; print(json.dumps(sys.argv[1:]))"

ECHO = f"""
tools:
  echo_args:
    description: Print the arguments it gets, as JSON
    parameters:
      type: object
      properties:
        text: {{type: string}}
        flag: {{type: string}}
        verbose: {{type: boolean}}
      required: [text]
      additionalProperties: false
    run:
      argv: [python3, -c, "{ARGV_PRINTER}", "{{{{ args.text }}}}", "{{{{ args.flag | default('') }}}}",
             "{{% if args.verbose %}}-v{{% endif %}}"]
"""

NASTY = "it's \"quoted\" $(touch pwned) ; touch pwned2 `touch pwned3`\nsecond line"


def test_run_passes_model_text_as_one_argument_and_drops_empty_elements(zot, ext, project):
    folder = ext("echo", ECHO)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("echo_args", {"text": NASTY}, id="a"),
                    call("echo_args", {"text": "x", "flag": "--fast", "verbose": True}, id="b")]),
        text("done")])
    assert run.code == 0, run.err
    # the model receives exactly what the program printed: each value whole, empty ones left out
    assert tool_message(run.requests[1], "a") == json.dumps([NASTY])
    assert tool_message(run.requests[1], "b") == json.dumps(["x", "--fast", "-v"])
    assert run.tool_results()["a"]["is_error"] is False
    assert not any((project / name).exists() for name in ("pwned", "pwned2", "pwned3"))


def test_declared_tools_are_offered_beside_the_built_ins(zot, ext):
    folder = ext("echo", ECHO)
    run = zot("-p", "-e", folder, "go", replies=[text("ok")], shipped=True)
    offered = {t["function"]["name"]: t["function"] for t in run.requests[0]["tools"]}
    assert {"read", "write", "edit", "bash", "ls", "grep", "find", "echo_args"} <= set(offered)
    assert offered["echo_args"]["description"] == "Print the arguments it gets, as JSON"
    assert offered["echo_args"]["parameters"]["required"] == ["text"]


def test_exit_code_sets_the_error_flag_and_the_model_is_told(zot, ext):
    folder = ext("codes", """
        tools:
          fails:
            description: Always fails
            run: {argv: ["false"]}
          speaks_and_fails:
            description: Prints, then fails
            run: {argv: [sh, -c, "echo partial; echo oops >&2; exit 3"]}
          works:
            description: Succeeds
            run: {argv: [echo, fine]}
        """)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("fails", {}, id="f"), call("speaks_and_fails", {}, id="s"), call("works", {}, id="w")]),
        text("done")])
    results = run.tool_results()
    assert (results["f"]["is_error"], results["s"]["is_error"], results["w"]["is_error"]) == (True, True, False)
    assert tool_message(run.requests[1], "f") == "[exit code 1]"
    assert tool_message(run.requests[1], "s") == "partial\n[stderr]\noops\n[exit code 3]"
    assert tool_message(run.requests[1], "w") == "fine"


ENV_TOOL = f"""
tools:
  where:
    description: Report the folder, three variables and stdin
    parameters: {{type: object, properties: {{v: {{type: string}}}}, required: [v]}}
    run:
      argv: [python3, -c, "import json, os, sys; print(json.dumps([os.getcwd(), os.environ.get('DECL_SECRET'),
             os.environ.get('DECL_KEEP'), os.environ.get('DECL_SET'), sys.stdin.read()]))"]
      cwd: sub
      env: [PATH, DECL_KEEP]
      set_env: {{DECL_SET: "set-{{{{ args.v }}}}"}}
      stdin: "fed {{{{ args.v }}}}"
"""


def test_cwd_env_allowlist_set_env_and_stdin(zot, ext, project, monkeypatch):
    folder = ext("envy", ENV_TOOL)
    (project / "sub").mkdir()
    (project / "elsewhere").mkdir()
    monkeypatch.setenv("DECL_SECRET", "do-not-leak")
    monkeypatch.setenv("DECL_KEEP", "kept")
    # zot runs in another folder of the project: `cwd:` is relative to the project root
    run = zot("--json", "-e", folder, "go", cwd=project / "elsewhere",
              replies=[tool_calls([call("where", {"v": "V"}, id="w")]), text("done")])
    assert run.code == 0, run.err
    cwd, secret, keep, set_env, stdin = json.loads(tool_message(run.requests[1], "w"))
    assert Path(cwd).resolve() == (project / "sub").resolve()
    assert (secret, keep, set_env, stdin) == (None, "kept", "set-V", "fed V")


def test_a_missing_working_directory_is_named_not_reported_as_a_missing_program(zot, ext):
    folder = ext("lost", """
        tools:
          lost:
            description: Runs in a folder that does not exist
            run: {argv: [pwd], cwd: no-such-folder}
        """)
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("lost", {}, id="l")]), text("done")])
    content = tool_message(run.requests[1], "l")
    assert "no-such-folder" in content and "does not exist" in content
    assert "program not found" not in content
    assert run.tool_results()["l"]["is_error"] is True


def test_a_tool_that_hangs_is_stopped_at_its_timeout(zot, ext):
    folder = ext("slow", """
        tools:
          slow:
            description: Sleeps
            run: {argv: [sleep, "30"], timeout: 1s}
        """)
    started = time.monotonic()
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("slow", {}, id="s")]), text("done")])
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    [end] = run.of("tool_execution_end")
    assert 0.9 <= end["duration"] < 5
    assert end["is_error"] is True
    assert "timed out after 1s" in tool_message(run.requests[1], "s")


def test_max_output_cuts_each_stream(zot, ext):
    folder = ext("big", """
        tools:
          big:
            description: Prints a lot
            run: {argv: [python3, -c, "print('x' * 5000)"], max_output: 100}
        """)
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("big", {}, id="b")]), text("done")])
    assert tool_message(run.requests[1], "b") == "x" * 100 + "\n[output cut at 100 bytes]"


def test_template_tools_render_args_params_and_model(zot, ext):
    folder = ext("greet", """
        params:
          greeting: {type: string, default: Hello}
        tools:
          greet:
            description: Greets
            parameters: {type: object, properties: {name: {type: string}}, required: [name]}
            template: "{{ params.greeting }}, {{ args.name }}! (from {{ model }})"
          where:
            description: Left-out arguments
            parameters:
              type: object
              properties: {path: {type: string, default: tests}, depth: {type: integer}, tag: {type: string}}
            template: "{{ args.path }}|{{ args.depth | default(1) }}|{% if args.tag %}tagged{% endif %}|{{ args.tag }}"
        """)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("greet", {"name": "Ada"}, id="g"), call("where", {}, id="w"),
                    call("where", {"path": "src", "depth": 3, "tag": "x"}, id="w2")]),
        text("done")])
    assert tool_message(run.requests[1], "g") == "Hello, Ada! (from openai/fake)"
    assert tool_message(run.requests[1], "w") == "tests|1||"        # the schema default, or nothing
    assert tool_message(run.requests[1], "w2") == "src|3|tagged|x"
    assert run.tool_results()["g"]["is_error"] is False


def test_arguments_that_fail_the_schema_never_run_the_tool(zot, ext, project):
    folder = ext("strict", """
        tools:
          mark:
            description: Creates a marker file
            parameters:
              type: object
              properties: {count: {type: integer}}
              required: [count]
              additionalProperties: false
            run: {argv: [touch, marker.txt]}
        """)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("mark", {"count": "three"}, id="wrong-type"), call("mark", {}, id="missing"),
                    call("mark", {"count": 1, "extra": True}, id="extra")]),
        text("done")])
    for call_id, needle in (("wrong-type", "integer"), ("missing", "count"), ("extra", "extra")):
        message = tool_message(run.requests[1], call_id)
        assert message.startswith("Invalid arguments for mark") and needle in message
        assert run.tool_results()[call_id]["is_error"] is True
    assert not (project / "marker.txt").exists()
    assert run.of("tool_execution_start") == []


def test_http_tools_send_templated_requests_and_read_the_answer(zot, ext, http_server):
    folder = ext("web", f"""
        params:
          base: {{type: string, default: "{http_server.url}"}}
        tools:
          search:
            description: Searches
            parameters: {{type: object, properties: {{q: {{type: string}}}}, required: [q]}}
            http:
              method: POST
              url: "{{{{ params.base }}}}/search/{{{{ args.q }}}}"
              headers: {{X-Token: "tok-{{{{ args.q }}}}"}}
              json: {{query: "{{{{ args.q }}}}", limit: 3}}
            result: "{{{{ status }}}} {{{{ json.method }}}} {{{{ json.path }}}} {{{{ json.token }}}}"
          put_text:
            description: Sends text
            http:
              method: PUT
              url: "{{{{ params.base }}}}/doc"
              body: "plain {{{{ model }}}}"
          gone:
            description: A missing page
            http: {{url: "{{{{ params.base }}}}/missing"}}
          typed:
            description: JSON with a content type of its own
            http:
              method: POST
              url: "{{{{ params.base }}}}/typed"
              headers: {{content-type: application/vnd.api+json}}
              json: {{data: 1}}
        """)
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("search", {"q": "cats"}, id="s"), call("put_text", {}, id="p"), call("gone", {}, id="g"),
                    call("typed", {}, id="t")]),
        text("done")])
    assert tool_message(run.requests[1], "s") == "200 POST /search/cats tok-cats"
    method, path, headers, body = http_server.seen[0]
    assert json.loads(body) == {"query": "cats", "limit": 3}
    assert headers["Content-Type"] == "application/json"
    assert http_server.seen[1][0] == "PUT" and http_server.seen[1][3] == "plain openai/fake"
    assert tool_message(run.requests[1], "p").startswith("HTTP 200\n")      # default: status and body
    results = run.tool_results()
    assert (results["s"]["is_error"], results["p"]["is_error"], results["g"]["is_error"]) == (False, False, True)
    assert tool_message(run.requests[1], "g").startswith("HTTP 404\n")
    typed_headers = {k.lower(): v for k, v in http_server.seen[-1][2].items()}
    assert typed_headers["content-type"] == "application/vnd.api+json"      # the manifest's header wins


def test_an_unreachable_http_tool_is_an_error_the_model_reads(zot, ext):
    folder = ext("down", """
        tools:
          down:
            description: Nobody listens there
            http: {url: "http://127.0.0.1:9/x", timeout: 2s}
        """)
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("down", {}, id="d")]), text("done")])
    assert tool_message(run.requests[1], "d").startswith("the request failed:")
    assert run.tool_results()["d"]["is_error"] is True


CLASH = """
tools:
  read:
    description: My own read
    template: "not the real read"
"""


def test_a_tool_named_like_a_built_in_is_a_validation_error(ext, project):
    from tests.declarative.conftest import zot_subprocess

    folder = ext("clashy", CLASH)
    result = zot_subprocess("ext", "validate", folder, cwd=project)
    line = (folder / "extension.yaml").read_text().splitlines().index("  read:") + 1
    assert result.returncode == 1
    assert f"extension.yaml:{line}:3: error[name-clash]: the tool `read` clashes with the built-in tool" \
        in result.stdout


def test_at_run_time_the_clashing_extension_is_skipped_with_a_notice(zot, ext, project):
    folder = ext("clashy", CLASH)
    (project / "a.txt").write_text("real content\n")
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("read", {"path": "a.txt"}, id="r")]),
                                                     text("done")])
    assert run.code == 0
    assert any(n.startswith("warning: extension clashy was not loaded") and "read" in n for n in run.notices)
    assert tool_message(run.requests[1], "r") == "real content"
    assert [t["function"]["name"] for t in run.requests[0]["tools"]].count("read") == 1


def test_the_shipped_python_tools_run_when_the_model_leaves_optional_arguments_out(zot, project, monkeypatch):
    import os

    from tests.declarative.conftest import REPO

    home = Path(os.environ["ZOT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    # `echo` stands in for the interpreter: the tool's argv is printed instead of running pytest
    (home / "settings.yaml").write_text("extensions:\n  python:\n    params: {python: echo}\n")
    run = zot("--json", "-e", REPO / "extensions" / "python", "go", replies=[
        tool_calls([call("run_pytest", {}, id="all"),
                    call("run_pytest", {"keyword": "slow", "target": "t.py"}, id="k")]),
        text("done")])
    assert tool_message(run.requests[1], "all") == "-m pytest -q -x --no-header"
    assert tool_message(run.requests[1], "k") == "-m pytest -q -x --no-header -kslow t.py"


def test_a_program_that_never_stops_talking_is_cut_and_stopped(zot, ext):
    # `yes` writes as fast as it can until killed: output is kept up to max_output, not in memory
    folder = ext("chatty", """
        tools:
          chatty:
            description: Never stops
            run: {argv: ["yes"], timeout: 1s, max_output: 20}
        """)
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("chatty", {}, id="c")]), text("done")])
    assert tool_message(run.requests[1], "c") == \
        "y\n" * 10 + "\n[output cut at 20 bytes]\n[timed out after 1s and was stopped]"
    assert run.tool_results()["c"]["is_error"] is True


def test_a_run_that_is_given_up_on_kills_its_program(tmp_path):
    """E.g. a hook still running when the session's wait for hooks runs out: no orphan remains."""
    import asyncio

    from zot.ext.runner import run_exec

    pid_file = tmp_path / "pid"

    async def go() -> None:
        task = asyncio.ensure_future(run_exec({"argv": ["sh", "-c", "echo $$ > pid; exec sleep 30"]}, {}, tmp_path))
        deadline = time.monotonic() + 10
        while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    asyncio.run(go())
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not running(pid)


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
