"""`register_guard` (capability register_guard): a guard sent by a script, written exactly as in
extension.yaml, checked and compiled by the same code as a manifest's.

The guard is wrapped in a one-guard manifest (the extension's params included, so templates and
expressions may use them), schema-checked and checked like a file, then `compile_guard` makes the
rule. A guard that does not pass is refused with the diagnostics; the script gets an `error`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zot.ext.compile.context import ExtCtx
from zot.ext.compile.guards import Rule, compile_guard
from zot.ext.hooks import Source
from zot.yamlio import Document, to_plain

if TYPE_CHECKING:
    from zot.ext.script.extension import ScriptExtension


def _document(ext_name: str, guard_name: str, manifest: dict[str, Any]) -> Document:
    """The manifest as a Document: JSON is YAML, so positions come from the same parser."""
    from ruamel.yaml import YAML

    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    return Document(Path(f"<register_guard {ext_name}:{guard_name}>"), text, YAML(typ="rt").load(text))


def compile_registered(ext: "ScriptExtension", name: str, node: Any,
                       tool_params: dict[str, dict]) -> tuple[Rule | None, list[str]]:
    """(rule, []) or (None, problems)."""
    from zot.ext import schema_check
    from zot.ext.checks.local import check_document

    if not name:
        return None, ["it needs a `name`"]
    if not isinstance(node, dict):
        return None, ["`guard` must be an object, as a guard in extension.yaml"]
    base = ext.spec.ext
    params = dict(getattr(base, "data", {}).get("params") or {}) if base is not None else {}
    manifest: dict[str, Any] = {"schema": "zot/extension/v1", "name": ext.name, "version": "0.0.0",
                                "description": "a guard registered by a script", "guards": {name: node}}
    if params:
        manifest["params"] = params
    try:
        doc = _document(ext.name, name, manifest)
        plain = to_plain(doc.data)
        diags = schema_check.check(doc, plain, "extension") + check_document(doc, plain)
    except Exception as exc:  # RecursionError on a hostile guard, a checker's bug: refuse, never crash
        return None, [f"it could not be checked: {type(exc).__name__}: {exc}"]
    errors = [f"{'.'.join(map(str, d.path[2:])) or 'guard'}: {d.message}" for d in diags if d.is_error]
    if errors:
        return None, errors
    ctx = ExtCtx(name=ext.name, scope=ext.spec.scope, doc=doc, data=plain,
                 params=getattr(base, "params", {}) if base is not None else {},
                 project=getattr(base, "project", ext.spec.folder) if base is not None else ext.host.project,
                 tool_params=tool_params, order=ext.spec.order)
    try:
        rule = compile_guard(name, plain["guards"][name], ctx)
    except Exception as exc:
        return None, [f"it does not compile: {exc}"]
    rule.source = Source(ext.name, name, ext.spec.label)
    return rule, []
