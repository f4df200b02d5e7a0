from __future__ import annotations

from jsonschema import Draft202012Validator

from zot.tools import builtin_tools


def test_order_and_fresh_instances():
    tools = builtin_tools()
    assert [t.name for t in tools] == ["read", "write", "edit", "bash", "ls", "grep", "find"]
    assert all(t.source == "builtin" for t in tools)
    assert builtin_tools()[0] is not tools[0]


def _objects(schema):
    if schema.get("type") == "object":
        yield schema
    for sub in schema.get("properties", {}).values():
        yield from _objects(sub)
    if "items" in schema:
        yield from _objects(schema["items"])


def test_schemas_are_strict_and_valid():
    for tool in builtin_tools():
        Draft202012Validator.check_schema(tool.parameters)
        assert len(tool.description) > 100, tool.name
        for obj in _objects(tool.parameters):
            assert obj["additionalProperties"] is False, tool.name
            assert "required" in obj, tool.name
            for name, prop in obj["properties"].items():
                assert "type" in prop and "description" in prop, (tool.name, name)
                if prop["type"] == "integer":
                    assert "minimum" in prop, (tool.name, name)
