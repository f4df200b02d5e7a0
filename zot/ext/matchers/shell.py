"""The `shell` test: a bash command line, parsed, matches when some simple command fits.

Every simple command anywhere in the line counts (pipelines, lists, substitutions, `bash -c`,
`xargs`, `find -exec`, wrappers). What the parser could not know is matched the safe way for
deny and confirm guards (each can be turned off in the rule):

* `unparsable` (default: on for deny/confirm): a line that does not parse matches;
* `unknown_program`: a program named at run time (`$GIT push -f`, `/bin/r?`) matches when its
  arguments, read as the rule's program would read them, fit the rest of the rule;
* `hidden_code`: code the line runs that nobody can read first (`curl ... | sh`, `eval "$X"`)
  matches, whatever the rule's program;
* an argument only known at run time may be any option (`rm $(cat f) ~` may be `rm -rf ~`), and
  words `xargs`, `parallel` or `find -exec {}` supply may be any path.

`code_from` selects only hidden code, made by one of the named programs (`curl | sh`,
`bash <(wget ...)`, `curl -o i.sh ... && sh i.sh`). `writes` tests the paths the command writes.
When a rule matches because of something unknown, the reason says so (`Subject.note`).
"""
from __future__ import annotations

import fnmatch
from dataclasses import replace
from pathlib import Path
from typing import Any

from zot.ext.matchers.base import MISSING, Subject
from zot.ext.matchers.paths import Target, resolved
from zot.ext.matchers.resolve import folders


def name_list(spec: Any) -> list[str]:
    if spec is None:
        return []
    return [spec] if isinstance(spec, str) else [str(s) for s in spec]


def _is_glob(name: str) -> bool:
    return bool(set("*?[") & set(name))


def _name_test(patterns: list[str]):
    """Whether a name fits the patterns: a set lookup when none of them is a glob."""
    if not patterns:
        return lambda name: True
    if not any(_is_glob(p) for p in patterns):
        names = frozenset(patterns)
        return lambda name: name in names
    return lambda name: name is not None and any(fnmatch.fnmatchcase(name, p) for p in patterns)


def has_flag(cmd, name: str, aliases) -> bool:
    """The parser (tree-sitter and its tables) is imported on the first shell line, not at start-up;
    after that these names are the parser's own functions."""
    _load_parser()
    return has_flag(cmd, name, aliases)


def parse_command_line(src: str):
    _load_parser()
    return parse_command_line(src)


def _load_parser() -> None:
    global has_flag, parse_command_line
    from zot.ext import shell as parser

    has_flag, parse_command_line = parser.has_flag, parser.parse_command_line


def reread(cmd, program: str | None, memo: dict):
    """A command whose program is unknown, read as ``program`` would read its arguments."""
    key = ("reread", id(cmd), program)
    if key in memo and memo[key][0] is cmd:
        return memo[key][1]
    from zot.ext.shell.flags import normalise
    from zot.ext.shell.pathuse import command_uses

    args = list(cmd.argv[1:])
    name = program or ""
    opts = normalise(name, args)
    view = replace(cmd, program=name, flags=opts.flags, positionals=opts.positionals,
                   subcommand=opts.subcommand, flag_values=opts.values,
                   uses=tuple(command_uses(name, args, opts, cmd.dirs)))
    memo[key] = (cmd, view)
    return view


