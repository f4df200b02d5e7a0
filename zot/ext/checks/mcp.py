"""Checks on a manifest's `mcp:` servers beyond the schema, and the MCP tools validation knows.

Local (`check_mcp`): no literal secret in `env` or a credential header, `${VAR}` written
correctly, declared tool schemas valid, include/exclude patterns that match a declared tool,
a program named by path that exists, offered tool names that do not collide.

Across manifests (`known_mcp_tools`, `unlisted_prefixes`): the offered names of every server
whose tools are known (declared in the manifest, or the cached listing of an earlier run), so a
guard on `SERVER__TOOL` is checked against its arguments; and the prefixes of servers whose
tools are not known, so a guard naming one of them is a warning, not an error. Nothing here
starts a server or imports the MCP SDK.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from zot.diagnostics import Diagnostic, did_you_mean
from zot.ext.checks.sites import mapping, seq
from zot.yamlio import Document

SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)",
                         re.IGNORECASE)
CREDENTIAL_HEADER = re.compile(r"^(authorization|proxy-authorization|cookie)$|token|key|secret|auth",
                               re.IGNORECASE)
BARE_VAR = re.compile(r"(?<![$])[$]([A-Za-z_][A-Za-z0-9_]*)")
BROKEN_VAR = re.compile(r"[$][{](?![A-Za-z_][A-Za-z0-9_]*[}])")


def _servers(m: dict) -> Iterator[tuple[str, dict]]:
    for name, node in mapping(m.get("mcp")).items():
        if isinstance(node, dict):
            yield str(name), node


def _var_syntax(doc: Document, path: tuple, text: str) -> Iterator[Diagnostic]:
    if BROKEN_VAR.search(text):
        yield doc.diag(path, "bad-variable", "`${` must be followed by a variable name and `}`",
                       "write `${NAME}`, e.g. `${GITHUB_TOKEN}`")
    for match in BARE_VAR.finditer(text):
        if not text[match.start():].startswith("${"):
            yield doc.diag(path, "bad-variable", f"`${match.group(1)}` is not expanded: zot reads `${{NAME}}` only",
                           f"write `${{{match.group(1)}}}`", severity="warning")


def _env(doc: Document, server: str, node: dict) -> Iterator[Diagnostic]:
    for i, entry in enumerate(seq(node.get("env"))):
        if not isinstance(entry, str):
            continue
        name, eq, value = entry.partition("=")
        path = ("mcp", server, "env", i)
        if eq and "${" not in value and value and SECRET_NAME.search(name):
            yield doc.diag(path, "secret-in-manifest", f"`{name}` looks like a secret written into the manifest",
                           f"keep it in your environment and write `{name}` (passed through) or "
                           f"`{name}=${{VARIABLE}}`")
        yield from _var_syntax(doc, path, value)


def _headers(doc: Document, server: str, node: dict) -> Iterator[Diagnostic]:
    for name, value in mapping(node.get("headers")).items():
        path = ("mcp", server, "headers", name)
        if not isinstance(value, str):
            continue
        if "${" not in value and CREDENTIAL_HEADER.search(str(name)):
            yield doc.diag(path, "secret-in-manifest", f"the header `{name}` holds a literal value: a secret must "
                           "not be written into the manifest",
                           f'take it from an environment variable, e.g. `{name}: "Bearer ${{TOKEN}}"`')
        yield from _var_syntax(doc, path, value)


def _declared(doc: Document, server: str, node: dict) -> Iterator[Diagnostic]:
    from zot.ext.checks.local import _metaschema_error, _schema_error

    tools = mapping(node.get("tools"))
    declared = mapping(tools.get("declared"))
    for name, tool in declared.items():
        params = mapping(tool).get("parameters")
        if not isinstance(params, dict):
            continue
        problem = _metaschema_error(params)
        if problem is not None:
            yield _schema_error(doc, ("mcp", server, "tools", "declared", name, "parameters", *problem.path), problem)
        elif params.get("type", "object") != "object":
            yield doc.diag(("mcp", server, "tools", "declared", name, "parameters", "type"), "bad-json-schema",
                           "a tool's `parameters` must describe an object", "write `type: object`")
    if not declared:
        return
    import fnmatch

    for key in ("include", "exclude"):
        for i, pattern in enumerate(seq(tools.get(key))):
            if isinstance(pattern, str) and not any(fnmatch.fnmatchcase(t, pattern) for t in declared):
                yield doc.diag(("mcp", server, "tools", key, i), "unknown-tool",
                               f"`{pattern}` matches none of the declared tools of `{server}`",
                               did_you_mean(pattern, declared) + "declared: " + ", ".join(map(str, declared)),
                               severity="warning")


def _program(doc: Document, server: str, node: dict) -> Iterator[Diagnostic]:
    from zot.ext.mcp.spec import VAR

    command = seq(node.get("command"))
    folder = doc.path.parent
    if command and isinstance(command[0], str) and "/" in command[0] and not VAR.search(command[0]):
        path = Path(command[0]).expanduser()
        if not (path if path.is_absolute() else folder / path).is_file():
            yield doc.diag(("mcp", server, "command", 0), "missing-program",
                           f"there is no file `{command[0]}` (a program named with `/` is relative to the "
                           "extension's folder)", "fix the path, or name a program on PATH", severity="warning")
    for i, arg in enumerate(command):
        if isinstance(arg, str):
            yield from _var_syntax(doc, ("mcp", server, "command", i), arg)
    if isinstance(node.get("url"), str):
        yield from _var_syntax(doc, ("mcp", server, "url"), node["url"])
    cwd = node.get("cwd")
    if isinstance(cwd, str) and not (folder / cwd).is_dir():
        yield doc.diag(("mcp", server, "cwd"), "missing-folder", f"there is no folder `{cwd}` here (`cwd` is "
                       "relative to the extension's folder)", "fix the path, or leave `cwd` out for the project root",
                       severity="warning")


def _collisions(doc: Document, m: dict) -> Iterator[Diagnostic]:
    """Offered names two servers (or a server and a `tools:` entry) would share."""
    from zot.ext.mcp.names import default_prefix, offered_name

    from zot.ext.checks.cross import builtin_tool_params

    owners: dict[str, str] = {str(t): "the tool declared under `tools:`" for t in mapping(m.get("tools"))}
    owners.update({t: "a built-in tool" for t in builtin_tool_params()})
    prefixes: dict[str, str] = {}
    for server, node in _servers(m):
        prefix = node.get("prefix") if isinstance(node.get("prefix"), str) else default_prefix(server)
        if prefix in prefixes and prefix:
            yield doc.diag(("mcp", server, "prefix") if "prefix" in node else ("mcp", server), "name-clash",
                           f"the servers `{prefixes[prefix]}` and `{server}` both offer their tools as "
                           f"`{prefix}TOOL`", "give one of them another `prefix:`", at_key="prefix" not in node)
        prefixes.setdefault(prefix, server)
        for tool in mapping(mapping(node.get("tools")).get("declared")):
            name = offered_name(prefix, str(tool))
            if name in owners:
                yield doc.diag(("mcp", server, "tools", "declared", tool), "name-clash",
                               f"`{tool}` of `{server}` is offered as `{name}`, the name of {owners[name]}",
                               "set the server's `prefix:` or rename the other tool", at_key=True)
            owners.setdefault(name, f"`{tool}` of `{server}`")


def check_mcp(doc: Document, m: dict) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for server, node in _servers(m):
        out.extend(_env(doc, server, node))
        out.extend(_headers(doc, server, node))
        out.extend(_declared(doc, server, node))
        out.extend(_program(doc, server, node))
    out.extend(_collisions(doc, m))
    return out


# ---------------------------------------------------------------- across manifests


def known_listing(ext: str, server: str, node: dict, folder: Path) -> list[dict[str, Any]] | None:
    from zot.ext.mcp import cache
    from zot.ext.mcp.spec import config_digest

    declared = mapping(mapping(node.get("tools")).get("declared"))
    if declared:
        return [{"name": str(k), "inputSchema": mapping(v).get("parameters") or {"type": "object", "properties": {}}}
                for k, v in declared.items()]
    return cache.read(ext, server, config_digest(node, folder))


def _spec(doc: Document, m: dict, server: str, node: dict):
    from zot.ext.mcp.spec import ServerSpec

    folder = doc.path.parent.resolve()
    return ServerSpec(str(m.get("name")), server, folder, folder, node)


def known_mcp_tools(doc: Document, m: dict) -> dict[str, dict]:
    """Offered name -> argument schema, for the servers whose tools are known."""
    out: dict[str, dict] = {}
    for server, node in _servers(m):
        spec = _spec(doc, m, server, node)
        for tool in known_listing(spec.ext, server, node, spec.folder) or []:
            name = str(tool.get("name") or "")
            if name and spec.wants(name):
                schema = tool.get("inputSchema")
                out.setdefault(spec.offered(name), schema if isinstance(schema, dict) else {})
    return out


def unlisted_prefixes(doc: Document, m: dict) -> dict[str, str]:
    """Prefix -> server, for the servers whose tools zot cannot know before they run."""
    out: dict[str, str] = {}
    for server, node in _servers(m):
        spec = _spec(doc, m, server, node)
        if known_listing(spec.ext, server, node, spec.folder) is None:
            out[spec.prefix] = server
    return out
