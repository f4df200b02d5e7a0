"""`zot trust`: show what the project's `.zot/` would run (or what changed since it was trusted),
then record trust by content hash."""
from __future__ import annotations

import argparse
import sys

from zot.config import UserError, find_project_root


def run(args: argparse.Namespace) -> int:
    from zot.ext import trust as trust_mod
    from zot.ext.trust_files import TooLarge
    from zot.ext.trust_report import report

    project = find_project_root()
    if args.revoke:
        removed = trust_mod.revoke(project)
        print(f"{'revoked trust for' if removed else 'was not trusted:'} {project}")
        return 0
    if not (project / ".zot").is_dir():
        raise UserError(f"{project} has no .zot/ folder", "there is nothing to trust here")
    found = report(project)
    if found.status.error:
        raise UserError(f"cannot trust {project}: {found.status.error}", "move the data, then run `zot trust` again")
    if found.status.trusted:
        print(f"{project} is already trusted")
        return 0
    if not found.status.present:
        print(f"{project}/.zot holds nothing to trust (data under .zot/data/ needs no trust)")
        return 0
    print(found.headline())
    for line in found.prompt_lines():
        print("  " + line)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("not trusted: confirmation needed", "run `zot trust --yes` to trust without asking")
        answer = input("Trust this project? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("not trusted")
            return 1
    try:
        digest = trust_mod.trust(project)
    except TooLarge as exc:
        raise UserError(f"cannot trust {project}: {exc}", "move the data, then run `zot trust` again") from None
    print(f"trusted {project} (content {digest[:12]}); any change to .zot/ asks again")
    return 0
