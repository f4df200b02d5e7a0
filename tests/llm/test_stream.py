"""`stream_chat` against the local fake OpenAI server: litellm, HTTP and streaming for real."""
from __future__ import annotations

import asyncio
import time

import pytest

from tests.fakellm import (FakeLLMServer, Reply, call, drop, error, llm_server, stall,  # noqa: F401
                           text, tool_calls, usage)
from zot.llm import Completion, LLMError, ModelConfig, Usage, stream_chat

USER = [{"role": "user", "content": "hi"}]
READ_TOOL = [{"type": "function", "function": {
    "name": "read", "description": "Read a file",
    "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}}]


def config(server: FakeLLMServer, **kw) -> ModelConfig:
    kw.setdefault("idle_timeout", 5.0)
    kw.setdefault("retry_base_delay", 0.01)
    return ModelConfig(kw.pop("model", "openai/fake-model"), api_base=server.url, api_key="test", **kw)


def chat(server: FakeLLMServer, messages=USER, tools=None, on_text=None, cancel=None, **kw) -> Completion:
    return asyncio.run(stream_chat(config(server, **kw), messages, tools, on_text=on_text, cancel=cancel))


def failure(server: FakeLLMServer, **kw) -> LLMError:
    with pytest.raises(LLMError) as info:
        chat(server, **kw)
    return info.value


def test_plain_text_is_streamed_piece_by_piece(llm_server):
    llm_server.enqueue(text("Hello, world!", chunks=4))
    pieces: list[str] = []
    result = chat(llm_server, on_text=pieces.append)
    assert result.text == "Hello, world!"
    assert len(pieces) >= 3 and "".join(pieces) == "Hello, world!"
    assert (result.tool_calls, result.stop_reason, result.model) == ([], "stop", "fake-model")


def test_the_request_is_streamed_with_usage_and_tools(llm_server):
    llm_server.enqueue(text("ok"))
    chat(llm_server, tools=READ_TOOL, extra={"temperature": 0.25})
    [body] = llm_server.requests
    assert body["model"] == "fake-model"
    assert body["messages"] == USER
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["tools"][0]["function"]["name"] == "read"
    assert body["temperature"] == 0.25
    assert llm_server.headers[0]["authorization"] == "Bearer test"


def test_no_tools_key_when_there_are_no_tools(llm_server):
    llm_server.enqueue(text("ok"))
    chat(llm_server, tools=[])
    assert "tools" not in llm_server.requests[0]


def test_tool_call_in_many_small_pieces_with_empty_deltas(llm_server):
    args = {"path": "src/zot/main.py", "limit": 200, "note": "ünïcode \"quoted\""}
    llm_server.enqueue(tool_calls([call("read", args, id="call_abc")], pieces=40, empty_deltas=True))
    pieces: list[str] = []
    result = chat(llm_server, tools=READ_TOOL, on_text=pieces.append)
    [tc] = result.tool_calls
    assert (tc.id, tc.name, tc.arguments, tc.error) == ("call_abc", "read", args, None)
    assert result.stop_reason == "tool_calls"
    assert result.text == "" and pieces == []


def test_text_then_tool_call(llm_server):
    llm_server.enqueue(tool_calls([call("read", {"path": "a"})], content="Let me look.", pieces=3))
    result = chat(llm_server, tools=READ_TOOL)
    assert result.text == "Let me look."
    assert [(c.name, c.arguments) for c in result.tool_calls] == [("read", {"path": "a"})]


@pytest.mark.parametrize("interleave", [False, True])
def test_two_parallel_calls(llm_server, interleave):
    llm_server.enqueue(tool_calls([call("read", {"path": "a"}, id="c1"), call("ls", {"dir": "."}, id="c2")],
                                  pieces=5, interleave=interleave))
    result = chat(llm_server, tools=READ_TOOL)
    assert [(c.id, c.name, c.arguments, c.error) for c in result.tool_calls] == [
        ("c1", "read", {"path": "a"}, None), ("c2", "ls", {"dir": "."}, None)]


def test_calls_without_index(llm_server):
    llm_server.enqueue(tool_calls([call("read", {"path": "a"}, id="c1"), call("ls", {}, id="c2")],
                                  pieces=3, omit_index=True))
    result = chat(llm_server, tools=READ_TOOL)
    assert [(c.id, c.name, c.arguments) for c in result.tool_calls] == [
        ("c1", "read", {"path": "a"}), ("c2", "ls", {})]


def test_concatenated_json_is_split_into_calls(llm_server):
    llm_server.enqueue(tool_calls([call("read", '{"path": "a"}{"path": "b"}', id="c1")], pieces=6))
    result = chat(llm_server, tools=READ_TOOL)
    assert [(c.id, c.name, c.arguments, c.error) for c in result.tool_calls] == [
        ("c1", "read", {"path": "a"}, None), ("c1_1", "read", {"path": "b"}, None)]


def test_unparseable_arguments_set_the_error(llm_server):
    llm_server.enqueue(tool_calls([call("read", '{"path": "a.py", ', id="c1")], pieces=4))
    [tc] = chat(llm_server, tools=READ_TOOL).tool_calls
    assert (tc.arguments, tc.raw_arguments) == ({}, '{"path": "a.py", ')
    assert tc.error and "not valid JSON" in tc.error


def test_arguments_cut_off_by_the_output_limit(llm_server):
    llm_server.enqueue(tool_calls([call("write", '{"content": "abc', id="c1")], finish_reason="length"))
    result = chat(llm_server, tools=READ_TOOL)
    assert result.stop_reason == "length"
    assert "output token limit" in result.tool_calls[0].error


def test_usage_in_the_last_chunk_reaches_the_completion(llm_server):
    llm_server.enqueue(text("hi", usage=usage(prompt=120, completion=7, cached=100)))
    assert chat(llm_server).usage == Usage(input_tokens=120, output_tokens=7, cache_read_tokens=100,
                                           cache_write_tokens=0, cost=None)


def test_usage_on_the_finish_chunk(llm_server):
    reply = text("hi", usage=usage(prompt=50, completion=5))
    reply.usage_on_finish_chunk = True
    llm_server.enqueue(reply)
    u = chat(llm_server).usage
    assert (u.input_tokens, u.output_tokens) == (50, 5)


def test_cost_comes_from_the_bundled_price_map(llm_server):
    llm_server.enqueue(text("hi", usage=usage(prompt=1000, completion=100, cached=400)))
    u = chat(llm_server, model="openai/gpt-4o").usage
    # gpt-4o in litellm's bundled map: $2.50/M input, $1.25/M cached input, $10/M output
    assert u.cost == pytest.approx(600 * 2.5e-6 + 400 * 1.25e-6 + 100 * 1e-5)


def test_callable_reply_sees_the_request(llm_server):
    llm_server.enqueue(lambda body: text("you said " + body["messages"][-1]["content"], chunks=2))
    assert chat(llm_server, messages=[{"role": "user", "content": "ping"}]).text == "you said ping"


# --------------------------------------------------------------------------- failures and retries


@pytest.mark.parametrize("first", [
    pytest.param(error(500, "boom"), id="500"),
    pytest.param(error(502, "bad gateway"), id="502"),
    pytest.param(error(503, "overloaded"), id="503"),
    pytest.param(error(429, "slow down"), id="429"),
    pytest.param(drop(0), id="connection-reset"),
])
def test_retried_then_succeeds(llm_server, first):
    llm_server.enqueue(first, text("recovered", chunks=2))
    pieces: list[str] = []
    assert chat(llm_server, on_text=pieces.append).text == "recovered"
    assert len(llm_server.requests) == 2
    assert "".join(pieces) == "recovered"


def test_retries_give_up_after_max_retries(llm_server):
    llm_server.enqueue(*[error(500, "still down")] * 5)
    err = failure(llm_server, max_retries=2)
    assert (err.kind, err.status, err.retryable) == ("server", 500, True)
    assert "still down" in err.message
    assert len(llm_server.requests) == 3


def test_retry_waits_as_long_as_retry_after_says(llm_server):
    llm_server.enqueue(error(429, "slow down", headers={"Retry-After": "0.4"}), text("ok"))
    start = time.monotonic()
    assert chat(llm_server).text == "ok"
    assert time.monotonic() - start >= 0.4


def test_no_retry_once_something_was_streamed(llm_server):
    llm_server.enqueue(drop(after_chunks=2, content="partial answer"), text("never"))
    pieces: list[str] = []
    err = failure(llm_server, on_text=pieces.append)
    assert err.kind == "connection"
    assert len(llm_server.requests) == 1
    assert pieces  # the user saw text, so repeating the request would repeat it


def test_connection_refused(llm_server):
    port_closed = FakeLLMServer()
    url = port_closed.url
    port_closed.stop()  # never started: nothing listens on its port any more
    cfg = ModelConfig("openai/fake-model", api_base=url, api_key="test", max_retries=1,
                      retry_base_delay=0.01)
    with pytest.raises(LLMError) as info:
        asyncio.run(stream_chat(cfg, USER, None))
    assert info.value.kind == "connection"
    assert info.value.status is None


@pytest.mark.parametrize("reply,kind,retryable", [
    pytest.param(error(400, "This model's maximum context length is 8192 tokens. However, your "
                            "messages resulted in 9000 tokens."), "context_window", False, id="openai-context"),
    pytest.param(error(400, "prompt is too long: 210000 tokens > 200000 maximum", code="invalid"),
                 "context_window", False, id="anthropic-wording"),
    pytest.param(error(401, "Incorrect API key provided"), "auth", False, id="401"),
    pytest.param(error(403, "not allowed"), "auth", False, id="403"),
    pytest.param(error(400, "Invalid value for 'temperature'"), "bad_request", False, id="400"),
    pytest.param(error(404, "The model `nope` does not exist"), "config", False, id="404"),
])
def test_errors_are_classified(llm_server, reply, kind, retryable):
    llm_server.enqueue(reply, text("never"))
    err = failure(llm_server)
    assert (err.kind, err.retryable) == (kind, retryable)
    assert len(llm_server.requests) == 1
    assert "\n" not in err.message and reply.error_body["error"]["message"][:20] in err.message
    assert "litellm" not in err.message.lower() and "OpenAIException" not in err.message


@pytest.mark.parametrize("model,kind,says", [
    ("nonexistent-model-xyz", "config", "LLM Provider NOT provided"),
    ("openai/fake-model", "auth", "OPENAI_API_KEY"),
])
def test_configuration_mistakes_are_not_retried(llm_server, monkeypatch, model, kind, says):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    cfg = ModelConfig(model, api_base=llm_server.url)  # no api_key
    with pytest.raises(LLMError) as info:
        asyncio.run(stream_chat(cfg, USER, None))
    err = info.value
    assert (err.kind, err.retryable, err.status) == (kind, False, 400 if kind == "config" else None)
    assert says in err.message and model in err.message
    assert llm_server.requests == []


def test_a_stall_is_an_error_after_the_idle_timeout(llm_server):
    llm_server.enqueue(stall(after_chunks=1, seconds=30), text("never"))
    pieces: list[str] = []
    start = time.monotonic()
    err = failure(llm_server, idle_timeout=0.5, on_text=pieces.append)
    elapsed = time.monotonic() - start
    assert err.kind == "stalled"
    assert 0.4 <= elapsed < 3
    assert pieces == ["thinking..."] and len(llm_server.requests) == 1


def test_no_response_at_all_is_a_timeout(llm_server):
    llm_server.enqueue(Reply(deltas=[{"content": "late"}], first_byte_delay=30))
    start = time.monotonic()
    err = failure(llm_server, idle_timeout=0.5, max_retries=0)
    assert err.kind == "timeout"
    assert time.monotonic() - start < 3


# --------------------------------------------------------------------------- cancellation


def test_cancel_mid_stream_is_prompt(llm_server):
    llm_server.enqueue(text("a b c d e f g h i j", chunks=10, delay=0.3))
    pieces: list[str] = []
    timing: dict[str, float] = {}

    async def go() -> None:
        cancel = asyncio.Event()

        def on_text(piece: str) -> None:
            pieces.append(piece)
            if len(pieces) == 2:
                timing["set"] = time.monotonic()
                cancel.set()

        with pytest.raises(LLMError) as info:
            await stream_chat(config(llm_server), USER, None, on_text=on_text, cancel=cancel)
        timing["raised"] = time.monotonic()
        assert info.value.kind == "cancelled"

    asyncio.run(go())
    assert len(pieces) == 2
    assert timing["raised"] - timing["set"] < 0.2
    assert len(llm_server.requests) == 1


def test_cancel_while_waiting_for_the_first_chunk(llm_server):
    llm_server.enqueue(stall(after_chunks=0, seconds=30))

    async def go() -> float:
        cancel = asyncio.Event()
        asyncio.get_running_loop().call_later(0.3, cancel.set)
        start = time.monotonic()
        with pytest.raises(LLMError) as info:
            await stream_chat(config(llm_server, idle_timeout=30), USER, None, cancel=cancel)
        assert info.value.kind == "cancelled"
        return time.monotonic() - start

    assert asyncio.run(go()) < 1.5


def test_cancel_during_retry_backoff(llm_server):
    llm_server.enqueue(error(500, "down"), text("never"))

    async def go() -> float:
        cancel = asyncio.Event()
        asyncio.get_running_loop().call_later(0.3, cancel.set)
        start = time.monotonic()
        with pytest.raises(LLMError) as info:
            await stream_chat(config(llm_server, retry_base_delay=20), USER, None, cancel=cancel)
        assert info.value.kind == "cancelled"
        return time.monotonic() - start

    assert asyncio.run(go()) < 1.5
    assert len(llm_server.requests) == 1


def test_cancelling_the_task_itself_propagates(llm_server):
    llm_server.enqueue(stall(after_chunks=1, seconds=30))

    async def go() -> float:
        task = asyncio.ensure_future(stream_chat(config(llm_server, idle_timeout=30), USER, None))
        await asyncio.sleep(0.3)
        start = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - start

    assert asyncio.run(go()) < 1


def test_connection_errors_name_the_api_base():
    cfg = ModelConfig("openai/fake-model", api_base="http://127.0.0.1:9/v1", api_key="test",
                      max_retries=0)
    with pytest.raises(LLMError) as info:
        asyncio.run(stream_chat(cfg, USER, None))
    assert info.value.kind == "connection"
    assert info.value.message.startswith("could not reach the model at http://127.0.0.1:9/v1: ")


def test_already_cancelled_sends_nothing(llm_server):
    cancel = asyncio.Event()
    cancel.set()
    err = failure(llm_server, cancel=cancel)
    assert err.kind == "cancelled" and llm_server.requests == []


def test_litellm_prints_and_logs_nothing(llm_server, capfd):
    llm_server.enqueue(error(500, "a"), error(401, "b"), text("ok"))
    failure(llm_server, max_retries=0)
    failure(llm_server)
    assert chat(llm_server).text == "ok"
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
