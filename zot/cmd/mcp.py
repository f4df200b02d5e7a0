"""`zot mcp list|tools NAME|logs NAME`: the MCP servers the extensions here declare.

`list` and `tools` start the servers (all at once) to ask them, as `claude mcp list` does, and
stop them again; the listing is cached like a session's. A project's servers wait for
`zot trust` here too: they are listed, not started.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from zot.config import UserError, find_project_root


def run(args: argparse.Namespace) -> int:
    return {"list": list_servers, "tools": tools, "logs": logs}[args.action](args)


def _declared(args: argparse.Namespace) -> tuple[list, list[tuple[str, str]]]:
    """The specs of loaded extensions, and (ext, server) of those waiting for trust."""
    from zot.ext.loader import load_extensions
    from zot.ext.mcp.spec import specs_of

    project = find_project_root()
    cli = tuple(Path(p).expanduser().resolve() for p in getattr(args, "ext", None) or [])
    specs, waiting = [], []
    for ext in load_extensions(project, cli):
        servers = ext.data.get("mcp")
        if not isinstance(servers, dict) or ext.alias:
            continue
        if ext.state == "loaded":
            specs += specs_of(ext.name, ext.found.path.parent.resolve(), ext.data, project, ext.found.scope)
        elif ext.state == "restricted":
            waiting += [(ext.name, str(name)) for name in servers]
    return specs, waiting


def _ask(specs: list) -> list[Any]:
    """Start the servers, let them list their tools, stop them; returns the servers."""
    from zot.ext.mcp.host import McpHost

    host = McpHost(specs, {}, "startup")
    host.attach(lambda level, text, source: print(f"zot: {level}: {text}", file=sys.stderr))

    async def main() -> None:
        try:
            await host.start()
        finally:
            tools = {id(s): dict(s.tools) for s in host.servers}
            states = {id(s): s.status for s in host.servers}
            await host.shutdown()
            for server in host.servers:      # as they were before the stop, for the report
                server.tools, server.status = tools[id(server)], states[id(server)]

    asyncio.run(main())
    return host.servers


def _row(server: Any) -> dict[str, Any]:
    spec = server.spec
    return {"name": spec.name, "extension": spec.ext, "transport": spec.transport, "target": spec.label,
            "status": server.status, "reason": server.reason, "tools": sorted(server.tools)}


def list_servers(args: argparse.Namespace) -> int:
    from zot.ext.mcp.status import live_line

    specs, waiting = _declared(args)
    servers = sorted(_ask(specs) if specs else [], key=lambda s: (s.spec.ext, s.name))
    if args.format == "json":
        rows = [_row(s) for s in servers] + [{"name": n, "extension": e, "status": "waits for trust"}
                                             for e, n in waiting]
        print(json.dumps(rows, indent=2))
        return 0
    if not servers and not waiting:
        print("no MCP servers here: declare one under `mcp:` in an extension.yaml, or import a .mcp.json "
              "with `zot ext import-mcp` (docs/mcp.md)")
        return 0
    for server in servers:
        print(f"{live_line(server)}  [{server.spec.ext}]  {server.spec.transport}: {server.spec.label}")
    for ext, name in waiting:
        print(f"mcp {name}: waits for `zot trust` (a project's server is a program that runs)  [{ext}]")
    return 1 if any(s.status == "failed" for s in servers) else 0


def _find(specs: list, name: str) -> Any:
    found = [s for s in specs if name in (s.name, s.key)]
    if len(found) == 1:
        return found[0]
    if found:
        raise UserError(f"`{name}` names servers of several extensions: " + ", ".join(s.key for s in found),
                        "give EXTENSION/SERVER", code=2)
    from zot.diagnostics import did_you_mean

    names = [s.name for s in specs]
    raise UserError(f"no MCP server `{name}` here", did_you_mean(name, names) + "see `zot mcp list`", code=2)


def tools(args: argparse.Namespace) -> int:
    specs, _ = _declared(args)
    [server] = _ask([_find(specs, args.name)])
    if server.status == "failed":
        return 1
    listed = sorted(server.tools.values(), key=lambda t: t.name)
    if args.format == "json":
        print(json.dumps([{"name": t.name, "server_name": t.remote, "description": t.description,
                           "parameters": t.parameters} for t in listed], indent=2))
        return 0
    for tool in listed:
        first = tool.description.strip().splitlines()[0] if tool.description.strip() else ""
        print(f"{tool.name}  {first}")
        props = tool.parameters.get("properties") or {}
        required = set(tool.parameters.get("required") or [])
        for arg, schema in props.items():
            kind = schema.get("type", "any") if isinstance(schema, dict) else "any"
            print(f"    {arg}: {kind}{' (required)' if arg in required else ''}")
    if not listed:
        print(f"MCP server {server.name} offers no tools (check `tools: include/exclude` in its entry)")
    return 0


def logs(args: argparse.Namespace) -> int:
    from zot.ext.mcp.server import log_path

    specs, _ = _declared(args)
    path = log_path(_find(specs, args.name))
    if not path.exists():
        raise UserError(f"no log for MCP server {args.name} yet ({path})", "it is written when zot starts the server")
    sys.stdout.write(path.read_text(encoding="utf-8", errors="replace"))
    return 0


def import_mcp(args: argparse.Namespace) -> int:
    """`zot ext import-mcp FILE`: write an extension.yaml with the file's servers, then validate it."""
    import re

    from zot.config import shipped_dir, zot_home
    from zot.ext.mcp.importer import convert, manifest_text
    from zot.ext.validate import validate_paths

    source = Path(args.file)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror or exc}", "give the path of a .mcp.json", code=2)
    except ValueError as exc:
        raise UserError(f"{source} is not JSON: {exc}", "fix the file, or give the .mcp.json of your project",
                        code=2) from None
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", args.name):
        raise UserError(f"`{args.name}` is not a valid extension name",
                        "use lowercase letters, digits, - and _, starting with a letter", code=2)
    project = find_project_root()
    base = Path(args.dir) if args.dir else zot_home() / "extensions" if args.global_scope else project / ".zot" / "extensions"
    folder = (base / args.name).resolve()
    target = folder / "extension.yaml"
    if target.exists() and not args.force:
        raise UserError(f"{target} already exists", "choose another --name, or pass --force to replace it")
    imported = convert(data, project, folder)
    if not imported.servers:
        for note in imported.notes:
            print(f"note: {note}")
        raise UserError(f"{source} declares no server zot can import",
                        "it needs `mcpServers` with entries that have a `command` or a streamable HTTP `url`")
    folder.mkdir(parents=True, exist_ok=True)
    schema = (shipped_dir("schemas") / "extension.schema.json").resolve()
    target.write_text(manifest_text(args.name, str(source), imported, str(schema)), encoding="utf-8")
    print(f"wrote {target}: {', '.join(imported.servers)}")
    for note in imported.notes:
        print(f"note: {note}")
    report = validate_paths([target])
    for diag in report.diagnostics:
        print(f"{diag.file}:{diag.line}:{diag.column}: {diag.severity}: {diag.message}")
    if not args.dir and not args.global_scope:
        print("the project's servers start once you trust it: run `zot trust`, then `zot mcp list`")
    else:
        print("check the servers with `zot mcp list`")
    return 1 if report.errors else 0
