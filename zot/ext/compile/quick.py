"""Answers for the commonest rule shapes, found from what the call's first rule worked out.

With thousands of rules, the calls that cost most are those many rules match: `curl ... | bash`
(every fail-closed shell rule matches the hidden code) or a write to `.env` (every team's
protected-path rule). Each of them then walks its matcher tree (value, predicate, command by
command) to an answer the line or the path already decided. Three shapes are answered here from
facts shared by the call's rules (the parsed line's summary, the written paths, each glob once
per path), or with no more than the test itself:

* a rule whose `when:` is only a `shell:` test with plain program names and no `code_from`, on a
  line that runs none of its programs: only hidden code can match it (its subcommand, flags and
  arguments are never read), exactly as `zot.ext.matchers.shell` decides;
* a rule whose `when:` is only a `path:` test with `match`/`except` (and `how`) on the paths a
  call writes, when no written path is only partly known;
* a rule whose `when:` is only a `regex` on one argument (named, or the tool's own) that is text.

A quick test returns None whenever it cannot be sure; the rule's matcher then decides, so an
answer here is always the matcher's answer, with the same notes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from zot.ext.matchers import paths, shell, text
from zot.ext.matchers.base import MISSING, get_arg

Quick = Callable[[Any, dict], "tuple[bool, tuple] | None"]    # (call, the call's memo) -> answer
NOTE_LIMIT = 300        # as Subject.note


def quick_test(when: Any, fail_closed: bool, default_arg: str | None = None) -> Quick | None:
    """A quick test for a rule's `when:`, or None when its shape is not one of these.
    `default_arg`: what a test without `arg` reads (a rule on one tool; zot.ext.compile.guards)."""
    if not isinstance(when, dict):
        return None
    keys = set(when) - {"arg"}
    if keys == {"shell"} and isinstance(when["shell"], dict):
        return _shell(when["shell"], fail_closed, when.get("arg") or "command")
    if keys == {"path"} and "arg" not in when and isinstance(when["path"], dict):
        return _path(when["path"], fail_closed)
    arg = when.get("arg") or default_arg
    if keys <= {"regex", "ignore_case"} and "regex" in keys and isinstance(arg, str):
        return _regex(when["regex"], bool(when.get("ignore_case")), arg)
    return None


def _shell(spec: dict, fail_closed: bool, arg: str) -> Quick | None:
    programs = shell.name_list(spec.get("program"))
    if not programs or spec.get("code_from") or any(set("*?[") & set(p) for p in programs) \
            or all(p.startswith("(") for p in programs):
        return None
    names = frozenset(programs)
    unknown_program = spec.get("unknown_program", fail_closed)
    hidden_code = spec.get("hidden_code", fail_closed)

    def quick(call: Any, memo: dict) -> tuple[bool, tuple] | None:
        value = call.args.get(arg) if "." not in arg else get_arg(call.args, arg)
        if type(value) is not str:
            return (False, ()) if value is None or value is MISSING else None
        line = shell.parse_command_line(value)    # the module's: the parser loads on first use
        if line.error:
            return None
        named, hidden, unknown = shell.summary(line, memo)
        if (unknown and unknown_program) or not names.isdisjoint(named):
            return None
        if hidden is not None and hidden_code:
            return True, (hidden if len(hidden) <= NOTE_LIMIT else hidden[:NOTE_LIMIT - 3] + "...",)
        return False, ()
    return quick


def _regex(spec: Any, ignore_case: bool, arg: str) -> Quick | None:
    """`regex` on an argument that is text: the matcher's own predicate (its search, its time
    bound and the error it raises), without the matcher around it."""
    patterns = spec if isinstance(spec, list) else [spec]
    if not patterns or not all(isinstance(p, str) for p in patterns):
        return None
    predicate = text.regex(spec, ignore_case)

    def quick(call: Any, memo: dict) -> tuple[bool, tuple] | None:
        value = call.args.get(arg) if "." not in arg else get_arg(call.args, arg)
        if type(value) is not str:
            return (False, ()) if value is None or value is MISSING else None
        return predicate(value, None), ()
    return quick


def _path(spec: dict, fail_closed: bool) -> Quick | None:
    if set(spec) - {"match", "except", "how"}:
        return None
    match, excepts = tuple(paths.as_list(spec.get("match"))), tuple(paths.as_list(spec.get("except")))
    hows = frozenset(paths.as_list(spec.get("how")))

    def quick(call: Any, memo: dict) -> tuple[bool, tuple] | None:
        held = memo.get(("written", id(call.args)))
        if held is None or held[0] is not call.args:
            return None         # the first path rule of the call works them out
        found = held[1]
        if found is MISSING:
            return False, ()
        project = memo.get(_PROJECT)
        if project is None:
            project = memo[_PROJECT] = paths.real_project(Path(call.project))
        for target in found:
            if hows and target.how not in hows:
                continue
            where = target.resolved
            if where is paths.UNKNOWN:      # as paths.path_test: a deny or confirm rule matches it
                if fail_closed:
                    return True, (paths.unknown_note(target.text),)
                continue
            if where is paths.NOWHERE:
                continue
            if type(where) is paths.Partial or not isinstance(where, Path):
                return None     # partly known: the matcher says what
            if match and not paths.any_glob(match, where, project, memo):
                continue
            if excepts and paths.any_glob(excepts, where, project, memo):
                continue
            return True, ()
        return False, ()
    return quick


_PROJECT = "\0project"    # the call's project, links resolved, kept in the call's memo