def shell_test(spec: dict, fail_closed: bool, args_matcher=None, writes_matcher=None):
    programs = name_list(spec.get("program"))
    subcommands = name_list(spec.get("subcommand"))
    flags = name_list(spec.get("flags"))
    any_flags = name_list(spec.get("any_flags"))
    code_from = name_list(spec.get("code_from"))
    aliases = spec.get("flag_aliases") or None
    unparsable = spec.get("unparsable", fail_closed)
    sentinel = bool(programs) and all(p.startswith("(") for p in programs)   # "(unparsable)"
    unknown_program = spec.get("unknown_program", fail_closed) and not sentinel
    hidden_code = spec.get("hidden_code", fail_closed) and not sentinel
    plain_programs = [p for p in programs if not _is_glob(p)] or [None]
    program_ok, subcommand_ok = _name_test(programs), _name_test(subcommands)
    code_ok = _name_test(code_from)

    def flags_ok(cmd, subject: Subject) -> bool:
        if not flags and not any_flags:
            return True
        open_flags = cmd.open_args and fail_closed
        if flags and not all(has_flag(cmd, f, aliases) for f in flags) and not open_flags:
            return False
        if any_flags and not any(has_flag(cmd, f, aliases) for f in any_flags) and not open_flags:
            return False
        if open_flags and not (all(has_flag(cmd, f, aliases) for f in flags) and (
                not any_flags or any(has_flag(cmd, f, aliases) for f in any_flags))):
            subject.note("an argument is only known at run time and may be any option")
        return True

    def in_folders(cmd, subject: Subject) -> list[Subject]:
        return [replace(subject, base=base, cwd=base if isinstance(base, Path) else subject.cwd, expr_names=None)
                for base in folders(cmd.dirs, subject.cwd, subject.memo)]

    def rest_ok(cmd, subject: Subject) -> bool:
        if subcommands and not subcommand_ok(cmd.subcommand):
            return False
        if not flags_ok(cmd, subject):
            return False
        if args_matcher is not None:
            # xargs and find -exec {} supply words nobody can see: for a deny or confirm guard they
            # could be anything.
            if ("xargs" in cmd.via or "parallel" in cmd.via or "{}" in cmd.positionals) and fail_closed:
                subject.note(f"the words `{cmd.via[-1] if cmd.via else 'xargs'}` supplies are "
                             "only known at run time")
                return True
            words = list(cmd.positionals[1:] if cmd.subcommand and subcommands else cmd.positionals)
            if not any(args_matcher.match(local, word) for local in in_folders(cmd, subject)
                       for word in words):
                return False
        if writes_matcher is not None:
            targets = [Target(resolved(u.path, local.base, False, subject.memo), u.how, u.path)
                       for local in in_folders(cmd, subject) for u in cmd.uses if u.writes
                       and not (u.maybe and not _exists(resolved(u.path, local.base, False,
                                                                subject.memo)))]
            if not any(writes_matcher.match(subject, t) for t in targets):
                return False
        return True

    def command_ok(cmd, subject: Subject) -> bool:
        if cmd.hidden is not None:
            if code_from:
                if any(code_ok(s) for s in cmd.code_from) or ("?" in cmd.code_from and fail_closed):
                    subject.note(cmd.hidden)
                    return True
                return False
            if hidden_code:
                subject.note(cmd.hidden)
                return True
            return False
        if code_from:
            return False
        if cmd.unknown is not None:
            if not unknown_program:
                return False
            for name in plain_programs:
                if rest_ok(reread(cmd, name, subject.memo), subject):
                    subject.note(cmd.unknown)
                    return True
            return False
        return program_ok(cmd.program) and rest_ok(cmd, subject)

    def predicate(value: Any, subject: Subject) -> bool:
        if not isinstance(value, str):
            return False
        line = parse_command_line(value)
        if line.error and unparsable:
            subject.note(f"zot could not read the whole command: {line.error}")
            return True
        named, hidden, unknown = summary(line, subject.memo)
        if code_from or not programs:
            if code_from and hidden is None:
                return False
        elif not (unknown and unknown_program) and not any(program_ok(name) for name in named):
            # no command runs one of this rule's programs (the common case): only hidden code can
            # match, and it does when the rule counts it, as command_ok would say for the first one
            if hidden is not None and hidden_code:
                subject.note(hidden)
                return True
            return False
        return any(command_ok(cmd, subject) for cmd in line.commands)
    predicate.args_test = args_matcher      # for the index (zot.ext.guard_index): what words must hold
    return predicate


def summary(line, memo: dict) -> tuple[frozenset[str], str | None, bool]:
    """The programs a line runs, what its first hidden code is (None: it has none), and whether
    it runs an unknown program (once per line and call: every shell rule asks)."""
    key = ("summary", id(line))
    held = memo.get(key)
    if held is None or held[0] is not line:
        commands = line.commands
        held = memo[key] = (line, frozenset(c.program for c in commands),
                            next((c.hidden for c in commands if c.hidden is not None), None),
                            any(c.unknown is not None for c in commands))
    return held[1], held[2], held[3]


def _exists(where: Any) -> bool:
    return isinstance(where, Path) and where.exists()


__all__ = ["MISSING", "shell_test"]
