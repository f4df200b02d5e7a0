"""`.mcp.json` (Claude Code, Cursor; VS Code's `servers` too) as the `mcp:` section of an
extension.yaml, so an existing configuration moves over in one command.

What does not carry over is said, one note per thing, never dropped silently: a literal secret is
not copied (the entry names an environment variable to set instead), `${VAR:-default}` loses its
default, SSE servers and per-tool approval lists have no counterpart (zot's guards decide).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.ext.checks.mcp import CREDENTIAL_HEADER, SECRET_NAME

DEFAULT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):-[^}]*\}")
SCHEMES = ("Bearer ", "Basic ", "token ", "Token ")
IGNORED = {"alwaysAllow": "per-tool approval lists", "autoApprove": "per-tool approval lists",
           "timeout": "its timeout (set `timeout:` in zot's units if it needs one)",
           "description": None, "type": None, "command": None, "args": None, "env": None, "url": None,
           "headers": None, "cwd": None, "disabled": None}


@dataclass
class Imported:
    servers: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _name(raw: str, taken: set[str]) -> str:
    name = re.sub(r"[^a-z0-9_-]+", "-", raw.lower()).strip("-_") or "server"
    if not name[0].isalpha():
        name = "s-" + name
    name = name[:32]
    base, n = name, 2
    while name in taken:
        name = f"{base[:29]}-{n}"
        n += 1
    return name


def _defaults(text: str, where: str, notes: list[str]) -> str:
    if DEFAULT.search(text):
        notes.append(f"{where}: zot has no `${{VAR:-default}}`; it reads `${{VAR}}`, so set the variable")
    return DEFAULT.sub(lambda m: "${" + m.group(1) + "}", text)


def _env(server: str, env: dict[str, Any], notes: list[str]) -> list[str]:
    out = []
    for key, value in env.items():
        value = _defaults(str(value), f"{server}: env {key}", notes)
        if value == "${" + key + "}":
            out.append(key)
        elif "${" in value:
            out.append(f"{key}={value}")
        elif SECRET_NAME.search(key) or len(value) >= 24:
            out.append(key)
            notes.append(f"{server}: the value of {key} was not copied (no secrets in a manifest): "
                         f"set {key} in your environment; zot passes it to the server")
        else:
            out.append(f"{key}={value}")
    return out


def _headers(server: str, headers: dict[str, Any], notes: list[str]) -> dict[str, str]:
    out = {}
    for key, value in headers.items():
        value = _defaults(str(value), f"{server}: header {key}", notes)
        if "${" in value or not CREDENTIAL_HEADER.search(key):
            out[key] = value
            continue
        var = re.sub(r"[^A-Z0-9]+", "_", f"{server}_{key}".upper()).strip("_")
        scheme = next((s for s in SCHEMES if value.startswith(s)), "")
        out[key] = scheme + "${" + var + "}"
        notes.append(f"{server}: the {key} header was not copied (no secrets in a manifest): "
                     f"set {var} to {'the token' if scheme else 'its value'}")
    return out


def _one(raw: str, entry: dict[str, Any], project: Path, folder: Path, out: Imported, name: str) -> None:
    notes = out.notes
    if name != raw:
        notes.append(f"{raw}: named `{name}` in zot (lower-case letters, digits, - and _); its tools are {name}__TOOL")
    if entry.get("disabled") is True:
        notes.append(f"{raw}: it is disabled there, so it was not imported")
        return
    for key in entry:
        if key not in IGNORED:
            notes.append(f"{raw}: `{key}` has no counterpart in zot and was left out")
        elif IGNORED[key]:
            notes.append(f"{raw}: {IGNORED[key]} left out: zot's guards decide which calls need a yes"
                         if "approval" in IGNORED[key] else f"{raw}: {IGNORED[key]} left out")
    kind = str(entry.get("type") or ("http" if entry.get("url") else "stdio")).lower()
    node: dict[str, Any] = {}
    if entry.get("description"):
        node["description"] = str(entry["description"])
    if kind in ("sse",):
        notes.append(f"{raw}: an SSE server is not imported: zot speaks stdio and streamable HTTP "
                     "(a server that offered SSE usually serves streamable HTTP at /mcp too)")
        return
    if kind in ("http", "streamable-http", "streamablehttp", "streamable_http"):
        node["url"] = _defaults(str(entry.get("url") or ""), f"{raw}: url", notes)
        if entry.get("headers"):
            node["headers"] = _headers(name, dict(entry["headers"]), notes)
    elif kind == "stdio" and entry.get("command"):
        node["command"] = [_defaults(str(a), f"{raw}: command", notes)
                           for a in [entry["command"], *(entry.get("args") or [])]]
        if entry.get("env"):
            node["env"] = _env(name, dict(entry["env"]), notes)
        if entry.get("cwd"):
            node["cwd"] = os.path.relpath((project / str(entry["cwd"])).resolve(), folder)
    else:
        notes.append(f"{raw}: neither a `command` nor a streamable HTTP `url`; not imported")
        return
    out.servers[name] = node


def convert(data: Any, project: Path, folder: Path) -> Imported:
    """`folder` is where the extension will live (a `cwd` is written relative to it)."""
    out = Imported()
    servers = data.get("mcpServers", data.get("servers")) if isinstance(data, dict) else None
    if not isinstance(servers, dict):
        return out
    for raw, entry in servers.items():
        if isinstance(entry, dict):
            _one(str(raw), entry, project, folder, out, _name(str(raw), set(out.servers)))
    return out


def manifest_text(name: str, source: str, imported: Imported, schema: str) -> str:
    lines = [f"# yaml-language-server: $schema={schema}",
             f"# Imported from {source} by `zot ext import-mcp`; reference: docs/mcp.md.",
             *[f"# note: {n}" for n in imported.notes],
             "schema: zot/extension/v1", f"name: {name}", "version: 0.1.0",
             f"description: {json.dumps('MCP servers imported from ' + Path(source).name)}", "mcp:"]
    for server, node in imported.servers.items():
        lines.append(f"  {server}:")
        lines += [f"    {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in node.items()]
    return "\n".join(lines) + "\n"
