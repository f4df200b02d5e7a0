"""Which extensions load in a project: discovery, validation, settings, trust and precedence.

A bad extension is skipped and reported; the rest load. When two scopes hold an extension of the
same name, the nearer one wins (cli > project > global > shipped) and the other is listed as
shadowed, naming both sources.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.config import Settings, load_settings
from zot.diagnostics import Diagnostic
from zot.ext import trust as trust_mod
from zot.ext.discover import SCOPE_ORDER, Found, discover, manifest_in
from zot.ext.validate import Checked, check_file_cached, cross_check

# shipped extensions that are on until the user turns them off; the others are examples
SHIPPED_ON = frozenset({"safety"})


@dataclass
class Extension:
    """One discovered extension and what became of it."""

    found: Found
    checked: Checked
    state: str = "loaded"          # loaded | disabled | untrusted | error | shadowed
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)     # e.g. a settings param of the wrong type

    @property
    def name(self) -> str:
        data = self.checked.data or {}
        name = data.get("name")
        return name if isinstance(name, str) else self.found.folder.name

    @property
    def version(self) -> str:
        return str((self.checked.data or {}).get("version", "?"))

    @property
    def data(self) -> dict:
        return self.checked.data or {}

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.checked.diagnostics

    @property
    def loaded(self) -> bool:
        return self.state == "loaded"


def resolve_params(data: dict, overrides: dict, problems: list[str] | None = None) -> dict[str, Any]:
    """Defaults, then the user's settings. An override of an undeclared param, or one that does not
    fit the declaration, is left out and described in `problems`."""
    declared = data.get("params") or {}
    params: dict[str, Any] = {}
    for name, spec in declared.items():
        if isinstance(spec, dict) and "default" in spec:
            params[name] = spec["default"]
    if not isinstance(overrides, dict):
        return params
    for key, value in overrides.items():
        spec = declared.get(key)
        if not isinstance(spec, dict):
            if problems is not None:
                problems.append(f"settings set param `{key}`, which extension {data.get('name')} does not declare")
            continue
        from jsonschema import Draft202012Validator   # only when settings override a param

        schema = {k: v for k, v in spec.items() if k in ("type", "enum", "items", "minimum", "maximum")}
        error = next(iter(Draft202012Validator(schema).iter_errors(value)), None)
        if error is not None:
            if problems is not None:
                problems.append(f"settings param `{key}` of extension {data.get('name')}: {error.message}; "
                                "using the default")
            continue
        params[key] = value
    return params


def load_extensions(project: Path, cli_paths: tuple[Path, ...] = (), discover_scopes: bool = True,
                    settings: Settings | None = None) -> list[Extension]:
    trusted = trust_mod.is_trusted(project)
    if settings is None:
        settings = load_settings(project, trusted_project=trusted)
    found = [Found((manifest_in(p) or p / "extension.yaml") if p.is_dir() else p, "cli") for p in cli_paths]
    if discover_scopes:
        found += discover(project)
    exts = [Extension(f, check_file_cached(f.path)) for f in found]
    winners: dict[str, Extension] = {}
    for ext in sorted(exts, key=lambda e: SCOPE_ORDER[e.found.scope]):
        entry = settings.extension(ext.name)
        ext.params = resolve_params(ext.data, entry.get("params") or {}, ext.problems)
        if ext.name in winners:
            first = winners[ext.name]
            ext.state, ext.note = "shadowed", f"shadowed by {first.found.scope} {first.found.path}"
        elif not ext.checked.ok:
            ext.state, ext.note = "error", "not loaded: fix the errors below"
        elif ext.found.scope == "project" and not trusted:
            changed = trust_mod.was_trusted(project)
            ext.state = "untrusted"
            ext.note = ("changed since you trusted it: " if changed else "") + "run `zot trust` to load it"
        elif not settings.extension_enabled(ext.name, (ext.checked.enabled or ext.found.scope == "cli") and
                                            (ext.found.scope != "shipped" or ext.name in SHIPPED_ON)):
            ext.state, ext.note = "disabled", "run `zot ext enable " + ext.name + "` to turn it on"
        if ext.state != "shadowed":
            winners.setdefault(ext.name, ext)
    active = [e for e in exts if e.state in ("loaded", "disabled")]
    cross_check([e.checked for e in active])
    for ext in active:
        if ext.loaded and not ext.checked.ok:
            ext.state, ext.note = "error", "not loaded: fix the errors below"
    return exts
