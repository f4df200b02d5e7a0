"""Before the REPL starts: when the store does not hold what a lock pins (a teammate's fresh
clone, a changed file), say so and offer `zot recipe sync`. Declining, or a sync that fails,
leaves the refusal in place: the REPL then stops with the same one-line reasons, since running
without a pack's rules would be running with less safety than the team agreed on."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable


def offer_sync(project: Path, ask: Callable[[str], str] = input) -> None:
    from zot.ext.packs.lock import SCOPES, lock_path

    if not any(lock_path(scope, project).is_file() for scope in SCOPES):
        return                       # the common case costs two stat calls
    from zot.ext.packs.installed import scan

    problems = scan(project).problems
    if not problems or not sys.stdin.isatty():
        return
    print("zot: what is installed does not match the lock files:")
    for line in problems:
        print("  " + line)
    try:
        answer = ask("Run `zot recipe sync` now? [Y/n] ").strip().lower()
    except EOFError:
        answer = "n"
    if answer not in ("", "y", "yes"):
        return
    from zot.ext.packs.sync import sync

    done, failed = sync(project)
    for line in done:
        print("  " + line)
    for line in failed:
        print("  failed: " + line)
