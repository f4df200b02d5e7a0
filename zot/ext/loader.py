"""Which extensions load in a project: discovery, validation, settings, trust and precedence.

A bad extension is skipped and reported; the rest load. When two scopes hold an extension of the
same name, the nearer one wins (cli > project > global > shipped) and the other is listed as
shadowed, naming both sources, with two exceptions that keep a cloned repository from switching
rules off: an extension that is broken never takes a name (the other one stays loaded), and a
project extension never takes the name of a global or shipped extension that is on (it is
listed as a `conflict` and not loaded).

A project that is not trusted (or changed since) loads only the restrictive part of its
extensions (`restricted`, shown as "restrictive only"; see zot.ext.polarity), plus, when it was
trusted before, the restrictive rules of the version the user trusted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zot.config import Settings, load_settings
from zot.diagnostics import Diagnostic
from zot.ext import polarity
from zot.ext import trust as trust_mod
from zot.ext.discover import EXPLICIT_YES, PROTECTED, SHIPPED_ON, SCOPE_ORDER, Found, discover, manifest_in  # noqa: F401
from zot.ext.validate import Checked, check_file_cached, cross_check


@dataclass
class Extension:
    """One discovered extension and what became of it."""

    found: Found
    checked: Checked
    state: str = "loaded"          # loaded | restricted | disabled | error | shadowed | conflict
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)     # e.g. a settings param of the wrong type
    alias: str | None = None       # the name it loads under (the trusted version's rules: NAME@trusted)
    keep: Callable[[str, Any], bool] | None = None        # which restrictive rules load (see polarity)

    @property
    def name(self) -> str:
        if self.alias:
            return self.alias
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

    @property
    def active(self) -> bool:
        """Compiled into the engine: fully, or only its restrictive rules."""
        return self.state in ("loaded", "restricted")


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


class Loaded(list):
    """The extensions of a project, and where its trust stands (for the one-line notice)."""

    trust: "trust_mod.Status | None" = None

    def trust_notice(self) -> str:
        """One line when the project's `.zot/` is not trusted (or changed), else ''."""
        status = self.trust
        if status is None or not status.present or status.trusted:
            return ""
        from zot.ext.trust_report import report

        restricted = [e.name for e in self if e.state == "restricted" and not e.alias]
        return report(status.project, status).notice(restricted)


def _enabled(ext: Extension, settings: Settings) -> bool:
    default = (ext.checked.enabled or ext.found.scope == "cli") and \
        (ext.found.scope != "shipped" or ext.name in SHIPPED_ON)
    protected = ext.found.scope == "shipped" and ext.name in PROTECTED
    if protected and settings.extension_enabled(ext.name, default) != settings.extension_enabled(
            ext.name, default, user_only=True):
        ext.problems.append(f"project settings cannot turn off {ext.name}: only your own settings can "
                            f"(`zot ext disable {ext.name}` writes them)")
    return settings.extension_enabled(ext.name, default, user_only=protected)


def load_extensions(project: Path, cli_paths: tuple[Path, ...] = (), discover_scopes: bool = True,
                    settings: Settings | None = None) -> Loaded:
    status = trust_mod.status(project) if discover_scopes else None
    trusted = bool(status and status.trusted)
    if settings is None:
        settings = load_settings(project, trusted_project=trusted)
    found = [Found((manifest_in(p) or p / "extension.yaml") if p.is_dir() else p, "cli") for p in cli_paths]
    if discover_scopes:
        from zot.ext.packs.installed import scan

        found += discover(project) + scan(project).found      # folders, then what the locks pin
    exts = Loaded(Extension(f, check_file_cached(f.path)) for f in found)
    exts.trust = status
    on = {id(e): _enabled(e, settings) for e in exts if e.checked.ok}
    holders = {e.name: e for e in reversed(exts) if e.found.scope in ("global", "shipped") and on.get(id(e))}
    winners: dict[str, Extension] = {}
    for ext in sorted(exts, key=lambda e: SCOPE_ORDER[e.found.scope]):
        entry = settings.extension(ext.name)
        ext.params = resolve_params(ext.data, entry.get("params") or {}, ext.problems)
        holder = holders.get(ext.name)
        if not ext.checked.ok:
            ext.state, ext.note = "error", "not loaded: fix the errors below"
            continue     # a broken extension never takes a name
        if ext.name in winners:
            first = winners[ext.name]
            ext.state, ext.note = "shadowed", f"shadowed by {first.found.scope} {first.found.path}"
            continue
        if ext.found.scope == "project" and holder is not None:
            ext.state = "conflict"
            ext.note = (f"not loaded: the name `{ext.name}` belongs to the {holder.found.scope} extension at "
                        f"{holder.found.path}, which a project cannot replace; rename this one")
            continue
        if ext.found.scope == "project" and not trusted:
            ext.state = "restricted"
            ext.note = ("restrictive only (its deny and confirm rules and redactions) until you run `zot trust`"
                        if polarity.has_restrictive(ext.data) else
                        "waits for `zot trust` (it has no deny or confirm rules to apply before)")
        elif not on[id(ext)]:
            ext.state, ext.note = "disabled", "run `zot ext enable " + ext.name + "` to turn it on"
        winners[ext.name] = ext
    if status is not None and status.changed:
        exts.extend(_trusted_versions(project, exts))
    active = [e for e in exts if e.state in ("loaded", "disabled", "restricted") and not e.alias]
    before = {id(e): len(e.diagnostics) for e in active}
    cross_check([e.checked for e in active])
    for ext in active:
        if ext.active and any(_fatal(d, i >= before[id(ext)]) for i, d in enumerate(ext.diagnostics)):
            ext.state, ext.note = "error", "not loaded: fix the errors below"
    return exts


# Clashes across manifests that loading settles on its own: the nearer extension keeps the key and
# the engine reports the binding it drops. Unloading the later extension for it would drop its
# guards too, because of a key another extension chose.
SETTLED_ACROSS = frozenset({"key-clash"})


def _fatal(diag: Diagnostic, across: bool) -> bool:
    return diag.is_error and not (across and diag.code in SETTLED_ACROSS)


def _trusted_versions(project: Path, exts: list[Extension]) -> list[Extension]:
    """The restrictive rules of the version the user trusted that the current version lacks."""
    current = {e.name: e.data for e in exts if e.found.scope == "project" and e.state == "restricted"}
    out = []
    for path in trust_mod.snapshots(project):
        checked = check_file_cached(path)
        if not checked.ok or not polarity.has_restrictive(checked.data or {}):
            continue
        name = str(checked.data.get("name"))
        keep = polarity.trusted_rules(checked.data, current.get(name))
        wanted = [k for k in (checked.data.get("guards") or {}) if polarity.restrictive_guard(
            checked.data["guards"][k]) and keep("guards", k)] + \
            [i for i, h in enumerate(checked.data.get("hooks") or []) if polarity.restrictive_hook(h) and keep("hooks", i)]
        if not wanted:
            continue
        ext = Extension(Found(path, "project"), checked, "restricted", alias=f"{name}@trusted", keep=keep,
                        note="the restrictive rules of the version you trusted, kept until you trust the change")
        ext.params = resolve_params(ext.data, {})
        out.append(ext)
    return out
