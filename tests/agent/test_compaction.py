"""Compaction: when the context fills (85% of the window, or the provider says it overflowed),
older turns are summarised, the model continues from the summary, and the session keeps it all."""
from __future__ import annotations

import json

from tests.agent.conftest import of_type
from tests.fakellm import call, error, text, tool_calls, usage
from zot.agent import events as ev
from zot.agent.compaction import SUMMARY_SYSTEM
from zot.agent.session import SUMMARY_PREFIX, SessionWriter, load_session

SUMMARY = "The user asked for one; it was answered."
OVERFLOW = error(400, "This model's maximum context length is 8192 tokens. Please reduce the length "
                      "of the messages.", code="context_length_exceeded")


def is_summary_request(body: dict) -> bool:
    return "tools" not in body and body["messages"][0]["content"] == SUMMARY_SYSTEM


def test_a_full_context_is_summarised_before_the_next_turn(agent):
    state = agent.state(context_window=1000)
    agent.server.enqueue(text("answer one", usage=usage(900, 10)))
    agent.run("question one", state)
    agent.server.enqueue(text(SUMMARY, usage=usage(300, 20)), text("answer two", usage=usage(200, 5)))
    end, events = agent.run("question two", state)

    assert end.answer == "answer two"
    first, summary_req, real = agent.server.requests
    assert is_summary_request(summary_req)
    transcript = summary_req["messages"][1]["content"]
    assert "question one" in transcript and "answer one" in transcript
    assert "question two" not in transcript
    messages = real["messages"]
    assert messages[0]["role"] == "system" and messages[0] == first["messages"][0]
    assert messages[1]["role"] == "user" and messages[1]["content"].startswith(SUMMARY_PREFIX)
    assert SUMMARY in messages[1]["content"]
    assert messages[2:] == [{"role": "user", "content": "question two"}]
    assert [e.reason for e in of_type(events, ev.BeforeCompact)] == ["threshold"]
    assert len(state.messages) == 4          # the full history stays in memory too


def test_below_the_threshold_nothing_is_summarised(agent):
    state = agent.state(context_window=1000)
    agent.server.enqueue(text("a", usage=usage(800, 10)), text("b", usage=usage(820, 10)))
    agent.run("one", state)
    agent.run("two", state)
    assert len(agent.server.requests) == 2
    assert not any(is_summary_request(b) for b in agent.server.requests)


def test_mid_run_compaction_keeps_the_pending_tool_call_with_its_result(agent):
    (agent.project / "a.txt").write_text("alpha\n")
    state = agent.state(context_window=1000)
    agent.server.enqueue(tool_calls([call("read", {"path": "a.txt"}, id="r1")], usage=usage(950, 5)),
                         text(SUMMARY), text("alpha", usage=usage(100, 2)))
    end, _ = agent.run("read a.txt", state)
    assert end.answer == "alpha"
    _, summary_req, real = agent.server.requests
    assert is_summary_request(summary_req)
    roles = [m["role"] for m in real["messages"]]
    assert roles == ["system", "user", "assistant", "tool"]
    assert real["messages"][1]["content"].startswith(SUMMARY_PREFIX)
    assert real["messages"][2]["tool_calls"][0]["id"] == real["messages"][3]["tool_call_id"] == "r1"


def test_a_context_overflow_compacts_and_retries_once(agent):
    writer = SessionWriter.create(agent.project, agent.project, "openai/fake")
    state = agent.state(session=writer)
    try:
        agent.server.enqueue(text("answer one", usage=usage(50, 5)))
        agent.run("question one", state)
        agent.server.enqueue(OVERFLOW, text(SUMMARY), text("answer two"))
        end, events = agent.run("question two", state)
    finally:
        writer.close()

    assert (end.answer, end.stop_reason) == ("answer two", "stop")
    _, overflowed, summary_req, retry = agent.server.requests
    assert overflowed["messages"][1:] == [{"role": "user", "content": "question one"},
                                          {"role": "assistant", "content": "answer one"},
                                          {"role": "user", "content": "question two"}]
    assert is_summary_request(summary_req)
    assert retry["messages"][1]["content"].startswith(SUMMARY_PREFIX)
    assert retry["messages"][2:] == [{"role": "user", "content": "question two"}]
    assert [e.reason for e in of_type(events, ev.BeforeCompact)] == ["overflow"]

    records = [json.loads(line) for line in writer.path.read_text().splitlines()]
    [compaction] = [r for r in records if r["type"] == "compaction"]
    assert compaction["summary"] == SUMMARY and compaction["first_kept"] == 2
    loaded = load_session(writer.path)
    assert [m.get("content") for m in loaded.messages] == ["question one", "answer one", "question two",
                                                           "answer two"]
    # a resumed session shows the model exactly what this run showed it
    assert loaded.context_messages()[:2] == retry["messages"][1:]


def test_an_overflow_with_nothing_to_compact_ends_with_the_error(agent):
    agent.server.enqueue(OVERFLOW)
    end, _ = agent.run("a very long first question")
    assert end.stop_reason == "error"
    assert "context window" in end.error
    assert len(agent.server.requests) == 1


def test_a_second_overflow_after_compacting_is_not_retried_forever(agent):
    state = agent.state()
    agent.server.enqueue(text("answer one"))
    agent.run("question one", state)
    agent.server.enqueue(OVERFLOW, text(SUMMARY), OVERFLOW)
    end, _ = agent.run("question two", state)
    assert end.stop_reason == "error" and "context window" in end.error
    assert len(agent.server.requests) == 4
