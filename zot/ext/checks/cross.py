"""Checks across every manifest validated together: unique names, known tools and arguments."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from zot.diagnostics import Diagnostic, did_you_mean
from zot.ext.checks.sites import mapping, matchers, seq
from zot.yamlio import Document

# names other agents use for the same tools, so a ported rule gets a precise hint
PEER_TOOL_NAMES = {"Bash": "bash", "Read": "read", "Write": "write", "Edit": "edit", "MultiEdit": "edit",
                   "Glob": "find", "Grep": "grep", "LS": "ls", "shell": "bash", "run_shell_command": "bash",
                   "read_file": "read", "write_file": "write", "replace": "edit", "glob": "find"}
GLOB_CHARS = set("*?[")


@dataclass
class Manifest:
    doc: Document
    data: dict


@lru_cache(maxsize=1)
def builtin_tool_params() -> dict[str, dict]:
    from zot.tools import builtin_tools

    return {tool.name: tool.parameters for tool in builtin_tools()}


def known_tools(manifests: list[Manifest]) -> dict[str, dict | None]:
    """Tool name -> its parameters schema (None when unknown, e.g. registered by a script)."""
    tools: dict[str, dict | None] = dict(builtin_tool_params())
    for m in manifests:
        for name, tool in mapping(m.data.get("tools")).items():
            tools.setdefault(str(name), mapping(tool).get("parameters") or {"type": "object", "properties": {}})
        if "mcp" in m.data:
            from zot.ext.checks.mcp import known_mcp_tools

            for name, schema in known_mcp_tools(m.doc, m.data).items():
                tools.setdefault(name, schema)
    return tools


def mcp_pending(manifests: list[Manifest]) -> dict[str, str]:
    """Tool-name prefix -> MCP server, for servers whose tools are not known before they run."""
    from zot.ext.checks.mcp import unlisted_prefixes

    out: dict[str, str] = {}
    for m in manifests:
        if "mcp" in m.data:
            out.update(unlisted_prefixes(m.doc, m.data))
    return out


def _names(value: Any) -> list[tuple[tuple, str]]:
    if isinstance(value, str):
        return [((), value)]
    return [((i,), v) for i, v in enumerate(seq(value)) if isinstance(v, str)]


def _tool_hint(name: str, tools: dict) -> str:
    if name in PEER_TOOL_NAMES and PEER_TOOL_NAMES[name] in tools:
        return f"did you mean `{PEER_TOOL_NAMES[name]}`? (zot's tool names are lowercase)"
    lowered = {t.lower(): t for t in tools}
    if name.lower() in lowered:
        return f"did you mean `{lowered[name.lower()]}`?"
    listing = ", ".join(f"`{t}`" for t in sorted(tools))
    return did_you_mean(name, tools) + f"known tools: {listing}"


def _check_tool_refs(m: Manifest, base: tuple, value: Any, tools: dict,
                     pending: dict[str, str] | None = None) -> Iterator[Diagnostic]:
    has_script = "script" in m.data
    for sub, name in _names(value):
        if GLOB_CHARS & set(name) or name in tools:
            continue
        server = next((s for p, s in (pending or {}).items() if name.startswith(p)), None)
        severity = "warning" if has_script or server else "error"
        extra = " (fine if this extension's script registers it)" if has_script else ""
        if server:
            extra = (f" yet (fine if the MCP server `{server}` offers it: zot knows its tools once it has run, "
                     "or when they are declared under `tools: declared:`)")
        yield m.doc.diag(base + sub, "unknown-tool", f"there is no tool `{name}`{extra}",
                         _tool_hint(name, tools), severity=severity)


def _single_tool(value: Any) -> str | None:
    return value if isinstance(value, str) and not (GLOB_CHARS & set(value)) else None


def _closed_tools(value: Any, tools: dict) -> dict[str, dict]:
    """The guard's tools (names, not globs) whose arguments are known: name -> properties."""
    out: dict[str, dict] = {}
    for _, name in _names(value):
        schema = tools.get(name) if not (GLOB_CHARS & set(name)) else None
        if not schema:
            continue
        props = mapping(schema.get("properties"))
        if props or schema.get("additionalProperties", True) is False:
            out[name] = props
    return out


def _reads(node: Any, path: tuple, inherited: str | None) -> Iterator[tuple[tuple, dict, str | None]]:
    """(path, matcher, the `arg` it reads, inherited from all/any/not) for each matcher that reads
    a tool argument; matchers under `shell.args` read words of the command, not arguments."""
    if not isinstance(node, dict):
        return
    arg = node.get("arg") if isinstance(node.get("arg"), str) else inherited
    yield path, node, arg
    for key in ("all", "any"):
        for i, sub in enumerate(seq(node.get(key))):
            yield from _reads(sub, path + (key, i), arg)
    if isinstance(node.get("not"), dict):
        yield from _reads(node["not"], path + ("not",), arg)


