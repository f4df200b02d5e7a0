"""Where a manifest holds templates, expressions and regexes, and what each place may use.

One table of places serves validation now and the compiler later, so the checker and the engine
never disagree about which strings are templates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

Path = tuple[str | int, ...]

BASE = frozenset({"cwd", "project", "project_data_dir", "model", "date", "params", "git", "session"})
RUN_VARS = frozenset({"stdout", "stderr", "exit_code"})
HTTP_VARS = frozenset({"status", "body", "json", "headers"})
GUARD_VARS = frozenset({"tool", "args"})
HOOK_VARS = frozenset({"event", "tool", "args", "result"})
EXPR_GUARD = frozenset({"tool", "args", "cwd", "project", "params", "session", "model", "git"})
EXPR_HOOK = frozenset({"event", "tool", "args", "result", "cwd", "project", "params", "session", "model", "git"})
EXPR_PROMPT = frozenset({"cwd", "project", "params", "session", "model", "git"})


@dataclass(frozen=True)
class Scope:
    """Variables a template may use; `args` None means any argument name is allowed."""

    roots: frozenset[str]
    args: frozenset[str] | None = None
    where: str = ""

    def plus(self, extra: frozenset[str]) -> "Scope":
        return Scope(self.roots | extra, self.args, self.where)


@dataclass
class Site:
    path: Path
    text: str
    scope: Scope
    extra: dict[str, Any] = field(default_factory=dict)


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def seq(value: Any) -> list:
    return value if isinstance(value, list) else []


def _exec_sites(path: Path, spec: Any, scope: Scope) -> Iterator[Site]:
    spec = mapping(spec)
    for i, item in enumerate(seq(spec.get("argv"))):
        if isinstance(item, str):
            yield Site(path + ("argv", i), item, scope)
    for key in ("cwd", "stdin"):
        if isinstance(spec.get(key), str):
            yield Site(path + (key,), spec[key], scope)
    for key, value in mapping(spec.get("set_env")).items():
        if isinstance(value, str):
            yield Site(path + ("set_env", key), value, scope)


def _strings_in(path: Path, value: Any, scope: Scope) -> Iterator[Site]:
    if isinstance(value, str):
        yield Site(path, value, scope)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(path + (key,), item, scope)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings_in(path + (i,), item, scope)


MATCHER_SCOPE = Scope(frozenset({"params", "project", "project_data_dir"}), None, "a matcher")


def _matcher_sites(node: Any, path: Path) -> Iterator[Site]:
    """Strings in a `when:` (rendered once at load, zot.ext.compile.matcher_params), but not
    `arg` and `expr`, which are never templates."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("arg", "expr"):
                yield from _matcher_sites(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _matcher_sites(value, path + (i,))
    elif isinstance(node, str):
        yield Site(path, node, MATCHER_SCOPE)


def command_args(cmd: dict) -> frozenset[str]:
    return frozenset(str(a["name"]) for a in seq(cmd.get("args")) if isinstance(a, dict) and "name" in a)


def tool_args(tool: dict) -> frozenset[str] | None:
    params = mapping(tool.get("parameters"))
    if params.get("additionalProperties", False) is not False and "properties" not in params:
        return None
    return frozenset(str(k) for k in mapping(params.get("properties")))


def template_sites(m: dict) -> Iterator[Site]:
    """Every template string in a manifest with the scope it renders in."""
    for name, cmd in mapping(m.get("commands")).items():
        cmd = mapping(cmd)
        p: Path = ("commands", name)
        scope = Scope(BASE | {"args"}, command_args(cmd), "a command")
        for key in ("prompt", "insert", "display", "notify"):
            if isinstance(cmd.get(key), str):
                yield Site(p + (key,), cmd[key], scope)
        yield from _exec_sites(p + ("run",), cmd.get("run"), scope)
        if isinstance(cmd.get("output"), str):
            yield Site(p + ("output",), cmd["output"], scope.plus(RUN_VARS))
    for name, tool in mapping(m.get("tools")).items():
        tool = mapping(tool)
        p = ("tools", name)
        scope = Scope(BASE | {"args"}, tool_args(tool), "a tool")
        if isinstance(tool.get("template"), str):
            yield Site(p + ("template",), tool["template"], scope)
        yield from _exec_sites(p + ("run",), tool.get("run"), scope)
        http = mapping(tool.get("http"))
        for key in ("url", "body"):
            if isinstance(http.get(key), str):
                yield Site(p + ("http", key), http[key], scope)
        for key, value in mapping(http.get("headers")).items():
            if isinstance(value, str):
                yield Site(p + ("http", "headers", key), value, scope)
        if "json" in http:
            yield from _strings_in(p + ("http", "json"), http["json"], scope)
        if isinstance(tool.get("result"), str):
            extra = HTTP_VARS if "http" in tool else RUN_VARS if "run" in tool else frozenset()
            yield Site(p + ("result",), tool["result"], scope.plus(extra))
    for name, guard in mapping(m.get("guards")).items():
        guard = mapping(guard)
        p = ("guards", name)
        yield from _matcher_sites(guard.get("when"), p + ("when",))
        scope = Scope(BASE | GUARD_VARS, None, "a guard")
        if isinstance(guard.get("reason"), str):
            yield Site(p + ("reason",), guard["reason"], scope, {"guard": name})
        for i, edit in enumerate(seq(guard.get("rewrite"))):
            edit = mapping(edit)
            for key in ("set", "prepend", "append"):
                if isinstance(edit.get(key), str):
                    yield Site(p + ("rewrite", i, key), edit[key], scope, {"guard": name})
            for sub, key in (("replace", "new"), ("sub", "repl")):
                value = mapping(edit.get(sub)).get(key)
                if isinstance(value, str):
                    yield Site(p + ("rewrite", i, sub, key), value, scope, {"guard": name})
    for i, hook in enumerate(seq(m.get("hooks"))):
        hook = mapping(hook)
        p = ("hooks", i)
        scope = Scope(BASE | HOOK_VARS, None, "a hook")
        for key in ("notify", "system", "append", "send"):
            if isinstance(hook.get(key), str):
                yield Site(p + (key,), hook[key], scope)
        for key in ("file", "line"):
            value = mapping(hook.get("log")).get(key)
            if isinstance(value, str):
                yield Site(p + ("log", key), value, scope)
        yield from _exec_sites(p + ("run",), hook.get("run"), scope)
        to = mapping(hook.get("transform")).get("to")
        if isinstance(to, str):
            yield Site(p + ("transform", "to"), to, scope.plus(frozenset({"match", "text"})))
    prompts = mapping(m.get("prompts"))
    for i, frag in enumerate(seq(prompts.get("system"))):
        if isinstance(mapping(frag).get("text"), str):
            yield Site(("prompts", "system", i, "text"), frag["text"], Scope(BASE, None, "a prompt"))
    for name, text in mapping(prompts.get("templates")).items():
        if isinstance(text, str):
            yield Site(("prompts", "templates", name), text, Scope(BASE | {"args"}, None, "a prompt template"))
    for name, widget in mapping(m.get("widgets")).items():
        widget = mapping(widget)
        p = ("widgets", name)
        if isinstance(widget.get("text"), str):
            yield Site(p + ("text",), widget["text"], Scope(BASE | RUN_VARS, None, "a widget"))
        yield from _exec_sites(p + ("run",), widget.get("run"), Scope(BASE, None, "a widget"))


MATCHER_TESTS = ("regex", "glob", "equals", "in", "contains", "path", "shell", "expr", "all", "any", "not")


def matchers(node: Any, path: Path) -> Iterator[tuple[Path, dict]]:
    """A matcher and every matcher nested in it (all/any/not, shell args and writes)."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key in ("all", "any"):
        for i, sub in enumerate(seq(node.get(key))):
            yield from matchers(sub, path + (key, i))
    if isinstance(node.get("not"), dict):
        yield from matchers(node["not"], path + ("not",))
    shell = mapping(node.get("shell"))
    for key in ("args", "writes"):
        if isinstance(shell.get(key), dict):
            yield from matchers(shell[key], path + ("shell", key))


def expr_sites(m: dict) -> Iterator[tuple[Path, str, frozenset[str]]]:
    for name, guard in mapping(m.get("guards")).items():
        for path, matcher in matchers(mapping(guard).get("when"), ("guards", name, "when")):
            if isinstance(matcher.get("expr"), str):
                yield path + ("expr",), matcher["expr"], EXPR_GUARD
    for i, hook in enumerate(seq(m.get("hooks"))):
        if isinstance(mapping(hook).get("if"), str):
            yield ("hooks", i, "if"), hook["if"], EXPR_HOOK
    for i, frag in enumerate(seq(mapping(m.get("prompts")).get("system"))):
        expr = mapping(mapping(frag).get("when")).get("expr")
        if isinstance(expr, str):
            yield ("prompts", "system", i, "when", "expr"), expr, EXPR_PROMPT


def regex_sites(m: dict) -> Iterator[tuple[Path, str]]:
    for name, guard in mapping(m.get("guards")).items():
        guard = mapping(guard)
        for path, matcher in matchers(guard.get("when"), ("guards", name, "when")):
            value = matcher.get("regex")
            if isinstance(value, str):
                yield path + ("regex",), value
            for i, item in enumerate(seq(value)):
                if isinstance(item, str):
                    yield path + ("regex", i), item
        for i, edit in enumerate(seq(guard.get("rewrite"))):
            pattern = mapping(mapping(edit).get("sub")).get("pattern")
            if isinstance(pattern, str):
                yield ("guards", name, "rewrite", i, "sub", "pattern"), pattern
    for i, hook in enumerate(seq(m.get("hooks"))):
        hook = mapping(hook)
        for j, item in enumerate(seq(hook.get("redact"))):
            if isinstance(item, str):
                yield ("hooks", i, "redact", j), item
        pattern = mapping(hook.get("transform")).get("regex")
        if isinstance(pattern, str):
            yield ("hooks", i, "transform", "regex"), pattern
