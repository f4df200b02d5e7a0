"""`zot sessions`: this project's sessions with date, model, messages, cost and first prompt."""
from __future__ import annotations

import argparse
import json

from zot.config import find_project_root


def _iso(when) -> str | None:
    return when.isoformat() if when else None   # not str(): that gives "None" and a space for "T"


def run(args: argparse.Namespace) -> int:
    from zot.agent.session import list_sessions

    infos = list_sessions(find_project_root())
    if not args.all:
        infos = infos[:20]
    if args.format == "json":
        print(json.dumps([{"path": str(i.path), "id": i.id, "created": _iso(i.created), "updated": _iso(i.updated),
                           "model": i.model, "messages": i.message_count, "cost": i.cost,
                           "first_prompt": i.first_prompt} for i in infos], indent=2))
        return 0
    if not infos:
        print("no sessions in this project yet")
        return 0
    for i in infos:
        when = i.updated.astimezone().strftime("%Y-%m-%d %H:%M") if i.updated else "?"   # the user's clock
        cost = f"${i.cost:.4f}" if i.cost is not None else "cost unknown"
        print(f"{when}  {i.model or '?':<28} {i.message_count:>5} msgs  {cost:<13} {i.first_prompt}")
        print(f"    {i.path}")
    return 0
