"""What one declared MCP server is: built from a manifest's `mcp:` entry, nothing started.

Secrets never live in the manifest: `${VAR}` in the command, `env` values, the URL and header
values is zot's environment variable VAR, read when the server starts. A variable that is not
set stops that server's start with a line naming it (`expand` returns what was missing).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from zot.ext.durations import seconds
from zot.ext.mcp.names import default_prefix, offered_name, wanted

VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
DEFAULT_TIMEOUT = 60.0
DEFAULT_START_TIMEOUT = 30.0


@dataclass(frozen=True)
class ServerSpec:
    ext: str                                  # the extension that declares it
    name: str                                 # the server's name in `mcp:`
    folder: Path                              # the extension's folder
    project: Path
    node: dict[str, Any] = field(compare=False, hash=False)     # the manifest entry, as written
    scope: str = "cli"
    order: int = 0
    location: str = ""                        # file:line of the entry

    # ---------------------------------------------------------------- what the entry says

    @property
    def key(self) -> str:
        """Unique within a session: two extensions may each name a server `docs`."""
        return f"{self.ext}/{self.name}"

    @property
    def transport(self) -> str:
        return "http" if self.node.get("url") else "stdio"

    @property
    def command(self) -> list[str]:
        return [str(a) for a in self.node.get("command") or []]

    @property
    def url(self) -> str:
        return str(self.node.get("url") or "")

    @property
    def timeout(self) -> float:
        return seconds(self.node.get("timeout"), DEFAULT_TIMEOUT)

    @property
    def start_timeout(self) -> float:
        return seconds(self.node.get("start_timeout"), DEFAULT_START_TIMEOUT)

    @property
    def prefix(self) -> str:
        prefix = self.node.get("prefix")
        return prefix if isinstance(prefix, str) else default_prefix(self.name)

    @property
    def description(self) -> str:
        return str(self.node.get("description") or "")

    @property
    def tools_node(self) -> dict[str, Any]:
        tools = self.node.get("tools")
        return tools if isinstance(tools, dict) else {}

    @property
    def declared(self) -> dict[str, dict[str, Any]]:
        """The tools written in the manifest, in the wire shape (`name`, `description`, `inputSchema`)."""
        out = {}
        for name, tool in (self.tools_node.get("declared") or {}).items():
            tool = tool if isinstance(tool, dict) else {}
            out[str(name)] = {"name": str(name), "description": str(tool.get("description") or ""),
                              "inputSchema": tool.get("parameters") or {"type": "object", "properties": {}}}
        return out

    def offered(self, tool: str) -> str:
        return offered_name(self.prefix, tool)

    def wants(self, tool: str) -> bool:
        return wanted(tool, tuple(self.tools_node.get("include") or ()), tuple(self.tools_node.get("exclude") or ()))

    @property
    def label(self) -> str:
        """What it runs or calls, as capabilities and listings show it: the argv or the URL."""
        return " ".join(self.command) if self.transport == "stdio" else self.url

    def digest(self) -> str:
        """Changes when the entry or the extension's folder does: `/reload-ext` restarts the server,
        and its cached listing no longer counts."""
        return config_digest(self.node, self.folder)

    # ---------------------------------------------------------------- what it takes to start it

    def program(self, environ: Mapping[str, str]) -> tuple[list[str], list[str]]:
        """The argv to start, with `${VAR}` expanded and the program found; and what is missing
        (variables not set, or the program itself as `program:NAME`)."""
        argv, missing = [], []
        for arg in self.command:
            value, lack = expand(arg, environ)
            argv.append(value)
            missing += lack
        if argv and not missing:
            found = find_program(argv[0], self.folder, environ.get("PATH"))
            if found is None:
                missing.append(f"program:{argv[0]}")
            else:
                argv[0] = found
        return argv, missing

    def workdir(self) -> Path:
        cwd = self.node.get("cwd")
        return (self.folder / str(cwd)).resolve() if cwd else self.project

    def environment(self, environ: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
        """The allowlisted variables (the SDK adds PATH, HOME, USER, LOGNAME, SHELL and TERM)."""
        env, missing = {}, []
        for entry in self.node.get("env") or []:
            name, eq, value = str(entry).partition("=")
            if not eq:
                if name in environ:
                    env[name] = environ[name]
                continue
            env[name], lack = expand(value, environ)
            missing += lack
        return env, missing

    def endpoint(self, environ: Mapping[str, str]) -> tuple[str, dict[str, str], list[str]]:
        url, missing = expand(self.url, environ)
        headers = {}
        for name, value in (self.node.get("headers") or {}).items():
            headers[str(name)], lack = expand(str(value), environ)
            missing += lack
        return url, headers, missing


def config_digest(node: dict[str, Any], folder: Path) -> str:
    text = json.dumps({"node": node, "folder": str(folder)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def expand(text: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    missing: list[str] = []

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in environ:
            missing.append(name)
            return ""
        return environ[name]

    return VAR.sub(one, text), missing


def find_program(program: str, folder: Path, path: str | None = None) -> str | None:
    """A name with a `/` is a file relative to the extension's folder; others are on PATH."""
    if os.sep in program or (os.altsep and os.altsep in program):
        candidate = Path(program).expanduser()
        candidate = candidate if candidate.is_absolute() else folder / candidate
        return str(candidate) if candidate.is_file() else None
    return shutil.which(program, path=path)


def missing_text(missing: list[str]) -> str:
    """`the environment variable X is not set` / `the program npx was not found on PATH`."""
    programs = [m.split(":", 1)[1] for m in missing if m.startswith("program:")]
    names = sorted(set(m for m in missing if not m.startswith("program:")))
    parts = [f"the program `{p}` was not found (on PATH, or relative to the extension's folder)" for p in programs]
    if names:
        listed = ", ".join(names)
        parts.append(f"the environment variable{'s' if len(names) > 1 else ''} {listed} "
                     f"{'are' if len(names) > 1 else 'is'} not set")
    return "; ".join(parts)


def specs_of(ext_name: str, folder: Path, data: dict, project: Path, scope: str = "cli", order: int = 0,
             locate: Any = None) -> list[ServerSpec]:
    """Every server one (validated) manifest declares, in the order written."""
    out = []
    for name, node in (data.get("mcp") or {}).items():
        if not isinstance(node, dict):
            continue
        where = locate("mcp", str(name)) if locate is not None else ""
        out.append(ServerSpec(ext_name, str(name), folder, project, node, scope, order, where))
    return out
