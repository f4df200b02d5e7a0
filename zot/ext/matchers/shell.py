"""The `shell` test: a bash command line, parsed, matches when some simple command fits.

Every simple command anywhere in the line counts (pipelines, lists, substitutions, `bash -c`,
`xargs`, `find -exec`, wrappers). A line that does not parse matches when `unparsable` is true
(the default for deny and confirm guards). Targets that cannot be known, such as the arguments
`xargs` or `find -exec {}` supply, count as matching `args` for such guards, and so do relative
paths after a `cd` to somewhere we cannot know.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any

from zot.ext.matchers.base import MISSING, Subject
from zot.ext.matchers.paths import normalise


def _names(spec: Any) -> list[str]:
    if spec is None:
        return []
    return [spec] if isinstance(spec, str) else [str(s) for s in spec]


def _name_ok(name: str | None, patterns: list[str]) -> bool:
    if not patterns:
        return True
    if name is None:
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def _cwds(line, cwd: Path) -> list[Path | None]:
    """The folder each command runs in, following `cd`/`pushd` (None once it cannot be known)."""
    out: list[Path | None] = []
    current: Path | None = cwd
    for cmd in line.commands:
        out.append(current)
        if cmd.program in ("cd", "pushd"):
            target = cmd.positionals[0] if cmd.positionals else "~"
            current = normalise(target, current) if current is not None else None
    return out


def shell_test(spec: dict, fail_closed: bool, args_matcher=None):
    from zot.ext.shell import has_flag, parse_command_line

    programs = _names(spec.get("program"))
    subcommands = _names(spec.get("subcommand"))
    flags = _names(spec.get("flags"))
    any_flags = _names(spec.get("any_flags"))
    aliases = spec.get("flag_aliases") or None
    unparsable = spec.get("unparsable", fail_closed)

    def command_ok(cmd, subject: Subject, cwd: Path | None) -> bool:
        if not _name_ok(cmd.program, programs) or not _name_ok(cmd.subcommand, subcommands):
            return False
        if flags and not all(has_flag(cmd, f, aliases) for f in flags):
            return False
        if any_flags and not any(has_flag(cmd, f, aliases) for f in any_flags):
            return False
        if args_matcher is None:
            return True
        unknown_targets = "xargs" in cmd.via or "{}" in cmd.positionals or cwd is None
        if unknown_targets and fail_closed:
            return True
        words = list(cmd.positionals[1:] if cmd.subcommand and subcommands else cmd.positionals)
        local = Subject(subject.tool, subject.args, cwd or subject.cwd, subject.project, subject.params,
                        subject.session, subject.model)
        return any(args_matcher.match(local, word) for word in words)

    def predicate(value: Any, subject: Subject) -> bool:
        if not isinstance(value, str):
            return False
        line = parse_command_line(value)
        if line.error and unparsable:
            return True
        cwds = _cwds(line, subject.cwd)
        return any(command_ok(cmd, subject, cwd) for cmd, cwd in zip(line.commands, cwds))
    return predicate
