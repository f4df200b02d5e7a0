"""The `path` test: paths normalised (`~`, `$HOME`, `..`, symlinks) and matched with globs.

Globs follow .gitignore habits: a pattern without `/` matches the file name at any depth; one
with `/` is relative to the project root (or absolute, `~/`-rooted, or `$ZOT_HOME/`-rooted: zot's
own folder); `**` crosses folders and `dir/**` also matches `dir` itself. A path that cannot be known (it holds `$VAR` or `$(...)`) is
*unknown*: a deny or confirm guard treats it as matching. Brace alternatives are expanded as the
shell does (`{/etc,/usr}` is `/etc` and `/usr`); the path matches when any of them does.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from zot.ext.matchers.base import MISSING, Subject

UNKNOWN = None
UNKNOWN_DIR = Path("/(a folder zot cannot know)")   # the cwd after `cd "$X"`: relative paths are unknown


_BRACES = re.compile(r"(?<!\$)\{([^{}]*,[^{}]*)\}")   # an innermost {a,b}, not ${...}
MAX_EXPANSIONS = 64


def expand_braces(text: str) -> list[str]:
    """The words `{a,b}` alternatives expand to, innermost group first (`x{1,2}` -> x1, x2).

    Past MAX_EXPANSIONS the rest is given as one unknown path, so a deny guard still matches."""
    if "{" not in text:
        return [text]
    out: list[str] = []
    todo = [text]
    while todo:
        item = todo.pop()
        found = _BRACES.search(item)
        if found is None:
            out.append(item)
        elif len(out) + len(todo) >= MAX_EXPANSIONS:
            out.append("$" + item)
        else:
            todo.extend(item[:found.start()] + alt + item[found.end():]
                        for alt in reversed(found.group(1).split(",")))
    return out


LITERAL_TOOLS = ("write", "edit", "read")   # tools that take a path as written: no `$`, no shell


def literal_path(raw: str, cwd: Path) -> Path | None:
    """Where a file tool puts `raw`: `~` expanded, `..` removed as written, then links resolved."""
    if not raw.strip():
        return UNKNOWN
    path = Path(os.path.expanduser(raw))
    return Path(os.path.realpath(os.path.normpath(path if path.is_absolute() else cwd / path)))


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
            if cwd == UNKNOWN_DIR:
                return UNKNOWN
            text = str(cwd) + text[len(var):]
    if "$" in text or "`" in text or text.startswith("~") or not text:
        return UNKNOWN
    if not os.path.isabs(text) and cwd == UNKNOWN_DIR:
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


def _zot_home() -> str:
    from zot.config import zot_home

    return os.path.realpath(zot_home())


@lru_cache(maxsize=64)
def real_project(project: Path) -> Path:
    """The project root with links resolved; it does not move during a session, so once."""
    return Path(os.path.realpath(project))


def inside(path: Path, root: Path) -> bool:
    """`path` is `root` or below it (both absolute and normalised: compared as text, which is fast)."""
    p, r = str(path), str(root)
    return p == r or p.startswith(r if r.endswith("/") else r + "/")


def glob_match(pattern: str, path: Path, project: Path) -> bool:
    if pattern.startswith("$ZOT_HOME") and pattern[len("$ZOT_HOME"):len("$ZOT_HOME") + 1] in ("", "/"):
        pattern = _zot_home() + pattern[len("$ZOT_HOME"):]    # zot's own folder, wherever it is
    if pattern in ("/", "~"):
        return str(path) == (str(Path.home()) if pattern == "~" else "/")
    if "/" not in pattern.rstrip("/"):
        return bool(_glob_regex(pattern.rstrip("/")).match(path.name))
    if pattern.startswith("~/"):
        pattern = str(Path.home()) + pattern[1:]
    if pattern.startswith("/"):
        return bool(_glob_regex(pattern).match(str(path)))
    if inside(path, project):
        text, root = str(path), str(project)
        rel = text[len(root):].lstrip("/") if text != root else "."
        return bool(_glob_regex(pattern).match(rel))
    return False


def resolved(value: str, cwd: Path, literal: bool, memo: dict) -> Path | None:
    """`literal_path` or `normalise`, once per call: every rule of a call asks about the same paths."""
    key = ("path", literal, value, cwd)
    if key not in memo:
        memo[key] = literal_path(value, cwd) if literal else normalise(value, cwd)
    return memo[key]


def path_test(spec: dict, fail_closed: bool, shell_words: bool = True):
    """A predicate for one `path:` spec; every given key must hold. Values are shell words (`$X`
    unknown, braces expanded) when `shell_words`, except the paths of write/edit/read calls: those
    tools take a path as written, and so does any value read from an `arg`."""
    match = spec.get("match") or []
    match = [match] if isinstance(match, str) else list(match)
    excepts = spec.get("except") or []
    excepts = [excepts] if isinstance(excepts, str) else list(excepts)
    in_project = spec.get("inside_project")

    def predicate(value: Any, subject: Subject, cwd: Path | None = None) -> bool:
        if not isinstance(value, str):
            return False
        if not shell_words or subject.tool in LITERAL_TOOLS:
            return one(value, subject, cwd or subject.cwd, literal=True)
        return any(one(word, subject, cwd or subject.cwd) for word in expand_braces(value))

    def one(value: str, subject: Subject, cwd: Path, literal: bool = False) -> bool:
        path = resolved(value, cwd, literal, subject.memo)
        if path is UNKNOWN:
            return fail_closed
        project = real_project(subject.project)
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
    "chmod": "after_first", "chown": "after_first", "chgrp": "after_first", "sed": "in_place",
    "perl": "in_place",
}
# options whose value is a file the command writes: curl -o FILE, wget -O FILE, tar -x -C DIR
OUTPUT_OPTIONS = {"curl": ("o",), "wget": ("O", "o", "a"), "sort": ("o",)}
TARGET_DIRECTORY = frozenset({"cp", "mv", "ln", "install"})    # -t DIR / --target-directory=DIR


def _values(cmd, name: str) -> list[str]:
    return [value for key, value in getattr(cmd, "flag_values", ()) if key == name]


def command_targets(cmd) -> list[str]:
    """The paths a parsed simple command writes (rm, mv, cp, curl -o, dd of=, ...)."""
    out = [v for name in OUTPUT_OPTIONS.get(cmd.program, ()) for v in _values(cmd, name) if v != "-"]
    if cmd.program == "dd":
        out += [a[3:] for a in cmd.positionals if a.startswith("of=")]
    if cmd.program == "tar" and "x" in cmd.flags:
        out += _values(cmd, "C")
    how = WRITING_PROGRAMS.get(cmd.program)
    args = [a for a in cmd.positionals if a != "{}"]
    if cmd.program in TARGET_DIRECTORY and _values(cmd, "t"):
        # cp -t DIR SRC...: DIR is written, the sources only read (mv also removes them)
        return out + _values(cmd, "t") + (args if cmd.program == "mv" else [])
    if not how or not args:
        return out
    if how == "all":
        return out + list(args)
    if how == "last":
        return out + [args[-1]]
    if how == "after_first":
        return out + args[1:]
    if how == "in_place" and ("i" in cmd.flags or "in-place" in cmd.flags):
        # sed -i SCRIPT FILE...; with -e/-f the script is an option value and every word is a file
        script_given = _values(cmd, "e") or _values(cmd, "f")
        return out + (args if script_given and cmd.program == "sed" else args[1:])
    return out


def command_cwds(line, cwd: Path) -> list[Path | None]:
    """The folder each command of a parsed line runs in, following `cd`, `pushd` and `popd`
    in order (None once it cannot be known: `cd "$X"`, `cd -`)."""
    out: list[Path | None] = []
    current: Path | None = cwd
    stack: list[Path | None] = []
    for cmd in line.commands:
        out.append(current)
        if cmd.program in ("cd", "pushd"):
            target = cmd.positionals[0] if cmd.positionals else "~"
            if cmd.program == "pushd":
                stack.append(current)
            if target == "-" or current is None:
                current = None
            else:
                current = normalise(target, current)
        elif cmd.program == "popd":
            current = stack.pop() if stack else None
    return out


def _under(target: str, folders: list[Path | None]) -> list[str]:
    """A written path as absolute text, once per folder it may be relative to (unknown after a
    `cd` nobody can follow)."""
    if os.path.isabs(target) or target.startswith(("~", "$")) or not target:
        return [target]
    return [str(folder / target) if folder is not None else "$(cd)/" + target for folder in folders]


def written_paths(subject: Subject) -> Any:
    """Every path a call writes: write/edit `path`, shell redirects and writing commands.

    Relative paths are resolved in the folder the command runs in, after any `cd`. A redirect
    is not tied to its command, so after a `cd` it is checked in every folder the line visits.
    """
    if subject.tool in ("write", "edit"):
        value = subject.args.get("path")
        return [value] if isinstance(value, str) else MISSING
    command = subject.args.get("command")
    if subject.tool != "bash" or not isinstance(command, str):
        return MISSING
    key = ("written", command, subject.cwd)
    if key not in subject.memo:     # once per call, however many path guards ask
        subject.memo[key] = _shell_written_paths(command, subject.cwd)
    return subject.memo[key]


def _shell_written_paths(command: str, cwd: Path) -> Any:
    from zot.ext.shell import parse_command_line

    line = parse_command_line(command)
    cwds = command_cwds(line, cwd)
    folders = list(dict.fromkeys([cwd, *cwds]))
    paths = [p for w in line.writes for p in _under(w.target, folders)]
    if line.error:
        paths.append("$UNPARSABLE")   # unknown: a deny guard treats it as matching
    for cmd, cwd in zip(line.commands, cwds):
        paths.extend(p for target in command_targets(cmd) for p in _under(target, [cwd]))
    return paths or MISSING
