"""`zot ext ...`: validate, list, new, enable, disable, logs."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zot.config import UserError, find_project_root, settings_path
from zot.diagnostics import format_json, format_text


def run(args: argparse.Namespace) -> int:
    from zot.cmd import ext_install, ext_proof, mcp

    handler = {"import-mcp": mcp.import_mcp, "validate": validate, "list": list_extensions, "new": new, "enable": enable,
               "disable": disable, "test": ext_proof.test, "explain": ext_proof.explain,
               "widgets": ext_proof.widgets, "logs": logs, "install": ext_install.install,
               "remove": ext_install.remove, "update": ext_install.update, "info": ext_install.info}[args.action]
    return handler(args)


def logs(args: argparse.Namespace, poll: float = 0.2) -> int:
    """`zot ext logs NAME [-f]`: $ZOT_HOME/logs/ext-NAME.log; -f follows until Ctrl-C."""
    import re
    import time

    from zot.ext.script.process import log_path

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", args.name):
        raise UserError(f"`{args.name}` is not an extension name", "see `zot ext list`", code=2)
    path = log_path(args.name)
    if not path.exists() and not args.follow:
        raise UserError(f"no log for {args.name} yet ({path})",
                        "a script extension's log is written when zot starts its script")
    offset = 0
    try:
        while True:
            if path.exists():
                with path.open("rb") as fh:
                    fh.seek(offset)
                    chunk = fh.read()
                offset += len(chunk)
                if chunk:
                    sys.stdout.write(chunk.decode("utf-8", "replace"))
                    sys.stdout.flush()
            if not args.follow:
                return 0
            time.sleep(poll)
    except KeyboardInterrupt:
        return 0


def _default_targets(project: Path) -> list[Path]:
    from zot.ext.discover import discover

    paths = [f.path for f in discover(project, ("project", "global"))]
    recipes = project / ".zot" / "recipes"
    if recipes.is_dir():
        paths += sorted(recipes.rglob("recipe.yaml"))
    return paths


def validate(args: argparse.Namespace) -> int:
    from zot.ext.discover import manifests_under
    from zot.ext.validate import validate_paths

    targets: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if not path.exists():
            raise UserError(f"no such file or folder: {raw}", "give a path to an extension.yaml, "
                            "a recipe.yaml or a folder that holds them", code=2)
        found = manifests_under(path)
        if not found and path.is_dir():
            raise UserError(f"no extension.yaml or recipe.yaml below {raw}",
                            "run `zot ext new NAME` to start one", code=1)
        targets.extend(found)
    if not args.paths:
        targets = _default_targets(find_project_root())
        if not targets:
            print("no extensions in this project (.zot/extensions/) or in $ZOT_HOME/extensions; "
                  "run `zot ext new NAME` to start one", file=sys.stderr)
            return 0
    report = validate_paths(list(dict.fromkeys(targets)), cache=not getattr(args, "no_cache", False))
    diags = report.diagnostics
    if args.format == "json":
        print(format_json(diags))
    else:
        sources = report.sources()
        for diag in diags:
            print(format_text(diag, sources.get(diag.file)))
            print()
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
        files = len(report.files)
        noun = "file" if files == 1 else "files"
        if diags:
            print(f"{report.errors} error(s), {report.warnings} warning(s) in {files} {noun}", file=sys.stderr)
        else:
            print(f"ok: {files} {noun}, no problems")
    return 1 if report.errors else 0


def list_extensions(args: argparse.Namespace) -> int:
    from zot.ext.loader import load_extensions

    from zot.ext.packs.installed import scan

    project = find_project_root()
    exts = load_extensions(project)
    for problem in scan(project).problems:     # a pack that is not loaded must not just vanish
        print(f"zot: error: {problem}", file=sys.stderr)
    if args.format == "json":
        rows = [{"name": e.name, "version": e.version, "scope": e.found.scope, "state": e.state,
                 "enabled": e.loaded, "kind": e.found.kind, "path": str(e.found.path), "note": e.note,
                 "errors": [d.to_json() for d in e.diagnostics if d.is_error], "mcp": _mcp_rows(e)} for e in exts]
        print(json.dumps(rows, indent=2))
        return 0
    if not exts:
        print("no extensions found")
        return 0
    width = max(len(e.name) for e in exts)
    for e in exts:
        print(f"{e.name:<{width}}  {e.version:<8} {e.found.scope:<8} {e.state:<10} {e.found.path}")
        if e.note:
            print(f"{'':<{width}}  {e.note}")
        for row in _mcp_rows(e):
            from zot.ext.mcp.status import row_line

            print(f"{'':<{width}}  {row_line(row)}")
        for diag in [d for d in e.diagnostics if d.is_error][:3]:
            print(f"{'':<{width}}  {diag.file}:{diag.line}:{diag.column}: {diag.message}")
    notice = exts.trust_notice()
    if notice:
        print(f"\nnote: {notice}")
    return 0


def _mcp_rows(e) -> list:
    if "mcp" not in e.data or e.state == "error":
        return []
    from zot.ext.mcp.status import static_rows

    return static_rows(e.name, e.data, e.found.path.parent.resolve())


HEADER = """\
# yaml-language-server: $schema={schema}
# A zot extension. Check it with `zot ext validate`; `zot docs reference` lists every field,
# `zot docs schema` how your editor finds the schema.
schema: zot/extension/v1
name: {name}
version: 0.1.0
description: What {name} does, in one line
"""
BODY = """\

