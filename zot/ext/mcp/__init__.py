"""MCP servers declared in a manifest's `mcp:` section (docs/mcp.md).

One module per job:

- `spec`      what a declared server is: command or URL, env allowlist, limits, tool names
- `names`     the names the model sees (`SERVER__TOOL`) and the include/exclude filter
- `client`    the only module that imports the `mcp` SDK (lazily): one live connection
- `results`   an MCP tool result (text, images, structured content) as zot's ToolResult
- `server`    one declared server across a session: start, tools, calls, failure (reported once)
- `host`      every server of a session, started in parallel or lazily, on the live tool dict
- `cache`     the last tool listing of each server, so validation and lazy start know the tools
- `status`    one line per server, for `zot ext list`, `/ext` and `zot mcp list`
- `importer`  `.mcp.json` (Claude Code, Cursor) as an extension.yaml

MCP tools are ordinary tools in the session's tool dict, so every call goes through the one
tool-call path (zot.agent.toolpath: rewrite, guard, confirm, execute, transform) and the decision
log; nothing here decides about a call. Nothing here imports the agent loop.
"""
