"""Nothing a script does may hang or crash zot: each failure is reported once, decided by
`on_error`, withdraws the script's tools and commands, and (when it crashed) restarts it."""
from __future__ import annotations

import time

from tests.script.conftest import log_text, of_type, received, run, session
from zot.agent import toolpath
from zot.tools.base import ToolContext

TOOL_THEN = '''
hello()
send({"type": "register_tool", "name": "boom", "description": "misbehaves"})
send({"type": "register_command", "name": "hi"})
send({"type": "subscribe", "intercept": ["tool_call"]})
send({"type": "ready"})
for f in frames():
    if f["type"] == "event_intercept":
        send({"type": "event_intercept_response", "id": f["id"]})
    elif f["type"] == "tool_call":
        %s
'''


def _ctx(s, folder):
    return toolpath.PathContext(tools=s.state.tools, hooks=s.state.hooks,
                                tool_ctx=ToolContext(cwd=folder, project_root=folder))


def test_a_script_that_never_says_hello_does_not_block_start_up(scripts):
    folder = scripts("silent", "time.sleep(30)\n", script={"timeouts": {"hello": "500ms"}})

    async def main():
        started = time.monotonic()
        async with session(folder) as s:
            took = time.monotonic() - started
            assert took < 2.0
            assert s.ext("silent").status == "failed"
            [(level, text, source)] = s.notices
            assert (level, source) == ("error", "silent")
            assert "did not say hello within 0.5s" in text and "gives nothing" in text
    run(main())


def test_a_quiet_script_counts_as_ready_after_the_grace(scripts):
    """The Go zot never stops a script for a missing `ready`: a quiet one is ready after a grace."""
    folder = scripts("unready", '''
        hello()
        send({"type": "register_command", "name": "hey", "description": "no ready follows"})
        for f in frames():
            if f["type"] == "command_invoked":
                send({"type": "command_response", "id": f["id"], "action": "display", "display": "hey!"})
    ''', script={"timeouts": {"ready": "3s"}})

    async def main():
        started = time.monotonic()
        async with session(folder) as s:
            assert time.monotonic() - started < 1.5
            assert s.ext("unready").status == "running" and not s.notices
            outcome = await s.state.engine.commands.find("hey").invoke("", folder)
            assert (outcome.action, outcome.text) == ("display", "hey!")
        assert "treated as ready" in log_text("unready")
    run(main())


def test_a_chatty_script_without_ready_goes_on_after_the_ready_timeout(scripts):
    folder = scripts("chatty", '''
        hello()
        for i in range(40):
            send({"type": "notify", "level": "info", "message": f"tick {i}"})
            time.sleep(0.05)
        for f in frames():
            pass
    ''', script={"timeouts": {"ready": "500ms"}})

    async def main():
        async with session(folder) as s:
            assert s.ext("chatty").status == "running"
        assert "no ready within 0.5s of hello_ack; going on without it" in log_text("chatty")
    run(main())


def test_a_script_that_promises_ready_is_waited_for(scripts):
    folder = scripts("slowpoke", '''
        hello(["ready"])
        time.sleep(0.8)
        send({"type": "register_tool", "name": "late_tool", "description": "registered late"})
        send({"type": "ready"})
        for f in frames():
            pass
    ''')

    async def main():
        async with session(folder) as s:
            assert "late_tool" in s.state.tools     # in place before the first model request
    run(main())


HANGING = '''
hello()
send({"type": "subscribe", "intercept": ["tool_call"]})
send({"type": "ready"})
for f in frames():
    pass                      # never answers
'''


def test_a_hanging_intercept_is_decided_by_on_error_deny(scripts, tmp_path):
    folder = scripts("hang", HANGING, script={"timeouts": {"intercept": "400ms"}})

    async def main():
        async with session(folder) as s:
            for i in range(2):
                started = time.monotonic()
                out = await toolpath.run_call(f"c{i}", "bash", {"command": "echo ran"}, None, _ctx(s, folder))
                assert time.monotonic() - started < 1.5
                assert out.blocked and not out.ran
                assert "`hang:intercept`" in out.result.content and "on_error is deny" in out.result.content
            timeouts = [t for t in s.texts() if "did not answer event_intercept" in t]
            assert len(timeouts) == 1, s.notices          # reported once, not per call
    run(main())


