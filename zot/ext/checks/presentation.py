"""Checks of what a manifest shows and binds: colours, key names and clashes, renderer templates.

Local (one manifest): every colour (`style:` of widgets, blocks and overlays, a renderer's
`colors:`) is a theme role or hex; every key name parses and is not one of the REPL's own keys
or bound twice; the templates of blocks, overlays and renderers use only what is available there
(a renderer's `args.X` must be a parameter of its tool when the tool is known); an overlay button
does at most one thing; a widget does not give both `priority` and its older name `order`.
Across manifests: a key two extensions bind, and a tool two extensions render, name both files;
a renderer for a tool nobody declares is a warning.
"""
from __future__ import annotations

from typing import Any, Iterator

from zot.diagnostics import Diagnostic, did_you_mean
from zot.ext import colors, keys
from zot.ext.checks.sites import BASE, HOOK_VARS, Scope, Site, command_args, mapping, seq, tool_args
from zot.yamlio import Document

RENDER_HEADER = frozenset({"args", "tool", "params"})
RENDER_BODY = RENDER_HEADER | {"result", "is_error"}
FOLLOW_UPS = ("prompt", "insert", "command", "display")


def check_presentation(doc: Document, m: dict) -> list[Diagnostic]:
    from zot.ext.checks.local import check_template

    params = frozenset(str(k) for k in mapping(m.get("params")))
    out: list[Diagnostic] = []
    for path, value, allow_none in color_sites(m):
        found = colors.diagnose(value, allow_none)
        if found:
            out.append(doc.diag(path, "bad-color", *found))
    out += list(_key_names(doc, m))
    for site in template_sites(m):
        out.extend(check_template(doc, site, params))
    out += list(_overlay_actions(doc, m))
    for name, widget in mapping(m.get("widgets")).items():
        if "priority" in mapping(widget) and "order" in mapping(widget):
            out.append(doc.diag(("widgets", name, "order"), "conflicting-keys",
                                "`order` is the older name of `priority`: give only one",
                                "keep `priority` (lower comes first)", at_key=True))
    return out


# ---------------------------------------------------------------- where colours are


def color_sites(m: dict) -> Iterator[tuple[tuple, Any, bool]]:
    """(path, value, `none` allowed) of every colour in a manifest."""
    def style(path: tuple, node: Any) -> Iterator[tuple[tuple, Any, bool]]:
        for key, allow_none in (("border", True), ("color", False), ("background", False)):
            if key in mapping(node):
                yield path + (key,), node[key], allow_none

    for name, widget in mapping(m.get("widgets")).items():
        yield from style(("widgets", name, "style"), mapping(widget).get("style"))
    for name, cmd in mapping(m.get("commands")).items():
        for action in ("block", "overlay"):
            yield from style(("commands", name, action, "style"), mapping(mapping(cmd).get(action)).get("style"))
    for i, hook in enumerate(seq(m.get("hooks"))):
        yield from style(("hooks", i, "block", "style"), mapping(mapping(hook).get("block")).get("style"))
    for tool, renderer in mapping(m.get("renderers")).items():
        for key, value in mapping(mapping(renderer).get("colors")).items():
            yield ("renderers", tool, "colors", key), value, False


# ---------------------------------------------------------------- key names


def _key_names(doc: Document, m: dict) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for name in mapping(m.get("keybindings")):
        path = ("keybindings", name)
        try:
            key = keys.parse(str(name))
        except keys.KeyError_ as exc:
            yield doc.diag(path, "unknown-key", str(exc), "key names: ctrl+LETTER, alt+KEY, f1-f24, shift+tab, "
                           "ctrl+up, pageup, ...", at_key=True)
            continue
        used = keys.builtin_use(key)
        if used:
            same = f" (`{name}` is `{key.name}` to a terminal)" if key.name != str(name) else ""
            yield doc.diag(path, "key-clash", f"`{key.name}` is zot's own key ({used}){same}",
                           "choose a free key, e.g. " + ", ".join(f"`{k}`" for k in free_keys(3)), at_key=True)
        elif key.name in seen:
            yield doc.diag(path, "key-clash", f"`{name}` and `{seen[key.name]}` are the same key (`{key.name}`)",
                           "keep one of them", at_key=True)
        seen.setdefault(key.name, str(name))


def free_keys(count: int) -> list[str]:
    candidates = ["ctrl+g", "f2", "f3", "alt+p", "alt+m", "f4", "ctrl+v", "alt+o"]
    return [k for k in candidates if k not in keys.BUILTIN][:count]


