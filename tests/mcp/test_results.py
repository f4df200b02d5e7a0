"""What a server returns reaches the model: text, images (after the tool results) and
structured content; the server gets only the environment it was allowed."""
from __future__ import annotations

import pytest

from tests.declarative.conftest import tool_message
from tests.fakellm import call, text, tool_calls
from tests.mcp.conftest import stdio_entry
from zot.ext.mcp.results import to_tool_result


def test_an_image_reaches_the_model_after_the_tool_results(zot, mcp_ext):
    folder, _ = mcp_ext()
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__picture", {}, id="t1"), call("demo__echo", {"text": "x"}, id="t2")]), text("a dot")])
    assert tool_message(run.requests[1], "t1") == "[image image/png, 70 bytes]"
    messages = run.requests[1]["messages"]
    assert [m["role"] for m in messages[-3:]] == ["tool", "tool", "user"]
    parts = messages[-1]["content"]
    assert parts[0] == {"type": "text", "text": "[the image returned by the demo__picture tool call]"}
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,iVBORw0KGgo")


def test_structured_results_reach_the_model(zot, mcp_ext):
    folder, _ = mcp_ext()
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("demo__weather", {"city": "Oslo"}, id="t1")]),
                                                      text("mild")])
    assert tool_message(run.requests[1], "t1") == '{\n  "city": "Oslo",\n  "celsius": 21\n}'


@pytest.mark.parametrize("wire, content, error", [
    ({"content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}, "a\nb", False),
    ({"content": [], "structuredContent": {"n": 1}}, '{\n  "n": 1\n}', False),
    ({"content": [{"type": "text", "text": "1"}], "structuredContent": {"result": 1}}, "1", False),
    ({"content": [{"type": "text", "text": "no such file"}], "isError": True}, "no such file", True),
    ({"content": [{"type": "resource", "resource": {"uri": "file:///a", "text": "inside"}}]}, "inside", False),
    ({"content": [{"type": "resource", "resource": {"uri": "file:///b", "blob": "AAAA", "mimeType": "x/y"}}]},
     "[resource file:///b (x/y), 3 bytes, not shown to the model]", False),
    ({"content": [{"type": "resource_link", "uri": "file:///c", "name": "c"}]}, "[resource link file:///c: c]", False),
    ({"content": [{"type": "audio", "data": "AAAA", "mimeType": "audio/wav"}]},
     "[audio audio/wav, 3 bytes, not shown to the model]", False),
    ({"content": []}, "(the tool returned nothing)", False),
])
def test_result_shapes(wire, content, error):
    result = to_tool_result(wire)
    assert (result.content, result.is_error) == (content, error)


def test_a_huge_result_is_cut():
    result = to_tool_result({"content": [{"type": "text", "text": "x" * 100_050}]})
    assert result.content.endswith("\n[... 50 more characters cut by zot]")


def test_the_server_sees_only_the_environment_it_was_allowed(zot, mcp_ext, monkeypatch):
    monkeypatch.setenv("ZOT_TEST_PASSED", "passed-through")
    monkeypatch.setenv("ZOT_TEST_HIDDEN", "hidden")
    monkeypatch.setenv("ZOT_TEST_SOURCE", "renamed")
    entry = stdio_entry()
    entry["env"] += ["ZOT_TEST_PASSED", "ZOT_TEST_RENAMED=${ZOT_TEST_SOURCE}", "ZOT_TEST_FIXED=1"]
    folder, _ = mcp_ext(servers={"demo": entry})
    names = ["ZOT_TEST_PASSED", "ZOT_TEST_HIDDEN", "ZOT_TEST_RENAMED", "ZOT_TEST_FIXED"]
    run = zot("--json", "-e", folder, "go", replies=[
        tool_calls([call("demo__env", {"name": n}, id=n) for n in names]), text("ok")])
    seen = {n: tool_message(run.requests[1], n) for n in names}
    assert seen == {"ZOT_TEST_PASSED": "passed-through", "ZOT_TEST_HIDDEN": "(unset)",
                    "ZOT_TEST_RENAMED": "renamed", "ZOT_TEST_FIXED": "1"}
