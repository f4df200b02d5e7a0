"""The agent loop in-process, the model being the local fake server: what the model is sent,
which tools run, which events a UI sees, and how a run ends."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from tests.agent.conftest import of_type, sent, types
from tests.fakellm import call, error, stall, text, tool_calls, usage
from zot.agent import events as ev
from zot.agent.session import SessionWriter, load_session
from zot.tools.base import FunctionTool


def test_plain_answer_emits_the_events_in_order(agent):
    agent.server.enqueue(text("Hello there!", chunks=3, usage=usage(12, 4)))
    end, events = agent.run("hi")
    names = types(events)
    updates = names.count("message_update")
    assert names == ["input", "before_agent_start", "agent_start", "turn_start", "message_start",
                     *["message_update"] * updates, "message_end", "turn_end", "agent_end"]
    assert updates >= 2
    assert "".join(e.delta for e in of_type(events, ev.MessageUpdate)) == "Hello there!"
    assert events[-1] is end
    assert (end.answer, end.stop_reason, end.error) == ("Hello there!", "stop", None)
    assert (end.usage["input_tokens"], end.usage["output_tokens"]) == (12, 4)
    [body] = agent.server.requests
    assert sent(agent.server, 0) == [{"role": "user", "content": "hi"}]
    assert {t["function"]["name"] for t in body["tools"]} == {"read", "write", "edit", "bash", "ls", "grep", "find"}


def test_a_tool_call_then_an_answer_sends_the_tool_result_back(agent):
    (agent.project / "notes.txt").write_text("the secret word is ostrich\n")
    agent.server.enqueue(tool_calls([call("read", {"path": "notes.txt"}, id="c1")], pieces=4),
                         text("It says ostrich."))
    end, events = agent.run("what does notes.txt say?")
    assert (end.answer, end.stop_reason) == ("It says ostrich.", "stop")
    second = sent(agent.server, 1)
    assert [m["role"] for m in second] == ["user", "assistant", "tool"]
    assert second[1]["tool_calls"][0]["function"] == {"name": "read", "arguments": '{"path": "notes.txt"}'}
    assert second[2]["tool_call_id"] == "c1"
    assert "the secret word is ostrich" in second[2]["content"]
    assert types(events).count("turn_start") == 2
    assert [e.type for e in events if e.type.startswith("tool")] == [
        "tool_call", "tool_execution_start", "tool_execution_end", "tool_result"]


def test_two_tool_calls_in_one_message_run_in_order(agent):
    calls = [call("bash", {"command": "echo first >> log.txt"}, id="a"),
             call("bash", {"command": "echo second >> log.txt; cat log.txt"}, id="b")]
    agent.server.enqueue(tool_calls(calls, pieces=3, interleave=True), text("done"))
    end, events = agent.run("log twice")
    assert end.stop_reason == "stop"
    assert (agent.project / "log.txt").read_text() == "first\nsecond\n"
    assert [e.id for e in of_type(events, ev.ToolResultEvent)] == ["a", "b"]
    results = sent(agent.server, 1)[2:]
    assert [(m["role"], m["tool_call_id"]) for m in results] == [("tool", "a"), ("tool", "b")]
    assert "first\nsecond" in results[1]["content"]


def test_arguments_that_do_not_parse_are_reported_and_the_tool_does_not_run(agent):
    agent.server.enqueue(tool_calls([call("bash", '{"command": "touch ran.txt"', id="c1")]),
                         text("sorry"))
    end, events = agent.run("go")
    assert not (agent.project / "ran.txt").exists()
    assert not of_type(events, ev.ToolExecutionStart)
    [result] = of_type(events, ev.ToolResultEvent)
    assert result.is_error and result.blocked
    tool_msg = sent(agent.server, 1)[2]
    assert tool_msg["tool_call_id"] == "c1"
    assert "not valid JSON" in tool_msg["content"] and "bash" in tool_msg["content"]
    assert end.answer == "sorry"


def test_an_unknown_tool_gets_an_error_listing_the_tools(agent):
    agent.server.enqueue(tool_calls([call("delete_everything", {}, id="c1")]), text("ok"))
    agent.run("go")
    content = sent(agent.server, 1)[2]["content"]
    assert "There is no tool `delete_everything`" in content
    for name in ("bash", "edit", "find", "grep", "ls", "read", "write"):
        assert name in content


def test_arguments_failing_the_schema_are_rejected_before_the_tool_runs(agent):
    agent.server.enqueue(tool_calls([call("bash", {"command": "touch ran.txt", "sudo": True}, id="c1"),
                                     call("write", {"path": "x.txt"}, id="c2")]),
                         text("ok"))
    _, events = agent.run("go")
    assert not (agent.project / "ran.txt").exists() and not (agent.project / "x.txt").exists()
    assert not of_type(events, ev.ToolExecutionStart)
    bad_extra, bad_missing = (m["content"] for m in sent(agent.server, 1)[2:])
    assert bad_extra.startswith("Invalid arguments for bash") and "sudo" in bad_extra
    assert bad_missing.startswith("Invalid arguments for write") and "content" in bad_missing


def test_max_steps_stops_a_model_that_keeps_calling_tools(agent):
    agent.server.enqueue(*[tool_calls([call("ls", {}, id=f"c{i}")]) for i in range(3)])
    end, events = agent.run("loop forever", agent.state(max_steps=1))
    assert end.stop_reason == "max_steps"
    assert len(agent.server.requests) == 1
    assert len(of_type(events, ev.ToolResultEvent)) == 1   # the call that was made still got its result


def test_a_server_error_is_retried_and_the_run_succeeds(agent):
    agent.server.enqueue(error(500, "overloaded"), text("recovered"))
    end, _ = agent.run("hi")
    assert (end.answer, end.stop_reason) == ("recovered", "stop")
    assert len(agent.server.requests) == 2


def test_a_persistent_auth_error_ends_the_run_with_its_message(agent):
    agent.server.enqueue(error(401, "Incorrect API key provided"))
    end, events = agent.run("hi")
    assert end.stop_reason == "error"
    assert "Incorrect API key provided" in end.error
    assert types(events)[-2:] == ["turn_end", "agent_end"]


def test_a_stalled_stream_ends_with_an_error_instead_of_hanging(agent):
    agent.server.enqueue(stall(after_chunks=1, seconds=30))
    started = time.monotonic()
    end, events = agent.run("hi", agent.state(agent.model(idle_timeout=0.5)))
    assert time.monotonic() - started < 10
    assert end.stop_reason == "error"
    # "stopped sending" mid-stream; on a very busy machine the request itself may already time out
    assert "stopped sending for 0.5s" in end.error or "no response from openai/fake within 0.5s" in end.error
    assert events[-1] is end


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except OSError:
        return False


def test_cancel_during_a_long_bash_call_kills_it_and_skips_the_rest(agent):
    calls = [call("bash", {"command": "echo $$ > pid.txt; sleep 30; touch finished.txt"}, id="long"),
             call("bash", {"command": "touch second.txt"}, id="next"),
             call("write", {"path": "third.txt", "content": "x"}, id="last")]
    agent.server.enqueue(tool_calls(calls), text("never asked"))
    started = time.monotonic()
    pid_file = agent.project / "pid.txt"
    end, events = agent.run("go", (state := agent.state()), cancel_after=0.5,
                            cancel_when=lambda: pid_file.exists() and pid_file.read_text().strip() != "")
    assert time.monotonic() - started < 10
    assert end.stop_reason == "cancelled"
    pid = int(pid_file.read_text())
    assert not _alive(pid)
    for name in ("finished.txt", "second.txt", "third.txt"):
        assert not (agent.project / name).exists()
    assert len(agent.server.requests) == 1
    results = {m["tool_call_id"]: m["content"] for m in state.messages if m["role"] == "tool"}
    assert "cancelled" in results["long"]
    assert "cancelled" in results["next"] and "cancelled" in results["last"]
    assert [e.id for e in of_type(events, ev.ToolResultEvent)] == ["long", "next", "last"]


def test_a_session_records_every_message_of_the_run(agent):
    (agent.project / "a.txt").write_text("alpha\n")
    agent.server.enqueue(tool_calls([call("read", {"path": "a.txt"}, id="c1")], usage=usage(30, 5)),
                         text("alpha it is", usage=usage(40, 3)))
    writer = SessionWriter.create(agent.project, agent.project, "openai/fake")
    try:
        agent.run("read a.txt", agent.state(session=writer))
    finally:
        writer.close()
    loaded = load_session(writer.path)
    assert [m["role"] for m in loaded.messages] == ["user", "assistant", "tool", "assistant"]
    assert loaded.messages[-1]["content"] == "alpha it is"
    assert (loaded.usage["input_tokens"], loaded.usage["output_tokens"]) == (70, 8)
    assert not loaded.warnings and not loaded.repairs
    decisions = [json.loads(line) for line in writer.path.read_text().splitlines()
                 if json.loads(line)["type"] == "decision"]
    assert [(d["tool"], d["decision"]) for d in decisions] == [("read", "allow")]


def test_a_second_prompt_continues_the_same_conversation(agent):
    agent.server.enqueue(text("first answer"), text("second answer"))
    state = agent.state()
    agent.run("one", state)
    end, _ = agent.run("two", state)
    assert end.answer == "second answer"
    assert sent(agent.server, 1) == [{"role": "user", "content": "one"},
                                     {"role": "assistant", "content": "first answer"},
                                     {"role": "user", "content": "two"}]


def test_the_model_can_write_then_read_back_a_file(agent, tmp_path: Path):
    agent.server.enqueue(tool_calls([call("write", {"path": "sub/new.py", "content": "print(1)\n"}, id="w")]),
                         tool_calls([call("bash", {"command": "python3 sub/new.py"}, id="b")]),
                         text("prints 1"))
    end, _ = agent.run("make it")
    assert (agent.project / "sub" / "new.py").read_text() == "print(1)\n"
    out = sent(agent.server, 2)[-1]["content"]
    assert out.splitlines()[0] == "1" and "exit code 0" in out
    assert end.answer == "prints 1"
    assert os.getcwd() != str(agent.project)  # tools run in the project, not by changing our cwd


def test_an_empty_reply_is_not_sent_back_to_the_model(agent):
    # OpenAI rejects an assistant message with neither content nor tool calls: one empty reply
    # must not make every later request in the session fail
    agent.server.enqueue(text(""), text("second answer"))
    state = agent.state()
    end, _ = agent.run("one", state)
    assert (end.answer, end.stop_reason) == ("", "stop")
    agent.run("two", state)
    assert sent(agent.server, 1) == [{"role": "user", "content": "one"}, {"role": "user", "content": "two"}]
    assert [m["role"] for m in state.messages] == ["user", "assistant", "user", "assistant"]


def test_a_tool_that_crashes_becomes_an_error_result_and_the_run_goes_on(agent):
    async def explode(args, ctx):
        raise KeyError("boom")

    state = agent.state()
    state.tools["explode"] = FunctionTool("explode", "Always fails", {"type": "object"}, explode)
    agent.server.enqueue(tool_calls([call("explode", {}, id="x")]), text("it failed"))
    end, events = agent.run("try it", state)
    assert (end.answer, end.stop_reason) == ("it failed", "stop")
    content = sent(agent.server, 1)[-1]["content"]
    assert "explode tool failed" in content and "KeyError" in content and "boom" in content
    [result] = of_type(events, ev.ToolResultEvent)
    assert result.is_error and not result.blocked


def test_anthropic_thinking_is_sent_back_with_the_tool_calls_it_led_to(agent):
    from tests.fakellm import chunks
    from zot.llm import ModelConfig

    model = ModelConfig("anthropic/claude-sonnet-4-5", api_base=agent.server.anthropic_url, api_key="test",
                        reasoning="medium", idle_timeout=10.0)
    agent.server.enqueue(
        chunks([{"thinking": "the user wants the folder listed"},
                {"tool_calls": [{"index": 1, "id": "toolu_1", "type": "function",
                                 "function": {"name": "ls", "arguments": "{}"}}]}], finish_reason="tool_calls"),
        text("Listed."))
    end, _ = agent.run("list it", agent.state(model))
    assert end.answer == "Listed."
    first, second = agent.server.requests
    assert first["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assistant = second["messages"][1]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0] == {"type": "thinking", "thinking": "the user wants the folder listed",
                                       "signature": "sig-0"}
    assert assistant["content"][1]["type"] == "tool_use"
