"""`zot recipe ...`: install, list, apply, update, remove, sync, pack and verify recipe packs."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zot.cmd.ext_install import print_lines, target
from zot.config import UserError, find_project_root


def run(args: argparse.Namespace) -> int:
    handler = {"install": install, "list": list_recipes, "apply": apply, "update": update, "remove": remove,
               "sync": sync, "pack": pack, "verify": verify}[args.action]
    return handler(args)


def install(args: argparse.Namespace) -> int:
    from zot.ext.packs.apply import apply as do_apply
    from zot.ext.packs.install import install as do_install

    t = target(args)
    result = do_install("pack", args.source, t, Path.cwd())
    return print_lines(result.lines + (do_apply(result.name, t.scope, t.project) if result.changed else []))


def update(args: argparse.Namespace) -> int:
    """An updated pack is applied again, so a param its new recipe changed takes effect."""
    from zot.ext.packs.apply import apply as do_apply
    from zot.ext.packs.manage import update as do_update

    t = target(args)
    lines: list[str] = []
    for result in do_update("pack", args.name, t, args.ref):
        lines += result.lines + (do_apply(result.name, t.scope, t.project) if result.changed else [])
    return print_lines(lines)


def remove(args: argparse.Namespace) -> int:
    from zot.ext.packs.manage import remove as do_remove

    return print_lines(do_remove("pack", args.name, target(args)))


def apply(args: argparse.Namespace) -> int:
    from zot.ext.packs.apply import apply as do_apply

    return print_lines(do_apply(args.name, "project" if args.project else "user", find_project_root()))


def sync(args: argparse.Namespace) -> int:
    from zot.ext.packs.sync import sync as do_sync

    done, failed = do_sync(find_project_root())
    for line in done:
        print(line)
    for line in failed:
        print(f"zot: error: {line}", file=sys.stderr)
    if not done and not failed:
        print("nothing is locked here (.zot/zot.lock) or for you ($ZOT_HOME/zot.lock)")
    return 1 if failed else 0


def list_recipes(args: argparse.Namespace) -> int:
    from zot.ext.packs import checks, store
    from zot.ext.packs.apply import shipped_recipes
    from zot.ext.validate import check_file

    rows = []
    for lock in checks.locks(find_project_root()):
        for name, entry in sorted(lock.packs.items()):
            problem = store.problem("pack", name, entry["sha256"])
            rows.append({"name": name, "version": entry["version"], "scope": lock.scope, "source": entry["source"],
                         "ref": entry["ref"], "commit": entry["commit"], "sha256": entry["sha256"],
                         "extensions": sorted(entry["extensions"]), "state": "changed" if problem and
                         problem.startswith("its files") else "missing" if problem else "ok"})
    for name, path in shipped_recipes().items():
        data = check_file(path).data or {}
        rows.append({"name": name, "version": str(data.get("version", "?")), "scope": "shipped",
                     "source": str(path.parent), "ref": None, "commit": None, "sha256": None,
                     "extensions": [], "state": "ok", "description": data.get("description", "")})
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows) if rows else 0
    for r in rows:
        pin = (f"@{r['ref']}" if r["ref"] else "") + (f" ({r['commit'][:12]})" if r["commit"] else "")
        print(f"{r['name']:<{width}}  {r['version']:<8} {r['scope']:<8} {r['state']:<8} {r['source']}{pin}")
    return 0


def pack(args: argparse.Namespace) -> int:
    from zot.ext.packs import archive, content, tree

    folder = Path(args.dir)
    if not folder.is_dir():
        raise UserError(f"{args.dir} is not a folder", "give the folder that holds recipe.yaml", code=2)
    kind = "pack" if (folder / "recipe.yaml").is_file() else "extension"
    got = content.read(folder, args.dir, kind)
    out = Path(args.output) if args.output else Path.cwd() / f"{got.name}-{got.version}.tar.gz"
    digest = archive.pack(folder, got.name, out)
    out.with_name(out.name + ".sha256").write_text(f"{digest}  {out.name}\n", encoding="utf-8")
    print(f"wrote {out} ({kind} {got.name} {got.version})")
    print(f"sha256 {digest}")
    print(f"tree sha256 {tree.digest(folder)} (what a lock records once it is installed)")
    return 0


def verify(args: argparse.Namespace) -> int:
    from zot.ext.packs.verify import verify as do_verify

    ok, lines = do_verify(args.target, args.sha256, find_project_root())
    for line in lines:
        print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
