"""The `path` test: paths normalised (`~`, `$HOME`, `..`, symlinks) and matched with globs.

Globs follow .gitignore habits: a pattern without `/` matches the file name at any depth; one
with `/` is relative to the project root (or absolute, or `~/`-rooted); `**` crosses folders and
`dir/**` also matches `dir` itself. A path that cannot be known (it holds `$VAR` or `$(...)`) is
*unknown*: a deny or confirm guard treats it as matching.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from zot.ext.matchers.base import MISSING, Subject

UNKNOWN = None


def normalise(raw: str, cwd: Path) -> Path | None:
    """An absolute, resolved path, or None when the text holds an expansion we cannot know."""
    home = str(Path.home())
    text = raw.strip()
    if text == "~" or text.startswith("~/"):
        text = home + text[1:]
    for var in ("$HOME", "${HOME}"):
        if text == var or text.startswith(var + "/"):
            text = home + text[len(var):]
    for var in ("$PWD", "${PWD}"):
        if text == var or text.startswith(var + "/"):
            text = str(cwd) + text[len(var):]
    if "$" in text or "`" in text or text.startswith("~") or not text:
        return UNKNOWN
    path = Path(text) if os.path.isabs(text) else cwd / text
    return Path(os.path.realpath(path))


@lru_cache(maxsize=1024)
def _glob_regex(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:end].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    text = "".join(out)
    if pattern.endswith("/**"):
        text = text[: -len("/.*")] + "(?:/.*)?"
    return re.compile(text + r"\Z", re.DOTALL)


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def glob_match(pattern: str, path: Path, project: Path) -> bool:
    if pattern in ("/", "~"):
        return str(path) == (str(Path.home()) if pattern == "~" else "/")
    if "/" not in pattern.rstrip("/"):
        return bool(_glob_regex(pattern.rstrip("/")).match(path.name))
    if pattern.startswith("~/"):
        pattern = str(Path.home()) + pattern[1:]
    if pattern.startswith("/"):
        return bool(_glob_regex(pattern).match(str(path)))
    if inside(path, project):
        rel = path.relative_to(project).as_posix()
        return bool(_glob_regex(pattern).match(rel))
    return False


def path_test(spec: dict, fail_closed: bool):
    """A predicate for one `path:` spec; every given key must hold."""
    match = spec.get("match") or []
    match = [match] if isinstance(match, str) else list(match)
    excepts = spec.get("except") or []
    excepts = [excepts] if isinstance(excepts, str) else list(excepts)
    in_project = spec.get("inside_project")

    def predicate(value: Any, subject: Subject, cwd: Path | None = None) -> bool:
        if not isinstance(value, str):
            return False
        path = normalise(value, cwd or subject.cwd)
        if path is UNKNOWN:
            return fail_closed
        project = Path(os.path.realpath(subject.project))
        if in_project is not None and inside(path, project) != bool(in_project):
            return False
        if match and not any(glob_match(p, path, project) for p in match):
            return False
        if any(glob_match(p, path, project) for p in excepts):
            return False
        return True
    return predicate


# which arguments of a shell command are paths it writes, deletes or changes
WRITING_PROGRAMS = {
    "rm": "all", "rmdir": "all", "unlink": "all", "shred": "all", "truncate": "all", "touch": "all",
    "mkdir": "all", "mv": "all", "cp": "last", "ln": "last", "install": "last", "rsync": "last",
    "chmod": "after_first", "chown": "after_first", "chgrp": "after_first", "sed": "sed",
}


def command_targets(cmd) -> list[str]:
    """The paths a parsed simple command writes (rm, mv, cp, ...)."""
    how = WRITING_PROGRAMS.get(cmd.program)
    args = [a for a in cmd.positionals if a != "{}"]
    if not how or not args:
        return []
    if how == "all":
        return list(args)
    if how == "last":
        return [args[-1]]
    if how == "after_first":
        return args[1:]
    if how == "sed":
        return args[1:] if "i" in cmd.flags or "in-place" in cmd.flags else []
    return []


def written_paths(subject: Subject) -> Any:
    """Every path a call writes: write/edit `path`, shell redirects and writing commands."""
    if subject.tool in ("write", "edit"):
        value = subject.args.get("path")
        return [value] if isinstance(value, str) else MISSING
    command = subject.args.get("command")
    if subject.tool != "bash" or not isinstance(command, str):
        return MISSING
    from zot.ext.shell import parse_command_line

    line = parse_command_line(command)
    paths = [w.target for w in line.writes]
    if line.error:
        paths.append("$UNPARSABLE")   # unknown: a deny guard treats it as matching
    for cmd in line.commands:
        paths.extend(command_targets(cmd))
    return paths or MISSING
