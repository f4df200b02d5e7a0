"""`zot ext validate`: parse, schema-check and semantically check manifests and recipes.

Every problem becomes a Diagnostic; nothing a file contains can raise out of here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zot.diagnostics import Diagnostic, did_you_mean, sort_key
from zot.ext import schema_check
from zot.ext.checks.cross import Manifest, check_all
from zot.ext.checks.local import check_document
from zot.ext.checks.sites import mapping, seq
from zot.yamlio import Document, load_document


@dataclass
class Checked:
    doc: Document
    kind: str                      # extension | recipe | go-extension (extension.json)
    data: dict | None = None       # plain data when the file parsed
    diagnostics: list[Diagnostic] = field(default_factory=list)
    enabled: bool = True           # extension.json's `enabled`: the default, settings may change it
    notes: list[str] = field(default_factory=list)    # tests that were skipped, and why

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


@dataclass
class Report:
    files: list[Checked]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted((d for f in self.files for d in f.diagnostics), key=sort_key)

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(not d.is_error for d in self.diagnostics)

    def sources(self) -> dict[str, str]:
        return {f.doc.display: f.doc.text for f in self.files}

    @property
    def notes(self) -> list[str]:
        """`file: skipped tests ...`: what was not checked, so nothing is passed over in silence."""
        return [f"{f.doc.display}: {note}" for f in self.files for note in f.notes]


def kind_of(path: Path) -> str:
    if path.name == "extension.json":
        return "go-extension"
    return "recipe" if path.name.startswith("recipe") else "extension"


def check_go_extension(path: Path) -> Checked:
    """A Go-zot `extension.json`: JSON syntax, then `name` and `exec` (zot.ext.gojson)."""
    from zot.ext import gojson

    doc, raw = gojson.parse(path)
    checked = Checked(doc, "go-extension", diagnostics=list(doc.diagnostics))
    if raw is None:
        return checked
    checked.diagnostics.extend(gojson.check(doc, raw))
    checked.data = gojson.as_manifest(raw)
    checked.enabled = raw.get("enabled") is not False
    return checked


def check_file(path: Path, cache: bool = False) -> Checked:
    """Parse and check one file on its own (no cross-file checks).

    With `cache` (`zot ext validate`), a file whose exact content was clean before, with the same
    zot and schemas, is not parsed or schema-checked again: its data comes from the clean cache
    (see `check_file_cached`). Its own checks still run, since they may read other files (a
    recipe's extension folders), and so do the cross-file checks and the proofs. A clean result
    is remembered for the next run."""
    kind = kind_of(path)
    if kind == "go-extension":
        return check_go_extension(path)
    key = clean_key(path) if cache else None
    checked = _remembered(path, kind, key) if key else None
    known = checked is not None
    if checked is None:
        doc = load_document(path)
        checked = Checked(doc, kind, diagnostics=list(doc.diagnostics))
        if not isinstance(doc.plain, dict):
            return checked
        checked.data = doc.plain
    doc, plain = checked.doc, checked.data
    try:
        if not known:
            checked.diagnostics.extend(schema_check.check(doc, plain, kind))
        if kind == "extension":
            checked.diagnostics.extend(check_document(doc, plain))
        else:
            checked.diagnostics.extend(check_recipe(doc, plain))
    except RecursionError:
        checked.diagnostics.append(doc.diag((), "too-deep", "the file nests too deeply to check",
                                            "flatten the structure"))
    except Exception as exc:  # a bug in a check must not hide the file's other diagnostics or crash zot
        checked.diagnostics.append(doc.diag((), "check-failed", f"zot could not finish checking this file: "
                                            f"{type(exc).__name__}: {exc}",
                                            "this is a bug in zot; please report it with this file"))
    if key and not known:
        _remember(key, checked)
    return checked


def check_file_cached(path: Path) -> Checked:
    """check_file for start-up: a file whose exact content was clean before (same zot, same
    schemas) is neither checked nor parsed again: its data comes from the cache as JSON. Problems
    are never cached, so a broken file is always re-checked and reported."""
    key = clean_key(path)
    checked = _remembered(path, kind_of(path), key) if key else None
    if checked is not None:
        return checked
    checked = check_file(path)
    if key:
        _remember(key, checked)
    return checked


def clean_key(path: Path) -> tuple[bytes, Path] | None:
    """(the file's bytes, the marker that would say they were clean), None if unreadable. The key
    hashes the exact bytes with zot's version and the shipped schemas: a new zot or schema
    re-checks everything."""
    import hashlib

    from zot import __version__
    from zot.config import zot_home

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    key = hashlib.sha256(raw + b"\0" + __version__.encode() + b"\0" + _schemas_digest()).hexdigest()
    return raw, zot_home() / "cache" / "clean" / key


def _remembered(path: Path, kind: str, key: tuple[bytes, Path]) -> Checked | None:
    import json

    raw, marker = key
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    doc = Document(path, raw.decode("utf-8-sig", errors="replace"), _plain=data, _lazy=True)
    checked = Checked(doc, kind, data=data)
    if kind == "go-extension":    # `enabled` is not part of the manifest data: read it again
        checked.enabled = _go_enabled(doc.text)
    return checked


def _remember(key: tuple[bytes, Path], checked: Checked) -> None:
    """Mark a file clean: only a file without a single diagnostic, whose data JSON keeps exactly."""
    import json

    if checked.data is None or checked.diagnostics:
        return
    marker = key[1]
    try:
        text = json.dumps(checked.data, sort_keys=True)
        if json.loads(text) == checked.data:      # only data JSON keeps exactly (no dates, int keys)
            marker.parent.mkdir(parents=True, exist_ok=True)
            tmp = marker.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(marker)
    except (OSError, TypeError, ValueError):
        pass   # no cache, just slower start-ups


def _go_enabled(text: str) -> bool:
    import json

    try:
        raw = json.loads(text)
    except ValueError:
        return True
    return not (isinstance(raw, dict) and raw.get("enabled") is False)


_SCHEMAS: bytes | None = None


def _schemas_digest() -> bytes:
    global _SCHEMAS
    if _SCHEMAS is None:
        import hashlib

        from zot.config import shipped_dir

        digest = hashlib.sha256()
        for name in ("extension.schema.json", "recipe.schema.json"):
            try:
                digest.update((shipped_dir("schemas") / name).read_bytes())
            except OSError:
                pass
        _SCHEMAS = digest.digest()
    return _SCHEMAS


def check_recipe(doc: Document, data: dict) -> list[Diagnostic]:
    from zot.config import shipped_dir

    out: list[Diagnostic] = []
    shipped = {p.name for p in shipped_dir("extensions").iterdir() if p.is_dir()} \
        if shipped_dir("extensions").is_dir() else set()
    for i, item in enumerate(seq(data.get("extensions"))):
        item = mapping(item)
        rel = item.get("path")
        if isinstance(rel, str):
            folder = (doc.path.parent / rel).resolve()
            if not (folder / "extension.yaml").is_file() and not (folder / "extension.json").is_file():
                out.append(doc.diag(("extensions", i, "path"), "missing-extension",
                                    f"there is no extension.yaml in `{rel}` (looked in {folder})",
                                    "paths are relative to the folder of recipe.yaml"))
        name = item.get("name")
        if isinstance(name, str) and name not in shipped:
            out.append(doc.diag(("extensions", i, "name"), "unknown-extension",
                                f"zot ships no extension `{name}`",
                                did_you_mean(name, shipped) + "use `path:` for your own extensions",
                                severity="warning"))
    return out


def validate_paths(paths: list[Path], run_programs: bool = False, cache: bool = False) -> Report:
    """Check every file, then the checks that need all of them (unique names, known tools), then
    the examples and tests (those that run programs only when `run_programs`). `cache`: files
    clean before are not parsed again (see `check_file`)."""
    files = [check_file(p, cache) for p in paths]
    cross_check(files)
    prove_all(files, run_programs)
    for f in files:
        f.diagnostics = one_per_problem(f.diagnostics)
    return Report(files)


def one_per_problem(diags: list[Diagnostic]) -> list[Diagnostic]:
    """One message at one spot for one problem. Several checks can see the same mistake: a value
    of the wrong type is also not one of the allowed values, a misspelt matcher test leaves the
    matcher without one, a tool name that breaks the schema is also unknown. The most specific
    message stays: the type over the value, the unknown key over the key it should have been, the
    schema over the checks that run after it."""
    spots: dict[tuple, list[Diagnostic]] = {}
    for d in diags:
        spots.setdefault((d.file, d.line, d.column), []).append(d)
    drop: set[int] = set()
    misspelt = {tuple(d.path[:-1]) for d in diags if d.code == "unknown-key" and d.path}
    for d in diags:     # a misspelt test (`regx:`) is the reason its matcher has none: one message
        if d.code == "missing-key" and "needs exactly one of" in d.message and tuple(d.path) in misspelt:
            drop.add(id(d))
    for group in spots.values():
        if len(group) < 2:
            continue
        codes = {d.code for d in group}
        seen: set[str] = set()
        for d in group:
            if (d.code in seen and d.code in ("bad-type", "bad-value")) or \
                    (d.code == "bad-value" and "bad-type" in codes) or \
                    (d.code == "unknown-tool" and "bad-value" in codes):
                drop.add(id(d))
            seen.add(d.code)
    return [d for d in diags if id(d) not in drop]


def prove_all(files: list[Checked], run_programs: bool = False) -> None:
    """Run guard examples and tool_call tests of every extension that is otherwise clean."""
    import asyncio

    asyncio.run(_prove_all(files, run_programs))


async def _prove_all(files: list[Checked], run_programs: bool) -> None:
    from zot.config import find_project_root
    from zot.ext.checks.cross import Manifest, known_tools
    from zot.ext.compile.context import ExtCtx
    from zot.ext.loader import resolve_params
    from zot.ext.proof import as_diagnostics, prove_async

    exts = [f for f in files if f.kind == "extension" and f.data is not None]
    tools = known_tools([Manifest(f.doc, f.data) for f in exts])
    params_of = {name: schema or {} for name, schema in tools.items()}
    for f in exts:
        if not f.ok:
            continue
        ctx = ExtCtx(name=str(f.data.get("name")), scope="", doc=f.doc, data=f.data,
                     params=resolve_params(f.data, {}), project=find_project_root(), tool_params=params_of)
        try:
            f.diagnostics.extend(as_diagnostics(ctx, await prove_async(ctx, run_programs, f.notes)))
        except Exception as exc:  # a compile failure of a validated manifest is reported, not raised
            f.diagnostics.append(f.doc.diag((), "compile-failed", f"the extension does not compile: {exc}",
                                            "this is probably a bug in zot; please report it"))


def cross_check(files: list[Checked]) -> None:
    """Checks across files; their diagnostics are added to the file they concern."""
    manifests = [Manifest(f.doc, f.data) for f in files if f.kind == "extension" and f.data is not None]
    by_file = {f.doc.display: f for f in files}
    try:
        cross = check_all(manifests)
    except RecursionError:
        cross = []
    for diag in cross:
        by_file[diag.file].diagnostics.append(diag)