# Options users can set in settings.yaml under extensions: {{{name}: {{params: ...}}}}
params:
  greeting: {{type: string, default: Hello, description: How to greet}}

# Slash commands: /hello or /{name}:hello
commands:
  hello:
    description: Greet someone
    args:
      - {{name: who, default: world}}
    display: "{{{{ params.greeting }}}}, {{{{ args.who }}}}!"

# Rules on tool calls: deny, confirm, allow, warn or rewrite
guards:
  confirm-git-push:
    tool: bash
    when: {{shell: {{program: git, subcommand: push}}}}
    action: confirm
    reason: "push to a remote?"
    examples:
      confirm: ["git push origin main", "cd x && git push"]
      allow: ["git status", "echo git push"]
"""
STARTER = HEADER + BODY
# a global extension applies in every project at once: its starter does nothing until edited
GLOBAL_STARTER = HEADER + """
# Everything below is an example and does nothing until you remove the `# ` in front of it.
""" + "".join(("#" + line if line.startswith("#") else "# " + line if line.strip() else line)
            for line in BODY.splitlines(keepends=True))
SCHEMA_URL = "https://zot.dev/schemas/extension.schema.json"   # the schema's $id: the same on every machine


def new(args: argparse.Namespace) -> int:
    import re

    from zot.config import zot_home

    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", args.name):
        raise UserError(f"`{args.name}` is not a valid extension name",
                        "use lowercase letters, digits, - and _, starting with a letter", code=2)
    if args.dir:
        base = Path(args.dir)
    elif args.global_scope:
        base = zot_home() / "extensions"
    else:
        base = find_project_root() / ".zot" / "extensions"
    folder = base / args.name
    target = folder / "extension.yaml"
    if target.exists():
        raise UserError(f"{target} already exists", "choose another name or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    text = GLOBAL_STARTER if args.global_scope else STARTER
    target.write_text(text.format(name=args.name, schema=SCHEMA_URL), encoding="utf-8")
    from zot.yamlio import display_path

    print(f"wrote {display_path(target)}\ncheck it with: zot ext validate {display_path(folder)}")
    return 0


def _set_enabled(args: argparse.Namespace, enabled: bool) -> int:
    from zot import settings_edit
    from zot.ext.loader import PROTECTED, load_extensions

    project = find_project_root()
    names = sorted({e.name for e in load_extensions(project)})
    if not enabled and args.project and args.name in PROTECTED:
        raise UserError(f"a project cannot turn off {args.name}", f"run `zot ext disable {args.name}` to turn it "
                        "off in your own settings")
    if args.name not in names:
        from zot.diagnostics import did_you_mean

        raise UserError(f"no extension named `{args.name}`", did_you_mean(args.name, names) + "see `zot ext list`")
    path = settings_path("project" if args.project else "global", project)

    def change(data) -> None:
        settings_edit.entry(settings_edit.section(data, "extensions", path), args.name)["enabled"] = enabled

    settings_edit.edit(path, change, project if args.project else None)
    print(f"{'enabled' if enabled else 'disabled'} {args.name} in {path}")
    return 0


def enable(args: argparse.Namespace) -> int:
    return _set_enabled(args, True)


def disable(args: argparse.Namespace) -> int:
    return _set_enabled(args, False)
