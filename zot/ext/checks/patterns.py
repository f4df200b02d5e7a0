"""Globs and regexes that are valid YAML but do not mean what their author meant.

- A glob with a `[` that is never closed matches a literal `[` (fnmatch and zot's path globs
  both read it so): `secrets/[` protects nothing.
- A path glob that starts with `/` is matched from the filesystem root (the one meaning zot
  gives it, see docs/guards.md); `/secrets/**` was almost surely meant for the project's
  `secrets/` (the .gitignore habit), so it is a warning unless it names a usual top-level folder.
- In a double-quoted YAML string `\\b` is a backspace, not a word boundary: the regex looks for
  a control character nobody types.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from zot.diagnostics import Diagnostic
from zot.ext.checks.sites import mapping, matchers, regex_sites, seq
from zot.yamlio import Document

# the usual folders at the root of Linux and macOS file systems: a leading `/` before them is meant
ROOT_FOLDERS = frozenset({
    "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt", "nix", "opt",
    "proc", "root", "run", "sbin", "snap", "srv", "sys", "tmp", "usr", "var", "Applications", "Library",
    "System", "Users", "Volumes", "private", "cores", "workspace", "workspaces", "data"})
# what YAML makes of a backslash escape in double quotes, where a regex meant something else
YAML_ESCAPES = {"\x08": ("\\b", "a backspace character", "a word boundary"),
                "\x1b": ("\\e", "an escape character", "`e`"),
                "\x85": ("\\N", "a next-line character", "a named character"),
                "\xa0": ("\\_", "a no-break space", "`_`"),
                "\u2028": ("\\L", "a line separator", "`L`"),
                "\u2029": ("\\P", "a paragraph separator", "a Unicode property")}


def _as_list(value: Any) -> list[tuple[tuple, str]]:
    if isinstance(value, str):
        return [((), value)]
    return [((i,), v) for i, v in enumerate(seq(value)) if isinstance(v, str)]


def glob_sites(m: dict) -> Iterator[tuple[tuple, str, str]]:
    """(key path, glob, kind) for every glob in the guards' matchers: `path` (path globs) or `text`."""
    for name, guard in mapping(m.get("guards")).items():
        for path, matcher in matchers(mapping(guard).get("when"), ("guards", name, "when")):
            for sub, value in _as_list(matcher.get("glob")):
                yield path + ("glob", *sub), value, "text"
            test = mapping(matcher.get("path"))
            for key in ("match", "except"):
                for sub, value in _as_list(test.get(key)):
                    yield path + ("path", key, *sub), value, "path"


def unclosed_bracket(glob: str) -> int | None:
    """The index of a `[` that starts no set (no `]` after it), else None."""
    i = 0
    while i < len(glob):
        if glob[i] == "[":
            end = glob.find("]", i + 2 if glob[i + 1:i + 2] in ("!", "^") else i + 1)
            if end < 0:
                return i
            i = end
        i += 1
    return None


def _compiles(glob: str, kind: str) -> str | None:
    """Why the glob cannot be matched at all (a set like `[z-a]`), else None."""
    import fnmatch

    try:
        if kind == "path":
            from zot.ext.matchers.paths import _glob_regex

            _glob_regex(glob)
        else:
            re.compile(fnmatch.translate(glob))
    except re.error as exc:
        return exc.msg
    return None


def check_globs(doc: Document, m: dict) -> Iterator[Diagnostic]:
    for path, glob, kind in glob_sites(m):
        if "{{" in glob or "{%" in glob:
            continue      # rendered from params when the extension loads
        at = unclosed_bracket(glob)
        broken = _compiles(glob, kind) if at is None else None
        if at is not None:
            yield doc.diag(path, "bad-glob", f"the glob `{glob}` has a `[` that is never closed, so it only "
                           "matches a literal `[`", "close the set (`[abc]`), or write `[[]` to match a `[`")
        elif broken:
            yield doc.diag(path, "bad-glob", f"the glob `{glob}` cannot be used: {broken}",
                           "a set lists characters or ranges in order, e.g. `[a-z]`")
        elif kind == "path" and glob.startswith("/") and glob != "/":
            first = glob[1:].split("/", 1)[0]
            if first and first not in ROOT_FOLDERS and not set("*?[") & set(first):
                yield doc.diag(path, "absolute-glob",
                               f"`{glob}` starts with `/`, so it is matched from the filesystem root, not "
                               "from the project", f"for the project's `{first}` write `{glob[1:]}`; keep "
                               "the leading `/` only for an absolute path such as `/etc/**`",
                               severity="warning")


def check_regex_quoting(doc: Document, m: dict) -> Iterator[Diagnostic]:
    for path, pattern in regex_sites(m):
        changed = [c for c in YAML_ESCAPES if c in pattern]
        if not changed or _style(doc, path) != '"':
            continue
        written, became, meant = YAML_ESCAPES[changed[0]]
        yield doc.diag(path, "regex-quoting",
                       f"YAML turned `{written}` into {became} (the regex is in double quotes), so the regex "
                       f"looks for that, not for {meant}",
                       "use single quotes so backslashes stay as written, e.g. regex: '\\bsudo\\b'",
                       severity="warning")


def _style(doc: Document, path: tuple) -> str | None:
    from zot.yamlio import _fast_compose, _walk_node

    try:
        node = _walk_node(_fast_compose(doc.text), path)
    except Exception:
        return None
    return getattr(node, "style", None)
