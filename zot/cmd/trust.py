"""`zot trust`: list what the project's extensions would run, then record trust by content hash."""
from __future__ import annotations

import argparse
import sys

from zot.config import UserError, find_project_root
from zot.ext.trust_summary import what_will_run


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
