"""A tool of an MCP server, as the agent loop sees every tool.

Built from the server's listing (or the manifest's `declared` tools, or the cached listing,
before the server runs). Its `parameters` are the server's `inputSchema`, checked once here: a
schema that is not a valid JSON Schema object keeps the tool out (said once), because the
tool-call path validates every call's arguments against it like any tool's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zot.tools.base import ToolContext, ToolResult

if TYPE_CHECKING:
    from zot.ext.mcp.server import McpServer

MAX_DESCRIPTION = 2000


@dataclass
class McpTool:
    server: "McpServer"
    name: str                   # what the model calls it (`SERVER__TOOL`)
    remote: str                 # what the server calls it
    description: str
    parameters: dict[str, Any]

    @property
    def source(self) -> str:
        spec = self.server.spec
        return f"ext:{spec.ext} (mcp {spec.name}: {spec.label})"

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> ToolResult:
        """Never raises: a server that is down, slow or gone is an error result the model reads."""
        return await self.server.call(self.remote, args, ctx)


def schema_problem(schema: Any) -> str | None:
    """Why an inputSchema cannot be offered, or None."""
    if not isinstance(schema, dict):
        return "its inputSchema is not a JSON object"
    if schema.get("type", "object") != "object":
        return f"its inputSchema has type {schema.get('type')!r}, not 'object'"
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"its inputSchema is not a valid JSON Schema: {exc.message}"
    return None


def make_tools(server: "McpServer", listing: list[dict[str, Any]]) -> tuple[dict[str, McpTool], list[str]]:
    """The offered tools of a listing (include/exclude applied), and a problem line per tool left out."""
    spec = server.spec
    tools: dict[str, McpTool] = {}
    problems: list[str] = []
    for item in listing:
        remote = str(item.get("name") or "")
        if not remote or not spec.wants(remote):
            continue
        schema = item.get("inputSchema")
        if isinstance(schema, dict) and "type" not in schema:
            schema = {"type": "object", **schema}
        problem = schema_problem(schema)
        name = spec.offered(remote)
        if problem is None and name in tools:
            problem = f"its name becomes `{name}`, as `{tools[name].remote}`'s does"
        if problem is not None:
            problems.append(f"the tool `{remote}` is not offered: {problem}")
            continue
        description = str(item.get("description") or item.get("title") or remote)[:MAX_DESCRIPTION]
        tools[name] = McpTool(server, name, remote, description, schema)
    return tools, problems
