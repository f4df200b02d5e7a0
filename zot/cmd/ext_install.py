"""`zot ext install|remove|update|info`: extensions shared from a folder, git or a .tar.gz."""
from __future__ import annotations

import argparse
from pathlib import Path

from zot.config import UserError, find_project_root


def target(args: argparse.Namespace):
    from zot.ext.packs.install import Target

    return Target("project" if args.project else "user", find_project_root(), getattr(args, "yes", False))


def print_lines(lines: list[str]) -> int:
    for line in lines:
        print(line)
    return 0


def install(args: argparse.Namespace) -> int:
    from zot.ext.packs.install import install as do_install

    return print_lines(do_install("extension", args.source, target(args), Path.cwd()).lines)


def remove(args: argparse.Namespace) -> int:
    from zot.ext.packs.manage import remove as do_remove

    return print_lines(do_remove("extension", args.name, target(args)))


def update(args: argparse.Namespace) -> int:
    from zot.ext.packs.manage import update as do_update

    return print_lines([line for result in do_update("extension", args.name, target(args)) for line in result.lines])


def info(args: argparse.Namespace) -> int:
    """The manifest's summary, where it came from (source, pinned commit, digest) and what it
    can do, for any extension that zot finds here: installed, in a folder, or shipped."""
    from zot.diagnostics import did_you_mean
    from zot.ext.loader import load_extensions
    from zot.ext.packs import checks, consent

    project = find_project_root()
    exts = load_extensions(project)
    matches = [e for e in exts if e.name == args.name]
    if not matches:
        raise UserError(f"no extension named `{args.name}`",
                        did_you_mean(args.name, {e.name for e in exts}) + "see `zot ext list`")
    ext = matches[0]
    data = ext.data
    print(f"{ext.name} {ext.version}  ({ext.found.scope}, {ext.state})")
    if data.get("description"):
        print(f"  {consent.escape(str(data['description']))}")
    print(f"  manifest: {ext.found.path}")
    for lock in checks.locks(project):
        for key, entry, via in _lock_entries(lock, ext.name):
            print(f"  installed {via} in {lock.path}")
            print(f"    source: {entry['source']}" + (f"  ref: {entry['ref']}" if entry.get("ref") else ""))
            if entry.get("commit"):
                print(f"    commit: {entry['commit']}")
            print(f"    sha256: {entry['sha256']}")
    for shadow in matches[1:]:
        print(f"  also at {shadow.found.path} ({shadow.found.scope}, {shadow.state})")
    params = data.get("params") or {}
    if params:
        print("  params:")
        for name, spec in params.items():
            spec = spec if isinstance(spec, dict) else {}
            value = ext.params.get(name, spec.get("default"))
            print(f"    {name} = {value!r}" + (f"  {consent.escape(str(spec['description']))}"
                                              if spec.get("description") else ""))
    print("  can do:")
    for line in consent.describe({"extensions": {ext.name: consent.of_extension(ext.name, data)}})[1:]:
        print("  " + line)
    return 0


def _lock_entries(lock, name: str):
    for pack, entry in lock.packs.items():
        if name in entry.get("extensions", {}):
            yield pack, entry, f"with pack {pack}"
    entry = lock.extensions.get(name)
    if entry is not None:
        yield name, entry, (f"by pack {entry['pack']}'s recipe" if entry.get("pack") else "with `zot ext install`")
