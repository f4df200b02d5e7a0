"""`zot docs [TOPIC]`: the documentation, as installed with zot (the wheel ships docs/).

A user who installed zot with pip has no checkout: the tutorial, the guard reference and the
trust model must still be one command away, and must be the same text as the repository's.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from zot.config import UserError, shipped_dir

ALIASES = {"schema": "editor", "guard": "guards", "hook": "hooks", "template": "templates", "expressions": "templates"}


def topics() -> dict[str, Path]:
    folder = shipped_dir("docs")
    return {p.stem: p for p in sorted(folder.glob("*.md"))} if folder.is_dir() else {}


def first_line(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def run(args: argparse.Namespace) -> int:
    found = topics()
    if not found:
        raise UserError(f"the documentation is not installed here (looked in {shipped_dir('docs')})",
                        "reinstall zot, or read docs/ in its repository")
    if args.path:
        print(shipped_dir("docs"))
        return 0
    if not args.topic:
        width = max(len(name) for name in found)
        for name, path in found.items():
            print(f"{name:<{width}}  {first_line(path)}")
        print("\nzot docs TOPIC prints one; zot docs --path shows where they are installed")
        return 0
    name = ALIASES.get(args.topic, args.topic).removesuffix(".md")
    if name not in found:
        from zot.diagnostics import did_you_mean

        raise UserError(f"no topic `{args.topic}`", did_you_mean(args.topic, found) + "topics: " + ", ".join(found),
                        code=2)
    print(found[name].read_text(encoding="utf-8").rstrip("\n"))
    if name == "editor":
        print(f"\nInstalled with this zot: {(shipped_dir('schemas') / 'extension.schema.json').resolve()}")
    return 0
