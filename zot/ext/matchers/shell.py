"""The `shell` test: a bash command line, parsed, matches when some simple command fits.

Every simple command anywhere in the line counts (pipelines, lists, substitutions, `bash -c`,
`xargs`, `find -exec`, wrappers). A line that does not parse matches when `unparsable` is true
(the default for deny and confirm guards). Targets that cannot be known, such as the arguments
`xargs` or `find -exec {}` supply, count as matching `args` for such guards, and so do relative
paths after a `cd` to somewhere we cannot know (the `path` test sees them as unknown).
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any

from zot.ext.matchers.base import MISSING, Subject
from zot.ext.matchers.paths import UNKNOWN_DIR, command_cwds


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


def _name_test(patterns: list[str]):
    """`_name_ok` for these patterns, as a set lookup when none of them is a glob."""
    if patterns and not any(set("*?[") & set(p) for p in patterns):
        names = frozenset(patterns)
        return lambda name: name in names
    return lambda name: _name_ok(name, patterns)


def has_flag(cmd, name: str, aliases) -> bool:
    """The parser (tree-sitter and its tables) is imported on the first shell line, not at start-up;
    after that these two names are the parser's own functions."""
    _load_parser()
    return has_flag(cmd, name, aliases)


def parse_command_line(src: str):
    _load_parser()
    return parse_command_line(src)


def _load_parser() -> None:
    global has_flag, parse_command_line
    from zot.ext import shell as parser

    has_flag, parse_command_line = parser.has_flag, parser.parse_command_line


def shell_test(spec: dict, fail_closed: bool, args_matcher=None):
    programs = _names(spec.get("program"))
    subcommands = _names(spec.get("subcommand"))
    flags = _names(spec.get("flags"))
    any_flags = _names(spec.get("any_flags"))
    aliases = spec.get("flag_aliases") or None
    unparsable = spec.get("unparsable", fail_closed)

    program_ok, subcommand_ok = _name_test(programs), _name_test(subcommands)

    def command_ok(cmd, subject: Subject, cwd: Path | None) -> bool:
        if not program_ok(cmd.program) or not subcommand_ok(cmd.subcommand):
            return False
        if flags and not all(has_flag(cmd, f, aliases) for f in flags):
            return False
        if any_flags and not any(has_flag(cmd, f, aliases) for f in any_flags):
            return False
        if args_matcher is None:
            return True
        # xargs and find -exec {} supply words nobody can see: for a deny or confirm guard they
        # could be anything. After a `cd` nobody can follow only relative paths are unknown (the
        # path test says so); literal words are still what they are.
        unknown_words = "xargs" in cmd.via or "parallel" in cmd.via or "{}" in cmd.positionals
        if unknown_words and fail_closed:
            return True
        words = list(cmd.positionals[1:] if cmd.subcommand and subcommands else cmd.positionals)
        local = Subject(subject.tool, subject.args, UNKNOWN_DIR if cwd is None else cwd, subject.project,
                        subject.params, subject.session, subject.model, subject.memo)
        return any(args_matcher.match(local, word) for word in words)

    def predicate(value: Any, subject: Subject) -> bool:
        if not isinstance(value, str):
            return False
        line = parse_command_line(value)
        if line.error and unparsable:
            return True
        named = [i for i, cmd in enumerate(line.commands) if program_ok(cmd.program)]
        if not named:       # the common case: no command of this program, nothing more to work out
            return False
        cwds = command_cwds(line, subject.cwd) if args_matcher is not None else [subject.cwd] * len(line.commands)
        return any(command_ok(line.commands[i], subject, cwds[i]) for i in named)
    return predicate