def _listing(names: list[str]) -> str:
    shown = [f"`{n}`" for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _check_args(m: Manifest, gname: str, guard: dict, tools: dict) -> Iterator[Diagnostic]:
    """An `arg` none of the guard's tools has, and a `shell` test on tools without a shell
    command: either way the rule can never match."""
    known = _closed_tools(guard.get("tool"), tools)
    if not known:
        return
    for path, matcher, arg in _reads(guard.get("when"), ("guards", gname, "when"), None):
        if "shell" in matcher and arg is None:
            lacking = [t for t, props in known.items() if "command" not in props]
            if len(lacking) == len(known):
                noun = "has" if len(lacking) == 1 else "have"
                yield m.doc.diag(path + ("shell",), "never-matches",
                                 f"a `shell` test reads a shell command, and {_listing(lacking)} {noun} none: "
                                 "this rule can never match", "to match the file a write or edit changes, use "
                                 "`path: {match: [...]}`; to match shell commands, put the rule on `tool: bash`",
                                 at_key=True)
            continue
        if not isinstance(matcher.get("arg"), str):
            continue      # no `arg` here: the default argument, or the one a parent names (checked there)
        root = arg.split(".", 1)[0]
        lacking = [t for t, props in known.items() if root not in props]
        if len(lacking) < len(known):
            continue      # a rule over several tools may read an argument only some have (`any:` branches)
        choices = {p for t in lacking for p in known[t]}
        takes = "; ".join(f"`{t}` takes: " + ", ".join(f"`{p}`" for p in known[t]) for t in lacking)
        where = path + ("arg",)
        subject = f"the tool {_listing(lacking)} has" if len(lacking) == 1 else f"the tools {_listing(lacking)} have"
        yield m.doc.diag(where, "unknown-argument", f"{subject} no argument `{root}`",
                         did_you_mean(root, choices, cutoff=0.5) + takes)


def _check_examples(m: Manifest, gname: str, guard: dict, tools: dict) -> Iterator[Diagnostic]:
    examples = mapping(guard.get("examples"))
    tool = _single_tool(guard.get("tool"))
    when = mapping(guard.get("when"))
    for verdict, items in examples.items():
        for i, item in enumerate(seq(items)):
            call = mapping(item).get("call", item) if verdict == "rewrite" else item
            if isinstance(call, str) and not tool:
                yield m.doc.diag(("guards", gname, "examples", verdict, i), "bad-example",
                                 "a text example needs a guard on one tool",
                                 "write the example as {tool: NAME, args: {...}}")
            elif isinstance(call, str) and "arg" not in when and "shell" not in when:
                from zot.ext.compile.context import primary_arg

                if primary_arg(mapping(tools.get(tool))) is None:
                    yield m.doc.diag(("guards", gname, "examples", verdict, i), "bad-example",
                                     f"cannot tell which argument of `{tool}` this text example is",
                                     "give `when:` an `arg:`, or write {args: {NAME: value}}")
            elif isinstance(call, dict) and isinstance(call.get("tool"), str) and call["tool"] not in tools:
                yield m.doc.diag(("guards", gname, "examples", verdict, i, "tool"), "unknown-tool",
                                 f"there is no tool `{call['tool']}`", _tool_hint(call["tool"], tools))


def _duplicates(manifests: list[Manifest], section: str, what: str, severity: str,
                reserved: dict[str, str]) -> Iterator[Diagnostic]:
    owners: dict[str, Manifest] = {}
    for m in manifests:
        for name in mapping(m.data.get(section)):
            name = str(name)
            if name in reserved:
                yield m.doc.diag((section, name), "name-clash",
                                 f"the {what} `{name}` clashes with {reserved[name]}",
                                 f"rename the {what}", severity="error", at_key=True)
            elif name in owners and owners[name] is not m:
                first = owners[name]
                line, _ = first.doc.position((section, name), at_key=True)
                yield m.doc.diag((section, name), "name-clash",
                                 f"the {what} `{name}` is also declared by extension "
                                 f"`{first.data.get('name')}` ({first.doc.display}:{line})",
                                 f"rename one of them; both stay reachable as /EXT:{name}"
                                 if what == "command" else "rename one of them",
                                 severity=severity, at_key=True)
            else:
                owners.setdefault(name, m)


def check_all(manifests: list[Manifest]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    names: dict[str, Manifest] = {}
    for m in manifests:
        name = m.data.get("name")
        if isinstance(name, str):
            if name in names:
                first = names[name]
                line, _ = first.doc.position(("name",))
                out.append(m.doc.diag(("name",), "duplicate-name",
                                      f"the extension name `{name}` is already used by {first.doc.display}:{line}",
                                      "extension names must be unique: rename one of them"))
            else:
                names[name] = m
    builtin = {name: "the built-in tool of that name" for name in builtin_tool_params()}
    out.extend(_duplicates(manifests, "tools", "tool", "error", builtin))
    from zot.ext.builtin_commands import BUILTIN_COMMANDS

    reserved_cmds = {name: "the built-in command /" + name for name in BUILTIN_COMMANDS}
    out.extend(_duplicates(manifests, "commands", "command", "warning", reserved_cmds))
    tools = known_tools(manifests)
    pending = mcp_pending(manifests)
    for m in manifests:
        for gname, guard in mapping(m.data.get("guards")).items():
            guard = mapping(guard)
            out.extend(_check_tool_refs(m, ("guards", gname, "tool"), guard.get("tool"), tools, pending))
            out.extend(_check_args(m, gname, guard, tools))
            out.extend(_check_examples(m, gname, guard, tools))
        for i, hook in enumerate(seq(m.data.get("hooks"))):
            if "tool" in mapping(hook):
                out.extend(_check_tool_refs(m, ("hooks", i, "tool"), hook["tool"], tools, pending))
        for i, test in enumerate(seq(m.data.get("tests"))):
            test = mapping(test)
            call = mapping(test.get("tool_call"))
            if isinstance(call.get("tool"), str):
                out.extend(_check_tool_refs(m, ("tests", i, "tool_call", "tool"), call["tool"], tools, pending))
            widget = test.get("widget")
            if isinstance(widget, str) and widget not in mapping(m.data.get("widgets")):
                out.append(m.doc.diag(("tests", i, "widget"), "unknown-widget",
                                      f"this extension has no widget `{widget}`", "declare it under `widgets:`"))
    from zot.ext.checks.presentation import check_presentation_across   # keys and renderers of several

    out.extend(check_presentation_across(manifests))
    return out
