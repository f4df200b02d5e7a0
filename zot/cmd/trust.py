"""`zot trust`: list what the project's extensions would run, then record trust by content hash."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zot.config import UserError, find_project_root


def what_will_run(project: Path) -> list[str]:
    """Human lines: every program, script and network call the project's extensions declare."""
    from zot.ext.discover import discover
    from zot.ext.validate import check_file

    lines: list[str] = []
    settings = project / ".zot" / "settings.yaml"
    if settings.is_file():
        lines.append(f"settings: {settings} (may choose the model and API base)")
    for found in discover(project, ("project",)):
        data = check_file(found.path).data or {}
        name = data.get("name", found.folder.name)
        lines.append(f"extension {name} ({found.path})")
        for section in ("commands", "tools", "widgets"):
            for key, item in (data.get(section) or {}).items():
                if isinstance(item, dict) and isinstance(item.get("run"), dict):
                    lines.append(f"  {section[:-1]} {key} runs: {' '.join(map(str, item['run'].get('argv', [])))}")
                if isinstance(item, dict) and isinstance(item.get("http"), dict):
                    lines.append(f"  {section[:-1]} {key} calls: {item['http'].get('url')}")
        for i, hook in enumerate(data.get("hooks") or []):
            if isinstance(hook, dict) and isinstance(hook.get("run"), dict):
                lines.append(f"  hook {i + 1} on {hook.get('on')} runs: {' '.join(map(str, hook['run'].get('argv', [])))}")
        script = data.get("script")
        if isinstance(script, dict):
            lines.append(f"  script: {script.get('exec')} {' '.join(map(str, script.get('args', [])))}")
    return lines


def run(args: argparse.Namespace) -> int:
    from zot.ext import trust as trust_mod

    project = find_project_root()
    if args.revoke:
        removed = trust_mod.revoke(project)
        print(f"{'revoked trust for' if removed else 'was not trusted:'} {project}")
        return 0
    if not (project / ".zot").is_dir():
        raise UserError(f"{project} has no .zot/ folder", "there is nothing to trust here")
    if trust_mod.is_trusted(project):
        print(f"{project} is already trusted")
        return 0
    print(f"Trusting {project} lets zot load and run what its .zot/ folder declares:")
    for line in what_will_run(project) or ["(no extensions)"]:
        print("  " + line)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("not trusted: confirmation needed", "run `zot trust --yes` to trust without asking")
        answer = input("Trust this project? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("not trusted")
            return 1
    digest = trust_mod.trust(project)
    print(f"trusted {project} (content {digest[:12]}); any change to .zot/ asks again")
    return 0
