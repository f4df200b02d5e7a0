"""The fake server itself, spoken to with plain httpx (no litellm)."""
from __future__ import annotations

import json

import httpx

from tests.fakellm import call, error, llm_server, text, tool_calls, usage  # noqa: F401


def test_non_streamed_reply_merges_the_chunks(llm_server):
    llm_server.enqueue(tool_calls([call("read", {"path": "a"}, id="c1")], content="Looking.",
                                  pieces=4, usage=usage(3, 4)))
    r = httpx.post(llm_server.url + "/chat/completions", json={"model": "m", "messages": []})
    assert r.status_code == 200
    body = r.json()
    message = body["choices"][0]["message"]
    assert message["content"] == "Looking."
    assert message["tool_calls"] == [{"id": "c1", "type": "function",
                                      "function": {"name": "read", "arguments": '{"path": "a"}'}}]
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    assert body["usage"]["completion_tokens"] == 4


def test_streamed_reply_is_sse_ending_with_done(llm_server):
    llm_server.enqueue(text("abc", chunks=3, usage=usage(1, 2, cached=1)))
    with httpx.stream("POST", llm_server.url.removesuffix("/v1") + "/chat/completions",
                      json={"model": "m", "stream": True, "stream_options": {"include_usage": True}}) as r:
        lines = [line for line in r.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    events = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    content = "".join(e["choices"][0]["delta"].get("content") or "" for e in events if e["choices"])
    assert content == "abc"
    assert events[-2]["choices"][0]["finish_reason"] == "stop"
    assert events[-1]["choices"] == [] and events[-1]["usage"]["prompt_tokens_details"] == {"cached_tokens": 1}


def test_empty_queue_is_a_clear_500(llm_server):
    r = httpx.post(llm_server.url + "/chat/completions", json={"model": "m"})
    assert r.status_code == 500
    assert "no scripted response left for request #1" in r.json()["error"]["message"]


def test_error_reply_and_recorded_requests(llm_server):
    llm_server.enqueue(error(400, "This model's maximum context length is 10 tokens"))
    r = httpx.post(llm_server.url + "/chat/completions", json={"model": "m", "messages": [{"x": 1}]})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "context_length_exceeded"
    assert llm_server.requests == [{"model": "m", "messages": [{"x": 1}]}]


def test_unknown_route_is_404(llm_server):
    assert httpx.post(llm_server.url + "/embeddings", json={}).status_code == 404