def test_a_hanging_intercept_with_on_error_allow_lets_the_call_run(scripts):
    folder = scripts("hang", HANGING, script={"on_error": "allow", "timeouts": {"intercept": "300ms"}})

    async def main():
        async with session(folder) as s:
            out = await toolpath.run_call("c", "bash", {"command": "echo ran"}, None, _ctx(s, folder))
            assert out.ran and out.result.content.startswith("ran")
            assert out.decision.rewrites[0]["error"].startswith("the script intercept failed: no answer within 0.3s")
    run(main())


def test_a_crash_mid_call_is_reported_once_withdraws_and_restarts(scripts):
    folder = scripts("crashy", TOOL_THEN % 'sys.exit(3)')

    async def main():
        async with session(folder) as s:
            assert "boom" in s.state.tools and s.state.engine.commands.find("hi")
            tool = s.state.tools["boom"]
            result = await tool.run({}, ToolContext(cwd=folder, project_root=folder))
            assert result.is_error and "exited with code 3" in result.content
            assert "boom" not in s.state.tools and s.state.engine.commands.find("hi") is None
            # while it is down its intercept is decided by on_error (deny)
            out = await toolpath.run_call("c", "bash", {"command": "echo x"}, None, _ctx(s, folder))
            assert out.blocked and "not running" in out.result.content
            await s.until(lambda: s.ext("crashy").status == "running")
            assert "boom" in s.state.tools and s.state.engine.commands.find("hi")
            errors = [t for lv, t, _ in s.notices if lv == "error"]
            assert len(errors) == 1 and "exited with code 3" in errors[0] and "withdrawn" in errors[0]
            assert any("was restarted (1 of 2)" in t for t in s.texts())
        assert len(of_type(received(folder), "hello_ack")) == 2
        assert "failed: exited with code 3" in log_text("crashy")
    run(main())


def test_garbage_on_stdout_is_logged_and_ignored(scripts):
    """A stray print (not JSON, a JSON array, an object without type) is logged and skipped, as the
    Go zot does; the script keeps running."""
    folder = scripts("noisy", TOOL_THEN % '''print("hello there, not json", flush=True)
        print("[1, 2]", flush=True)
        send({"no": "type"})
        send({"type": "tool_result", "id": f["id"], "content": [{"type": "text", "text": "still here"}]})''',
                     script={"restart": {"max": 0}})

    async def main():
        async with session(folder) as s:
            result = await s.state.tools["boom"].run({}, ToolContext(cwd=folder, project_root=folder))
            assert (result.content, result.is_error) == ("still here", False)
            assert s.ext("noisy").status == "running" and not s.notices
        log = log_text("noisy")
        assert "ignored a line that is not a frame" in log and "hello there" in log and "[1, 2]" in log
    run(main())


def test_a_line_over_4_mib_is_a_failure(scripts):
    folder = scripts("huge", TOOL_THEN % 'send({"type": "tool_result", "id": f["id"], '
                                         '"content": [{"type": "text", "text": "x" * (5 * 1024 * 1024)}]})',
                     script={"restart": {"max": 0}})

    async def main():
        async with session(folder) as s:
            result = await s.state.tools["boom"].run({}, ToolContext(cwd=folder, project_root=folder))
            assert result.is_error and "over 4,194,304 bytes" in result.content
            assert len([1 for lv, _, _ in s.notices if lv == "error"]) == 1
    run(main())


def test_a_script_that_exits_at_start_is_restarted_then_given_up(scripts):
    folder = scripts("quitter", "sys.exit(2)\n")

    async def main():
        async with session(folder) as s:
            await s.until(lambda: s.ext("quitter").status == "failed")
            errors = [t for lv, t, _ in s.notices if lv == "error"]
            assert len(errors) == 2, errors
            assert "exited with code 2 before it was ready" in errors[0] and "restarts in 0.1s" in errors[0]
            assert "not restarted after 2 restart(s)" in errors[1]
        assert log_text("quitter").count("started ") == 3
    run(main())


def test_a_missing_program_gives_nothing(scripts):
    folder = scripts("ghost", "", script={"exec": "./no-such-program"})

    async def main():
        async with session(folder) as s:
            [text] = s.texts()
            assert "`./no-such-program` is neither a program on PATH nor a file" in text
    run(main())


def test_an_error_frame_answers_the_request(scripts):
    folder = scripts("sorry", TOOL_THEN % 'send({"type": "error", "id": f["id"], "message": "no can do"})')

    async def main():
        async with session(folder) as s:
            result = await s.state.tools["boom"].run({}, ToolContext(cwd=folder, project_root=folder))
            assert (result.content, result.is_error) == ("the boom tool failed: no can do", True)
            assert s.ext("sorry").status == "running"
    run(main())