# ---------------------------------------------------------------- templates


def template_sites(m: dict) -> Iterator[Site]:
    """Templates of blocks, overlays and renderers, with what they may use."""
    for name, cmd in mapping(m.get("commands")).items():
        cmd = mapping(cmd)
        scope = Scope(BASE | {"args"}, command_args(cmd), "a command")
        yield from _strings(("commands", name, "block"), cmd.get("block"), ("text", "subtitle"), scope)
        overlay = mapping(cmd.get("overlay"))
        yield from _strings(("commands", name, "overlay"), overlay, ("title", "text"), scope)
        for i, action in enumerate(seq(overlay.get("actions"))):
            yield from _strings(("commands", name, "overlay", "actions", i), action, FOLLOW_UPS, scope)
    for i, hook in enumerate(seq(m.get("hooks"))):
        scope = Scope(BASE | HOOK_VARS, None, "a hook")
        yield from _strings(("hooks", i, "block"), mapping(hook).get("block"), ("text", "subtitle"), scope)
    tools = {**_builtin_params(), **{str(k): v for k, v in mapping(m.get("tools")).items()}}
    for tool, renderer in mapping(m.get("renderers")).items():
        renderer = mapping(renderer)
        declared = tools.get(str(tool))
        args = tool_args(mapping(declared)) if declared is not None else None
        where = f"the renderer of `{tool}`"
        yield from _strings(("renderers", tool), renderer, ("header",), Scope(RENDER_HEADER, args, where))
        yield from _strings(("renderers", tool), renderer, ("body",), Scope(RENDER_BODY, args, where))


def _strings(path: tuple, node: Any, fields: tuple[str, ...], scope: Scope) -> Iterator[Site]:
    for key in fields:
        value = mapping(node).get(key)
        if isinstance(value, str):
            yield Site(path + (key,), value, scope)


def _builtin_params() -> dict[str, dict]:
    from zot.ext.checks.cross import builtin_tool_params

    return {name: {"parameters": params} for name, params in builtin_tool_params().items()}


def _overlay_actions(doc: Document, m: dict) -> Iterator[Diagnostic]:
    for name, cmd in mapping(m.get("commands")).items():
        for i, action in enumerate(seq(mapping(mapping(cmd).get("overlay")).get("actions"))):
            doing = [k for k in FOLLOW_UPS if k in mapping(action)]
            if len(doing) > 1:
                yield doc.diag(("commands", name, "overlay", "actions", i, doing[1]), "conflicting-keys",
                               f"a button does one thing: `{doing[0]}` and `{doing[1]}` cannot be used together",
                               "keep one of " + ", ".join(f"`{k}`" for k in FOLLOW_UPS), at_key=True)


# ---------------------------------------------------------------- across manifests


def check_presentation_across(manifests: list) -> list[Diagnostic]:
    from zot.ext.checks.cross import known_tools

    out: list[Diagnostic] = []
    bound: dict[str, tuple[Any, str]] = {}
    rendered: dict[str, Any] = {}
    tools = known_tools(manifests)
    for m in manifests:
        for name in mapping(m.data.get("keybindings")):
            try:
                key = keys.parse(str(name))
            except keys.KeyError_:
                continue
            first = bound.get(key.name)
            if first is not None and first[0] is not m:
                other, written = first
                line, _ = other.doc.position(("keybindings", written), at_key=True)
                out.append(m.doc.diag(("keybindings", name), "key-clash",
                                      f"the key `{key.name}` is also bound by extension `{other.data.get('name')}` "
                                      f"({other.doc.display}:{line})", "choose another key for one of them",
                                      at_key=True))
            bound.setdefault(key.name, (m, str(name)))
        for tool in mapping(m.data.get("renderers")):
            tool = str(tool)
            first = rendered.get(tool)
            if first is not None and first is not m:
                line, _ = first.doc.position(("renderers", tool), at_key=True)
                out.append(m.doc.diag(("renderers", tool), "name-clash",
                                      f"the tool `{tool}` is also rendered by extension `{first.data.get('name')}` "
                                      f"({first.doc.display}:{line}); the nearer extension's renderer is used",
                                      "keep one renderer per tool", severity="warning", at_key=True))
            rendered.setdefault(tool, m)
            if tool not in tools and "script" not in m.data:
                out.append(m.doc.diag(("renderers", tool), "unknown-tool",
                                      f"there is no tool `{tool}` to render (fine if a script registers it)",
                                      did_you_mean(tool, tools) + "renderers are keyed by tool name",
                                      severity="warning", at_key=True))
    return out
