"""The agent session every mode drives, in-process against the local fake model: its queue,
abort, commands, session start and end, and the knobs later issues build on."""
from __future__ import annotations

import asyncio

import pytest

from tests.agent.conftest import of_type
from tests.fakellm import stall, text
from zot.agent import events as ev
from zot.agent.agent_session import AgentSession
from zot.agent.options import Options
from zot.agent.slash import CommandResult
from zot.config import Settings, UserError


def make(agent, merge: bool = False, no_session: bool = True, **state_kw) -> tuple[AgentSession, list]:
    opts = Options(model="openai/fake", api_base=agent.server.url, api_key="test", no_session=no_session)
    session = AgentSession(agent.state(**state_kw), Settings(), opts, merge_queued=merge)
    events: list = []
    session.bus.subscribe(events.append)
    return session, events


def users(body) -> list[str]:
    return [m["content"] for m in body["messages"] if m["role"] == "user"]


def slow(words: int = 60) -> object:
    return text("word " * words, chunks=words, delay=0.02)


async def until(check, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_prompts_sent_while_busy_wait_their_turn_and_keep_their_source(agent):
    agent.server.enqueue(slow(), text("second answer"))
    session, events = make(agent)

    async def main():
        first = session.submit("first", "rpc")
        second = session.submit("second", "script")
        assert session.busy and [i.text for i in session.queued] == ["second"]
        return await first.future, await second.future

    one, two = asyncio.run(main())
    assert (one.stop_reason, two.answer) == ("stop", "second answer")
    assert [(e.text, e.source) for e in of_type(events, ev.Input)] == [("first", "rpc"), ("second", "script")]
    assert users(agent.server.requests[1]) == ["first", "second"]


def test_with_merge_the_prompts_that_waited_together_are_one_message(agent):
    agent.server.enqueue(slow(), text("both at once"))
    session, _ = make(agent, merge=True)

    async def main():
        first = session.submit("first")
        rest = [session.submit("second"), session.submit("third")]
        await first.future
        return [await item.future for item in rest]

    second, third = asyncio.run(main())
    assert second is third and second.answer == "both at once"
    assert len(agent.server.requests) == 2 and users(agent.server.requests[1])[-1] == "second\n\nthird"


def test_a_read_only_command_answers_while_a_turn_runs(agent):
    agent.server.enqueue(slow(120))
    session, _ = make(agent)

    async def main():
        turn = session.submit("talk")
        await until(lambda: agent.server.requests)
        helped = await session.send("/help")
        assert not turn.future.done()
        await turn.future
        return helped

    helped = asyncio.run(main())
    assert isinstance(helped, CommandResult) and helped.text.startswith("Commands\n  /help")


def test_abort_stops_what_runs_and_what_waits_still_runs(agent):
    agent.server.enqueue(stall(after_chunks=1, seconds=20), text("after the abort"))
    session, _ = make(agent)

    async def main():
        first = session.submit("first")
        second = session.submit("second")
        await until(lambda: agent.server.requests)
        await asyncio.sleep(0.2)
        assert session.abort() is True
        return await first.future, await second.future

    one, two = asyncio.run(main())
    assert one.stop_reason == "cancelled" and two.answer == "after the abort"
    assert users(agent.server.requests[1]) == ["first", "second"]     # the cut answer is not sent back


def test_take_queued_hands_back_what_waits(agent):
    agent.server.enqueue(slow(30))
    session, _ = make(agent)

    async def main():
        first = session.submit("first")
        later = [session.submit("second"), session.submit("third")]
        taken = session.take_queued()
        await first.future
        await session.idle()
        return taken, [await item.future for item in later]

    taken, results = asyncio.run(main())
    assert [i.text for i in taken] == ["second", "third"] and results == [None, None]
    assert len(agent.server.requests) == 1


def test_one_session_start_and_shutdown_per_session(agent):
    agent.server.enqueue(text("one"), text("two"))
    session, events = make(agent, no_session=False)

    async def main():
        await session.send("hello")
        assert (await session.send("/new")).text == "new session"
        await session.send("again")
        await session.close()

    asyncio.run(main())
    kinds = [e.type for e in events if e.type in ("session_start", "session_shutdown")]
    assert kinds == ["session_start", "session_shutdown", "session_start", "session_shutdown"]
    starts = of_type(events, ev.SessionStart)
    assert starts[0].session_id and starts[0].session_id != starts[1].session_id
    assert users(agent.server.requests[1]) == ["again"]


def test_an_unknown_command_is_a_user_error_that_names_the_commands(agent):
    session, _ = make(agent)
    with pytest.raises(UserError) as caught:
        asyncio.run(session.send("/modle"))
    assert caught.value.code == 2 and caught.value.message == "there is no command /modle"
    assert caught.value.hint.startswith("did you mean /model? ") and "/help lists them" in caught.value.hint
    assert agent.server.requests == []


def test_tools_system_prompt_and_context_apply_to_the_next_turn(agent):
    agent.server.enqueue(text("ok"))
    session, _ = make(agent)
    session.set_active_tools(["read", "nope"])
    session.set_system_prompt("You are terse.")
    session.append_system_prompt("Answer in French.")
    session.add_context("I ran ls: a.txt")
    assert session.active_tools == ["read"]
    asyncio.run(session.send("hello"))
    body = agent.server.requests[0]
    assert [t["function"]["name"] for t in body["tools"]] == ["read"]
    assert body["messages"][0]["content"].startswith("You are terse.\n")
    assert body["messages"][0]["content"].rstrip().endswith("Answer in French.")
    assert users(body) == ["I ran ls: a.txt\n\nhello"]


def test_set_model_announces_the_change_and_refuses_a_bad_name(agent):
    session, events = make(agent)
    assert session.set_model("openai/other") == "openai/other"
    assert of_type(events, ev.ModelChange) == [ev.ModelChange("openai/other", "openai/fake")]
    with pytest.raises(UserError):
        session.set_model("other")
    assert session.snapshot().model == "openai/other"


def test_a_failing_job_fails_its_own_item_and_the_queue_goes_on(agent):
    agent.server.enqueue(text("still fine"))
    session, _ = make(agent)

    async def broken(cancel):
        raise RuntimeError("boom")

    async def main():
        bad = session.submit_job(broken)
        good = session.submit("next")
        with pytest.raises(RuntimeError):
            await bad.future
        return await good.future

    assert asyncio.run(main()).answer == "still fine"
