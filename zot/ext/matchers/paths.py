"""The `path` test: paths normalised (`~`, `$HOME`, `..`, symlinks) and matched with globs.

Globs follow .gitignore habits: a pattern without `/` matches the file name at any depth; one
with `/` is relative to the project root (or absolute, `~/`-rooted, or `$ZOT_HOME/`-rooted: zot's
own folder); `**` crosses folders and `dir/**` also matches `dir` itself. How a shell word resolves is `resolve.py`'s job: a path
computed at run time from data is *unknown* (a deny or confirm guard treats it as matching), a
fresh `mktemp` path matches nothing, and a path built on an environment variable (`$OUT/x`) is
known but for that part, which never equals a protected name. Brace alternatives are expanded
as the shell does (`{/etc,/usr}` is `/etc` and `/usr`); the path matches when any of them does.

Without `arg`, the test looks at every path the call writes (`written_paths`): the `write` and
`edit` paths, and what a shell line writes, appends to, changes, deletes or links (its
`PathUse`s, reads left out), each resolved in every folder its command may run in. A symlink
the line makes first is followed (`ln -s ~/.ssh/authorized_keys k; echo x >> k`), and a file
with several hard links is also each of its other names.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from zot.ext.matchers.base import MISSING, Subject
from zot.ext.matchers.resolve import (NOWHERE, UNKNOWN, Base, Partial, Resolved, folders,
                                      hard_links, resolve)

_BRACES = re.compile(r"(?<!\$)\{([^{}]*,[^{}]*)\}")   # an innermost {a,b}, not ${...}
MAX_EXPANSIONS = 64
LITERAL_TOOLS = ("write", "edit", "read")   # tools that take a path as written: no `$`, no shell
WRITE, CHANGE = "write", "change"


def expand_braces(text: str) -> list[str]:
    """The words `{a,b}` alternatives expand to, innermost group first (`x{1,2}` -> x1, x2).

    Past MAX_EXPANSIONS the rest is given as one unknown path, so a deny guard still matches."""
    if "{" not in text or "," not in text:
        return [text]
    out: list[str] = []
    todo = [text]
    while todo:
        item = todo.pop()
        found = _BRACES.search(item)
        if found is None:
            out.append(item)
        elif len(out) + len(todo) >= MAX_EXPANSIONS:
            out.append("$(" + item + ")")
        else:
            todo.extend(item[:found.start()] + alt + item[found.end():]
                        for alt in reversed(found.group(1).split(",")))
    return out


def literal_path(raw: str, cwd: Path) -> Resolved:
    """Where a file tool puts `raw`: `~` expanded, `..` removed as written, then links resolved."""
    if not raw.strip() or len(raw) > 4096:
        return UNKNOWN
    path = Path(os.path.expanduser(raw))
    return Path(os.path.realpath(os.path.normpath(path if path.is_absolute() else cwd / path)))


@lru_cache(maxsize=1 << 16)     # the globs of every loaded rule: a smaller cache recompiled them per call
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
    return _glob_in(pattern, _place(path, project))


def _place(path: Path, project: Path) -> tuple[str, str, str | None]:
    """What globs compare a path with: its text, its name, and its text relative to the project
    (None outside it); worked out once per path, not once per glob."""
    text, root = str(path), str(project)
    rel = None
    if text == root:
        rel = "."
    elif text.startswith(root if root.endswith("/") else root + "/"):
        rel = text[len(root):].lstrip("/")
    return text, path.name, rel


def _glob_in(pattern: str, place: tuple[str, str, str | None]) -> bool:
    text, name, rel = place
    if pattern.startswith("$ZOT_HOME") and pattern[len("$ZOT_HOME"):len("$ZOT_HOME") + 1] in ("", "/"):
        pattern = _zot_home() + pattern[len("$ZOT_HOME"):]    # zot's own folder, wherever it is
    if pattern in ("/", "~"):
        return text == (str(Path.home()) if pattern == "~" else "/")
    if "/" not in pattern.rstrip("/"):
        return bool(_glob_regex(pattern.rstrip("/")).match(name))
    if pattern.startswith("~/"):
        pattern = str(Path.home()) + pattern[1:]
    if pattern.startswith("/"):
        return bool(_glob_regex(pattern).match(text))
    return rel is not None and bool(_glob_regex(pattern).match(rel))


def any_glob(patterns: tuple, where: Path, project: Path, memo: dict) -> bool:
    """Whether any pattern matches, each `glob_match` once per call and path: rule sets repeat
    their globs (`.env`, `secrets/**`) across extensions, and every rule of a call asks about the
    same paths (one dict per path, so a lookup does not build a key)."""
    key = ("globs", where)
    seen = memo.get(key)
    if seen is None:
        seen = memo[key] = {_PLACE: _place(where, project)}
    for pattern in patterns:
        hit = seen.get(pattern)
        if hit is None:
            hit = seen[pattern] = _glob_in(pattern, seen[_PLACE])
        if hit:
            return True
    return False


_PLACE = "\0place"     # not a glob anyone writes: where `any_glob` keeps the path's `_place`


@dataclass(frozen=True, slots=True)
class Target:
    """One resolved path a call writes, and how (`write`, `append`, `change`, `delete`, `link`)."""

    resolved: Resolved
    how: str
    text: str


def resolved(value: str, base: Base, literal: bool, memo: dict) -> Resolved:
    """`literal_path` or `resolve`, once per call: every rule of a call asks about the same paths."""
    key = ("path", literal, value, base)
    if key not in memo:
        memo[key] = literal_path(value, base) if literal else resolve(value, base)
    return memo[key]


def as_list(spec: Any) -> list:
    """A spec value of one or several items, as a list (a string is one item)."""
    spec = spec or []
    return [spec] if isinstance(spec, str) else list(spec)


def unknown_note(text: str) -> str:
    """Why a deny or confirm rule matched a path nobody can know before the command runs."""
    shown = text if len(text) <= 80 else text[:77] + "..."
    return f"`{shown}` is only known at run time (or is too long to be a path)"


def path_test(spec: dict, fail_closed: bool, shell_words: bool = True):
    """A predicate for one `path:` spec; every given key must hold. Values are shell words (`$X`
    unknown, braces expanded) when `shell_words`, except the paths of write/edit/read calls: those
    tools take a path as written, and so does any value read from an `arg`."""
    match, excepts = tuple(as_list(spec.get("match"))), tuple(as_list(spec.get("except")))
    in_project = spec.get("inside_project")
    hows = frozenset(as_list(spec.get("how")))

    def predicate(value: Any, subject: Subject) -> bool:
        if type(value) is Target:
            if hows and value.how not in hows:
                return False
            return check(value.resolved, value.text, subject)
        if not isinstance(value, str):
            return False
        if hows and WRITE not in hows and CHANGE not in hows:
            return False
        base = subject.base if subject.base is not MISSING else subject.cwd
        if not shell_words or subject.tool in LITERAL_TOOLS:
            return check(resolved(value, subject.cwd, True, subject.memo), value, subject)
        words = expand_braces(value) if "{" in value else [value]
        return any(check(resolved(w, base, False, subject.memo), w, subject) for w in words)

    def check(path: Resolved, text: str, subject: Subject) -> bool:
        if path is UNKNOWN:
            if fail_closed:
                subject.note(unknown_note(text))
            return fail_closed
        if path is NOWHERE:
            return False
        memo = subject.memo
        project = real_project(subject.project)
        if in_project is None and type(path) is not Partial:      # the common case: globs on a path
            if match and not any_glob(match, path, project, memo):
                return False
            return not (excepts and any_glob(excepts, path, project, memo))
        if isinstance(path, Partial):
            if in_project is not None:
                if path.anywhere:
                    if not fail_closed:
                        return False
                elif inside(path.path, project) != bool(in_project):
                    return False
            where = path.path
        else:
            if in_project is not None and inside(path, project) != bool(in_project):
                return False
            where = path
        if match and not any_glob(match, where, project, memo):
            return False
        if excepts and any_glob(excepts, where, project, memo):
            return False
        if isinstance(path, Partial) and path.anywhere and in_project is not None:
            subject.note(f"`{text}` could be any folder")
        return True
    predicate.globs = tuple(match)      # for the index (zot.ext.guard_index): a match needs one
    return predicate


# --------------------------------------------------------------------------- written paths


def written_paths(subject: Subject) -> Any:
    """Every path a call writes (see the module docstring), as `Target`s."""
    key = ("written", id(subject.args))
    held = subject.memo.get(key)
    if held is not None and held[0] is subject.args:
        return held[1]
    found = _written(subject)
    subject.memo[key] = (subject.args, found)
    return found


def _written(subject: Subject) -> Any:
    if subject.tool in ("write", "edit"):
        value = subject.args.get("path")
        if not isinstance(value, str):
            return MISSING
        where = literal_path(value, subject.cwd)
        how = WRITE if subject.tool == "write" else CHANGE
        return [Target(where, how, value), *_aliases(where, how, value, subject)] or MISSING
    command = subject.args.get("command")
    if subject.tool != "bash" or not isinstance(command, str):
        return MISSING
    from zot.ext.shell import parse_command_line

    line = parse_command_line(command)
    out: list[Target] = []
    if line.error:
        out.append(Target(UNKNOWN, WRITE, "the command"))   # unparsable: a deny guard matches
    links: list[tuple[Resolved, Resolved]] = []
    for use in line.uses:
        if not use.writes:
            continue
        for base in folders(use.dirs, subject.cwd, subject.memo):
            for word in (expand_braces(use.path) if "{" in use.path else [use.path]):
                where = resolved(word, base, False, subject.memo)
                if use.maybe and not (isinstance(where, Path) and where.exists()):
                    continue
                out.append(Target(where, use.how, word))
                for link, pointed in links:
                    if isinstance(where, Path) and isinstance(link, Path) and inside(where, link):
                        out.append(Target(_under(pointed, link, where), use.how, word))
                out.extend(_aliases(where, use.how, word, subject))
                if use.how == "link" and use.target is not None:
                    links.append((where, _link_target(use.target, where, base, subject)))
    return out or MISSING


def _link_target(target: str, link: Resolved, base: Base, subject: Subject) -> Resolved:
    """What a link made by `ln` points to: a relative `-s` target is relative to the link's folder."""
    if isinstance(link, Path) and not target.startswith(("/", "~", "$")):
        return resolved(target, link.parent, False, subject.memo)
    return resolved(target, base, False, subject.memo)


def _under(pointed: Resolved, link: Path, where: Path) -> Resolved:
    if not isinstance(pointed, Path) or where == link:
        return pointed
    return pointed / os.path.relpath(where, link)


def _aliases(where: Resolved, how: str, text: str, subject: Subject) -> list[Target]:
    """A write to a file with several hard links writes each of its names."""
    if not isinstance(where, Path):
        return []
    try:
        if os.stat(where).st_nlink <= 1:
            return []
    except OSError:
        return []
    roots = [real_project(subject.project), Path.home() / ".ssh", Path.home() / ".gnupg"]
    return [Target(other, how, f"{text} (a hard link)")
            for other in hard_links(where, [r for r in roots if r.is_dir()], subject.memo)]
