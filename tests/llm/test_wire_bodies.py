"""What zot's own client sends: OpenAI bodies as zot holds the messages, Anthropic bodies
translated (system, tool_use / tool_result, images, alternating turns, cache breakpoints), both
built from JSON cached per message."""
from __future__ import annotations

import json

import pytest

from zot.llm import ModelConfig
from zot.llm.wire import anthropic, openai
from zot.llm.wire.body import MessageCache, dumps

CALL = {"id": "c1", "type": "function", "function": {"name": "read", "arguments": '{"path": "a.py"}'}}
EPHEMERAL = {"type": "ephemeral"}


def anthropic_body(messages, tools=None, **kw) -> dict:
    return json.loads(anthropic.build_body(ModelConfig("anthropic/claude-sonnet-4-5", **kw), messages, tools, {}))


@pytest.mark.parametrize("messages,expected", [
    pytest.param([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
                 [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": EPHEMERAL}]}],
                 id="system-goes-to-the-top"),
    pytest.param([{"role": "user", "content": "read a.py"},
                  {"role": "assistant", "content": "Reading.", "tool_calls": [CALL]},
                  {"role": "tool", "tool_call_id": "c1", "content": "print(1)"},
                  {"role": "user", "content": "and now?"}],
                 [{"role": "user", "content": [{"type": "text", "text": "read a.py"}]},
                  {"role": "assistant", "content": [
                      {"type": "text", "text": "Reading."},
                      {"type": "tool_use", "id": "c1", "name": "read", "input": {"path": "a.py"}}]},
                  {"role": "user", "content": [
                      {"type": "tool_result", "tool_use_id": "c1", "content": "print(1)"},
                      {"type": "text", "text": "and now?", "cache_control": EPHEMERAL}]}],
                 id="tool-use-and-result-in-alternating-turns"),
    pytest.param([{"role": "assistant", "content": "Hello."}, {"role": "user", "content": "hi"}],
                 [{"role": "user", "content": [{"type": "text", "text": "."}]},
                  {"role": "assistant", "content": [{"type": "text", "text": "Hello."}]},
                  {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": EPHEMERAL}]}],
                 id="the-user-speaks-first"),
    pytest.param([{"role": "user", "content": [
                     {"type": "text", "text": "see"}, {"type": "text", "text": ""},
                     {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}},
                     {"type": "image_url", "image_url": "https://example.invalid/a.jpg"}]}],
                 [{"role": "user", "content": [
                     {"type": "text", "text": "see"},
                     {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}},
                     {"type": "image", "source": {"type": "url", "url": "https://example.invalid/a.jpg"},
                      "cache_control": EPHEMERAL}]}],
                 id="images-and-no-empty-text"),
    pytest.param([{"role": "user", "content": "q"},
                  {"role": "assistant", "content": None, "tool_calls": [
                      CALL, dict(CALL, id="c2", function={"name": "ls", "arguments": "not json"})]},
                  {"role": "tool", "tool_call_id": "c1", "content": ""},
                  {"role": "tool", "tool_call_id": "c2", "content": "x"}],
                 [{"role": "user", "content": [{"type": "text", "text": "q"}]},
                  {"role": "assistant", "content": [
                      {"type": "tool_use", "id": "c1", "name": "read", "input": {"path": "a.py"}},
                      {"type": "tool_use", "id": "c2", "name": "ls", "input": {}}]},
                  {"role": "user", "content": [
                      {"type": "tool_result", "tool_use_id": "c1"},
                      {"type": "tool_result", "tool_use_id": "c2", "content": "x", "cache_control": EPHEMERAL}]}],
                 id="parallel-calls-merged-results"),
])
def test_anthropic_messages(messages, expected):
    assert anthropic_body(messages)["messages"] == expected


def test_anthropic_body_system_tools_and_limits():
    tools = [{"type": "function", "function": {"name": "read", "description": "Read a file",
                                               "parameters": {"type": "object"}}}]
    body = anthropic_body([{"role": "system", "content": "A"}, {"role": "system", "content": "B"},
                           {"role": "user", "content": "hi"}], tools)
    assert body["system"] == [{"type": "text", "text": "A"},
                              {"type": "text", "text": "B", "cache_control": EPHEMERAL}]
    assert body["tools"] == [{"name": "read", "description": "Read a file", "input_schema": {"type": "object"}}]
    assert (body["model"], body["stream"], body["max_tokens"]) == ("claude-sonnet-4-5", True, 64000)


def test_anthropic_url_follows_litellm():
    assert anthropic.url(ModelConfig("anthropic/x")) == "https://api.anthropic.com/v1/messages"
    assert anthropic.url(ModelConfig("anthropic/x", api_base="http://h:1/")) == "http://h:1/v1/messages"
    assert anthropic.url(ModelConfig("anthropic/x", api_base="http://h:1/v1/messages")) == "http://h:1/v1/messages"


def test_openai_body_is_the_messages_as_held():
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "ünï \ud800"},
                {"role": "assistant", "content": None, "tool_calls": [CALL]}]
    body = json.loads(openai.build_body(ModelConfig("openai/gpt-4o"), messages, None, {"temperature": 0}))
    assert body == {"messages": messages, "temperature": 0, "model": "gpt-4o", "stream": True,
                    "stream_options": {"include_usage": True}}


