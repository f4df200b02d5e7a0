"""`zot ext test` and `zot ext explain`: the rules' proof and their decision on one call."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zot.config import UserError, find_project_root
from zot.diagnostics import format_text


def test(args: argparse.Namespace) -> int:
    """With paths: those extensions, whatever their state. Without: the extensions that load here
    (enabled, and trusted when they are the project's), and one line on what was left out."""
    from zot.ext.discover import manifests_under
    from zot.ext.validate import validate_paths

    left_out: list[str] = []
    given = [*args.paths, *getattr(args, "ext", [])]
    if given:
        paths: list[Path] = []
        for raw in given:
            if not Path(raw).exists():
                raise UserError(f"no such file or folder: {raw}", "give an extension folder or file", code=2)
            paths += [p for p in manifests_under(Path(raw)) if p.name == "extension.yaml"]
    else:
        paths, left_out = _testable(find_project_root())
    for line in left_out:
        print(f"note: {line}", file=sys.stderr)
    if not paths:
        print("no extensions to test")
        return 0
    report = validate_paths(paths, run_programs=True)
    failed = 0
    sources = report.sources()
    for f in report.files:
        data = f.data or {}
        count = sum(len(v or []) for g in (data.get("guards") or {}).values() if isinstance(g, dict)
                    for v in (g.get("examples") or {}).values()) + len(data.get("tests") or [])
        errors = [d for d in f.diagnostics if d.is_error]
        name = data.get("name", f.doc.display)
        if errors:
            failed += 1
            print(f"FAIL {name}: {len(errors)} problem(s) ({f.doc.display})")
            for d in errors:
                print(format_text(d, sources.get(d.file)))
        else:
            print(f"ok   {name}: {count} example(s) and test(s) pass ({f.doc.display})")
        for note in f.notes:
            print(f"note: {name}: {note}", file=sys.stderr)
    return 1 if failed else 0


def _turned_off(ext) -> bool:
    """Disabled by someone: not the shipped examples, which are off until a user turns them on."""
    from zot.ext.discover import SHIPPED_ON

    return ext.state == "disabled" and (ext.found.scope != "shipped" or ext.name in SHIPPED_ON)


def _testable(project: Path) -> tuple[list[Path], list[str]]:
    """The manifests of the extensions that load here, and what was left out and why."""
    from zot.ext.loader import load_extensions

    exts = [e for e in load_extensions(project) if not e.alias]
    paths = [e.found.path for e in exts if e.state == "loaded" and e.found.path.name == "extension.yaml"]
    notes = []
    restricted = [e for e in exts if e.state == "restricted"]
    if restricted:
        names = ", ".join(e.name for e in restricted)
        notes.append(f"not tested: {names} (this project is not trusted, and tests may run its programs); "
                     f"run `zot trust`, or `zot ext test {restricted[0].found.path.parent}` to test one anyway")
    disabled = [e for e in exts if _turned_off(e)]
    if disabled:
        notes.append(f"not tested (disabled): {', '.join(e.name for e in disabled)}; "
                     "`zot ext test PATH` tests one anyway")
    broken = [e for e in exts if e.state in ("error", "conflict")]
    if broken:
        notes.append(f"not tested ({'/'.join(sorted({e.state for e in broken}))}): "
                     f"{', '.join(e.name for e in broken)}; see `zot ext list`")
    return paths, notes


def widgets(args: argparse.Namespace) -> int:
    """Render every widget once, as the REPL would at start-up; testable without a terminal."""
    import asyncio

    from zot.ext.engine import build_engine
    from zot.ext.loader import load_extensions
    from zot.tools import builtin_tools

    project = find_project_root()
    paths = tuple(Path(p).resolve() for p in args.paths)
    for path in paths:
        if not (path / "extension.yaml").is_file():
            raise UserError(f"{path} has no extension.yaml", "give extension folders", code=2)
    exts = load_extensions(project, paths, discover_scopes=not paths)
    engine = build_engine(exts, project, {t.name: t for t in builtin_tools()})
    problems = [*(_not_loaded(e) for e in exts if e.state == "error"), *engine.problems]
    for problem in problems:     # else a broken manifest would read as "no widgets"
        print(f"zot: error: {problem}", file=sys.stderr)
    if not engine.widgets:
        print("no widgets")
        return 1 if problems else 0

    async def render_all() -> list[str]:
        return await asyncio.gather(*(w.refresh(Path.cwd()) for w in engine.widgets))

    for widget, text in zip(engine.widgets, asyncio.run(render_all())):
        print(f"{widget.qualified} [{widget.placement}]: {text}")
    return 1 if problems or any(w.error for w in engine.widgets) else 0


def _not_loaded(ext) -> str:
    first = next((d for d in ext.diagnostics if d.is_error), None)
    where = f": {first.file}:{first.line}:{first.column}: {first.message}" if first else ""
    return f"extension {ext.name} was not loaded{where}"


def explain(args: argparse.Namespace) -> int:
    from zot.ext.decide import decide_now
    from zot.ext.engine import build_engine
    from zot.ext.hooks import CallInfo
    from zot.ext.loader import load_extensions
    from zot.tools import builtin_tools

    try:
        call_args = json.loads(args.args)
    except json.JSONDecodeError as exc:
        raise UserError(f"--args is not valid JSON: {exc.msg} at column {exc.colno}",
                        '--args \'{"command": "ls"}\'', code=2)
    if not isinstance(call_args, dict):
        raise UserError("--args must be a JSON object", '--args \'{"command": "ls"}\'', code=2)
    project = find_project_root()
    from zot.ext.packs.installed import require_intact

    require_intact(project)     # answering without a changed pack's rules would be a wrong answer
    tools = {t.name: t for t in builtin_tools()}
    extra = tuple(_extension_folder(raw) for raw in args.ext or ())
    exts = load_extensions(project, extra)
    engine = build_engine(exts, project, tools)
    call = CallInfo("explain", args.tool, dict(call_args), dict(call_args), str(Path.cwd()), str(project))
    tool = tools.get(args.tool) or engine.tools.get(args.tool)
    decided = decide_now(call, engine.hooks, getattr(tool, "parameters", None))
    scripts = [c.ext.name for c in engine.compiled if isinstance(c.ext.data.get("script"), dict) and not c.restricted]
    if args.format == "json":
        print(json.dumps({"tool": args.tool, "decision": decided.decision, "reason": decided.reason,
                          "args": call.args, "original_args": call.original_args,
                          "matches": [v.to_json() for v in decided.verdicts], "rewrites": decided.rewrites,
                          "scripts_not_asked": scripts, "not_judged": _not_judged(exts)}, indent=2))
        return 0
    print(f"tool: {args.tool}\nargs: {json.dumps(call.original_args)}")
    for r in decided.rewrites:
        print(f"  rewrite{' (shadow)' if r['shadow'] else ''}  {r['extension']}:{r['rule']} ({r['location']}): "
              f"{json.dumps(r['after'])}" + (f" [failed: {r['error']}]" if r["error"] else ""))
    for v in decided.verdicts:
        tag = v.decision + (" (shadow)" if v.shadow else "")
        print(f"  {tag:<8} {v.source.label()}: {v.reason}")
    if decided.invalid:
        print(f"  invalid  the arguments do not fit the {args.tool} tool: {decided.invalid}")
    if not decided.verdicts and not decided.rewrites and not decided.invalid:
        print("  no rule matched")
    print(f"decision: {decided.decision}")
    if call.args != call.original_args:
        print(f"final args: {json.dumps(call.args)}")
    if scripts:
        print(f"note: script intercepts are not asked here (scripts do not run in explain): "
              f"{', '.join(scripts)}", file=sys.stderr)
    for problem in engine.problems:
        print(f"note: {problem}", file=sys.stderr)
    for line in _not_judged(exts):
        print(f"note: {line}", file=sys.stderr)
    return 0


def _extension_folder(raw: str) -> Path:
    path = Path(raw)
    folder = path.parent if path.is_file() else path
    if not ((folder / "extension.yaml").is_file() or (folder / "extension.json").is_file()):
        raise UserError(f"no extension.yaml in {raw}", "give an extension folder with -e", code=2)
    return folder.resolve()


def _not_judged(exts) -> list[str]:
    """What explain left out or judged only in part, so no rule is skipped in silence."""
    lines = []
    restricted = [e.name for e in exts if e.state == "restricted" and not e.alias]
    if restricted:
        lines.append(f"this project is not trusted: only the deny and confirm rules of {', '.join(restricted)} "
                     "were judged (`zot trust` to judge all of them)")
    disabled = [e.name for e in exts if _turned_off(e)]
    if disabled:
        lines.append(f"not judged (disabled): {', '.join(disabled)}; `-e PATH` judges one anyway")
    broken = [e.name for e in exts if e.state in ("error", "conflict")]
    if broken:
        lines.append(f"not judged (not loaded, see `zot ext list`): {', '.join(broken)}")
    return lines
