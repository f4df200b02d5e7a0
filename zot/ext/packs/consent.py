"""Consent that says what will run, and on update what changed.

Before an install, zot shows the capability summary of every extension it brings (scripts,
programs, hosts, relaxing and restricting rules, system prompt fragments, params) and what the
recipe turns on. Before an update it shows the difference, and asks only when there is one.
With no terminal it refuses unless `--yes` was given, printing the summary either way, so a
CI log records what was accepted. The summary is zot.ext.capabilities': one place decides what
counts as a capability, for trust and for installs alike.
"""
from __future__ import annotations

import json
import sys
from typing import Any, Callable

from zot.config import UserError
from zot.ext import capabilities as caps

# {"extensions": {name: capabilities.Summary.to_json()}, "turns_on": {name: params}}
Summary = dict[str, Any]


def escape(text: str) -> str:
    """Manifest text for a terminal: control characters (escape sequences, newlines) shown escaped."""
    return caps.escape(text)


def of_extension(name: str, data: dict[str, Any]) -> list[list[str]]:
    """One extension's capability summary, as the lock stores it (plain JSON)."""
    return caps.summarize(name, data).to_json()


def describe(summary: Summary) -> list[str]:
    lines = caps.render(caps.from_json(summary.get("extensions") or {}))
    turns_on = summary.get("turns_on") or {}
    if turns_on:
        lines.append("turns on: " + ", ".join(_with_params(n, p) for n, p in sorted(turns_on.items())))
    return lines


def _with_params(name: str, params: dict[str, Any]) -> str:
    if not params:
        return escape(name)
    shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=True)}" for k, v in sorted(params.items()))
    return escape(f"{name} ({shown})")


def difference(old: Summary, new: Summary) -> list[str]:
    """What changed from `old` to `new`, one line each; empty when nothing did."""
    lines = caps.diff(caps.from_json(old.get("extensions") or {}), caps.from_json(new.get("extensions") or {})).lines()
    on_before, on_after = old.get("turns_on") or {}, new.get("turns_on") or {}
    for name in sorted(set(on_after) | set(on_before)):
        if on_before.get(name) != on_after.get(name):
            what = "no longer turns on" if name not in on_after else \
                "turns on" if name not in on_before else "changes params of"
            lines.append(f"{what} {_with_params(name, on_after.get(name) or on_before.get(name) or {})}")
    return lines


PAST = {"install": "installed", "update": "updated", "remove": "removed"}


def ask(heading: str, lines: list[str], yes: bool, question: str, action: str,
        prompt: Callable[[str], str] | None = None) -> None:
    """Show `heading` and `lines`; go on when `yes`, or when a person at a terminal says yes.
    Otherwise raise UserError: nothing is changed. `action` is install, update or remove."""
    print(heading)
    for line in lines:
        print("  " + line)
    if yes:
        return
    if not sys.stdin.isatty():
        raise UserError(f"not {PAST[action]}: this needs your consent and there is no terminal to ask",
                        "read what is shown above; run the command again with --yes to accept it")
    try:
        answer = (prompt or input)(f"{question} [y/N] ").strip().lower()
    except (EOFError, OSError):
        answer = ""
    if answer not in ("y", "yes"):
        raise UserError(f"not {PAST[action]}: you declined", "nothing was changed")


def locked_summaries(project: Any) -> "caps.Summaries":
    """The capability summaries `.zot/zot.lock` records, one per extension it pins, named
    `EXT (pack PACK)`: what trusting the project lets load once `zot recipe sync` fetched it
    (the digests make sure the fetched content is what was summarised)."""
    from zot.ext.packs import lock

    try:
        locked = lock.read("project", project)
    except UserError:
        return {}           # a damaged lock stops every run with its own message
    out: caps.Summaries = {}
    for pack, entry in locked.packs.items():
        for ext, value in (entry.get("capabilities") or {}).items():
            out[f"{ext} (pack {pack})"] = caps.Summary.from_json(f"{ext} (pack {pack})", value)
    for ext, entry in locked.extensions.items():
        if not entry.get("pack"):
            out[f"{ext} (installed)"] = caps.Summary.from_json(f"{ext} (installed)", entry["capabilities"])
    return out