def test_each_message_is_encoded_once_and_a_changed_one_again():
    encoded: list[str] = []
    cache = MessageCache(lambda m: encoded.append(m["content"]) or dumps(m))
    history = [{"role": "user", "content": f"m{i}"} for i in range(3)]
    cache.all(history)
    history.append({"role": "assistant", "content": "m3"})
    cache.all(history)
    assert encoded == ["m0", "m1", "m2", "m3"]          # the second turn encoded only the new one
    history[1]["content"] = "changed"
    history[2]["name"] = "x"
    assert [json.loads(b) for b in cache.all(history)] == history
    assert encoded[4:] == ["changed", "m2"]


@pytest.mark.parametrize("model,level,sent", [
    ("openai/gpt-5", "high", "high"),
    ("openai/gpt-4o", "high", None),            # the map says gpt-4o does not reason: not sent
    ("openai/gpt-5", None, None),
])
def test_reasoning_effort_goes_to_models_that_reason(model, level, sent):
    body = json.loads(openai.build_body(ModelConfig(model, reasoning=level), [{"role": "user", "content": "x"}],
                                        None, {}))
    assert body.get("reasoning_effort") == sent


@pytest.mark.parametrize("model,level,budget", [
    ("anthropic/claude-sonnet-4-5", "low", 1024),
    ("anthropic/claude-sonnet-4-5", "high", 4096),
    ("anthropic/claude-3-5-haiku-20241022", "high", None),
])
def test_reasoning_is_an_anthropic_thinking_budget(model, level, budget):
    cfg = ModelConfig(model, reasoning=level)
    body = json.loads(anthropic.build_body(cfg, [{"role": "user", "content": "x"}], None, {"temperature": 0.5}))
    if budget is None:
        assert "thinking" not in body and body["temperature"] == 0.5
    else:
        assert body["thinking"] == {"type": "enabled", "budget_tokens": budget}
        assert "temperature" not in body and body["max_tokens"] > budget


def test_thinking_blocks_go_back_to_anthropic_but_not_to_openai():
    thinking = {"type": "thinking", "thinking": "let me see", "signature": "sig-0"}
    history = [{"role": "user", "content": "q"},
               {"role": "assistant", "content": None, "tool_calls": [CALL], "thinking_blocks": [thinking]},
               {"role": "tool", "tool_call_id": "c1", "content": "r"}]
    assert anthropic_body(history)["messages"][1]["content"][0] == thinking
    sent = json.loads(openai.build_body(ModelConfig("openai/gpt-4o"), history, None, {}))["messages"]
    assert "thinking_blocks" not in sent[1] and sent[1]["tool_calls"] == [CALL]
