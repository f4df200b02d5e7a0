"""Params in matchers: `path: {match: "{{ params.protected }}"}` is rendered once, at load.

A matcher is compiled when the extension loads (regexes, globs), so its templates can use what
is known then: `params`, `project` and `project_data_dir`. A string that is exactly one
`{{ params.NAME }}` takes the param's own value, so a list param becomes the list of globs (or
programs, regexes, ...); inside a list it is spliced in (`match: [".env", "{{ params.extra }}"]`).
Any other template renders to text. `arg` and `expr` are never rendered (an expression reads
`params` itself), and neither are `flag_aliases` keys.
"""
from __future__ import annotations

import re
from typing import Any

from zot.ext import templates

WHOLE = re.compile(r"^\{\{\s*params((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\}$")
KEPT = frozenset({"arg", "expr"})
MATCHER_VARS = frozenset({"params", "project", "project_data_dir"})


def templated(node: Any) -> bool:
    if isinstance(node, str):
        return templates.looks_templated(node)
    if isinstance(node, dict):
        return any(templated(v) for k, v in node.items() if k not in KEPT)
    if isinstance(node, list):
        return any(templated(v) for v in node)
    return False


def render_when(node: Any, context: dict[str, Any]) -> Any:
    """A copy of a `when:` tree with its templates rendered (`context`: params, project,
    project_data_dir). Raises on a template error: the extension then does not load."""
    if isinstance(node, dict):
        return {k: v if k in KEPT else render_when(v, context) for k, v in node.items()}
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            value = render_when(item, context)
            if isinstance(item, str) and WHOLE.match(item) and isinstance(value, list):
                out.extend(value)           # a list param inside a list: its items, in place
            else:
                out.append(value)
        return out
    if isinstance(node, str) and templates.looks_templated(node):
        whole = WHOLE.match(node)
        if whole:
            return _lookup(context.get("params") or {}, whole.group(1)[1:].split("."), node)
        return templates.render(node, context)
    return node


def _lookup(params: dict, names: list[str], source: str) -> Any:
    value: Any = params
    for name in names:
        if not isinstance(value, dict) or name not in value:
            raise ValueError(f"`{source}`: the extension has no param `{'.'.join(names)}`")
        value = value[name]
    return value
