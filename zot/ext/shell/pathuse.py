"""Which paths a simple command reads and which it writes: ``cp SRC DST`` reads SRC, writes DST.

``command_uses`` gives a command's ``PathUse``s from its program's table; redirections and
``tee`` are added by the walker. A rule about writing then looks only at ``PathUse.writes``, so
``cp .env .env.bak``, ``grep KEY .env > out`` and ``tar czf x.tgz .git`` do not look like writes
to the protected files they read.

Programs not in the tables are not classified: their operands are neither reads nor writes
(``docs/guards.md`` says so). Interpreters' ``-c``/``-e`` code is scanned for string literals: they
are writes when the code calls something that writes (``open(...,'w')``, ``write_text``,
``os.remove``, ``shutil.copy``, ...), else reads.
"""
from __future__ import annotations

import os
import re
from typing import Sequence

from .model import APPEND, CHANGE, DELETE, LINK, READ, WRITE, Dirs, PathUse
from .options import Options
from .value import known

# program -> (how its operands are used): "all" every operand, "last" the last (the others are
# read), "after_first" all but the first (a mode, an owner, a pattern: the rest are files)
_OPERANDS: dict[str, tuple[str, str]] = {
    "rm": ("all", DELETE), "rmdir": ("all", DELETE), "unlink": ("all", DELETE),
    "shred": ("all", CHANGE), "truncate": ("all", CHANGE), "touch": ("all", CHANGE),
    "mkdir": ("all", WRITE), "chmod": ("after_first", CHANGE), "chown": ("after_first", CHANGE),
    "chgrp": ("after_first", CHANGE), "chattr": ("after_first", CHANGE),
    "setfacl": ("after_first", CHANGE),
}
_READERS = frozenset({
    "cat", "tac", "head", "tail", "less", "more", "wc", "sort", "uniq", "diff", "cmp", "comm",
    "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum", "cksum", "file", "stat", "nl",
    "od", "xxd", "hexdump", "base64", "strings", "jq", "yq", "source", ".", "bat", "column",
})
_PATTERN_FIRST = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "awk", "sed"})
_COPIERS = frozenset({"cp", "mv", "install", "rsync", "scp", "ln"})
_DOWNLOAD_OUTPUT = {"curl": ("o",), "wget": ("O", "o", "a"), "sort": ("o",), "aria2c": ("o",)}
_KEYGEN_READS = frozenset("lyFRBeiDQYLk")      # ssh-keygen modes that only read -f FILE
_INTERPRETERS = re.compile(r"^(?:python[0-9.]*|pypy[0-9.]*|perl|ruby|node|nodejs|php|deno|bun)$")
_CODE_WRITES = re.compile(
    r"['\"](?:[wax]b?\+?|[rw]\+b?)['\"]|write|remove|unlink|rmtree|rename|replace|copy|move|"
    r"symlink|chmod|truncate|makedirs|mkdir|open\s*\(\s*\w+\s*,\s*['\"]>|>>|\bsystem\b|spawn|exec")
_STRING = re.compile(r"'((?:[^'\\\n]|\\.){1,512})'|\"((?:[^\"\\\n]|\\.){1,512})\"")
MAX_CODE_SCAN = 64 * 1024


_USERS = frozenset({*_OPERANDS, *_READERS, *_PATTERN_FIRST, *_COPIERS, *_DOWNLOAD_OUTPUT, "dd",
                    "tar", "sed", "perl", "ruby", "find", "git", "ssh-keygen", "openssl"})


def _values(opts: Options, name: str) -> list[str]:
    return [value for key, value in opts.values if key == name]


def _inside(folder: str, sources: Sequence[str], contents: bool = False, is_dir: bool = False) -> list[str]:
    """``cp a b DIR/``: besides DIR itself, each file lands at DIR/basename (``rsync SRC/ DIR``
    copies what is in SRC, not SRC: ``contents``). DIR is a folder when the command says so
    (``-t DIR``, several sources, a trailing ``/``) or when one exists there now."""
    if not known(folder) or not (is_dir or folder.endswith("/") or os.path.isdir(folder)):
        return []
    return [folder.rstrip("/") + "/" + os.path.basename(s.rstrip("/")) for s in sources
            if known(s) and s.rstrip("/") and not (contents and s.endswith("/"))]


def command_uses(program: str, args: Sequence[str], opts: Options, dirs: Dirs,
                 stdin_code: str | None = None) -> list[PathUse]:
    """The paths ``program args`` reads and writes (see the module docstring)."""
    if program not in _USERS and not _INTERPRETERS.match(program):
        return []
    out: list[tuple[str, str, str | None, bool]] = []
    add = out.append
    words = [w for w in opts.positionals if w != "{}"]
    for name in _DOWNLOAD_OUTPUT.get(program, ()):
        out.extend((v, WRITE, None, False) for v in _values(opts, name) if v != "-")
    if program == "ssh-keygen" and not opts.flags & _KEYGEN_READS:
        for key in _values(opts, "f"):
            out.extend([(key, CHANGE if "p" in opts.flags else WRITE, None, False),
                        (key + ".pub", WRITE, None, False)])
    if program == "openssl":            # single-dash long options: -out FILE
        out.extend((args[i + 1], WRITE, None, False) for i, a in enumerate(args[:-1])
                   if a in ("-out", "-keyout"))
    if program == "dd":
        out.extend((a[3:], WRITE, None, False) for a in opts.positionals if a.startswith("of="))
        out.extend((a[3:], READ, None, False) for a in opts.positionals if a.startswith("if="))
    elif program in _OPERANDS:
        which, how = _OPERANDS[program]
        chosen = words[1:] if which == "after_first" and not _values(opts, "reference") else words
        out.extend((w, how, None, False) for w in chosen)
        if program == "shred" and "u" in opts.flags:
            out.extend((w, DELETE, None, False) for w in words)
    elif program in _COPIERS:           # `{}` (find -exec, xargs -I) counts for the arity
        _copy(program, list(opts.positionals), opts,
              lambda use: use[0] == "{}" or add(use))
    elif program == "tar":
        _tar(words, opts, add)
    elif program in ("sed", "perl", "ruby") and ("i" in opts.flags or "in-place" in opts.flags):
        script_given = _values(opts, "e") or _values(opts, "f")
        files = words[1:] if program == "sed" and not script_given else words
        out.extend((w, CHANGE, None, False) for w in files)
    elif program == "find":
        if "delete" in opts.flags:          # find DIR -name N -delete: DIR, and files named N in it
            names = [v for k, v in opts.values if k in ("name", "iname")]
            out.extend((w, DELETE, None, False) for w in words)
            out.extend((w.rstrip("/") + "/**/" + n, DELETE, None, False) for w in words for n in names
                       if known(w) and known(n))
        out.extend((v, WRITE, None, False) for k, v in opts.values
                   if k in ("fprint", "fprint0", "fls", "fprintf"))
    elif program == "git":
        _git(words, opts, add)
    elif program in _READERS:
        out.extend((w, READ, None, False) for w in words)
    elif program in _PATTERN_FIRST:
        script = _values(opts, "e") or _values(opts, "f")
        out.extend((w, READ, None, False) for w in (words if script else words[1:]))
    if _INTERPRETERS.match(program):
        code = stdin_code if stdin_code is not None else next(
            (v for k, v in opts.values if k in ("c", "e", "E", "r")), None)
        if code is not None:
            _code(str(code), add)          # `$HOME` in the code is bash's: the path test knows it
    return [PathUse(path, how, dirs, program, target, maybe) for path, how, target, maybe in out]


def _copy(program: str, words: list[str], opts: Options, add) -> None:
    target = _values(opts, "t")
    if program == "ln":
        _ln(words, target, add)
        return
    if program == "install" and "d" in opts.flags:
        for w in words:
            add((w, WRITE, None, False))
        return
    if target:
        sources, dests = words, target[-1:]
    elif len(words) >= 2:
        sources, dests = words[:-1], words[-1:]
    else:
        return
    for s in sources:
        add((s, DELETE if program == "mv" or "remove-source-files" in opts.flags else READ, None, False))
    for d in dests:
        add((d, WRITE, None, False))
        for inner in _inside(d, sources, program == "rsync", is_dir=bool(target) or len(sources) > 1):
            add((inner, WRITE, None, False))


def _ln(words: list[str], target: list[str], add) -> None:
    """``ln [-s] TARGET LINK``, ``ln TARGET... DIR``, ``ln -t DIR TARGET...``, ``ln TARGET``."""
    def named(folder: str, pointed: str) -> str:
        return folder.rstrip("/") + "/" + os.path.basename(pointed.rstrip("/"))

    if target:
        pairs = [(named(target[-1], t), t) for t in words]
    elif len(words) == 1:
        pairs = [(os.path.basename(words[0].rstrip("/")) or words[0], words[0])]
    elif len(words) == 2:
        pairs = [(words[1], words[0])] + [(p, words[0]) for p in _inside(words[1], words[:1])]
    else:
        pairs = [(named(words[-1], t), t) for t in words[:-1]]
    for link, pointed in pairs:
        add((link, LINK, pointed, False))


def _tar(words: list[str], opts: Options, add) -> None:
    archives = _values(opts, "f")
    extract = bool({"x", "extract", "get"} & opts.flags)
    for a in archives:
        add((a, READ if extract or "t" in opts.flags else WRITE, None, False))
    if extract:
        for folder in _values(opts, "C") or ["."]:
            add((folder, WRITE, None, False))
    elif "c" in opts.flags or "create" in opts.flags or "r" in opts.flags:
        for w in words:
            add((w, READ, None, False))


def _git(words: list[str], opts: Options, add) -> None:
    """git commands that overwrite files in the working tree with what git holds."""
    if not words:
        return
    sub, rest = words[0], list(words[1:])
    after = rest[opts.dashdash:] if opts.dashdash is not None and opts.dashdash <= len(rest) else None
    if sub == "checkout":
        if {"b", "B", "orphan"} & opts.flags and after is None:
            return
        if after is not None:
            paths, maybe = after, False
        elif len(rest) >= 2:
            paths, maybe = rest[1:], False               # checkout TREE-ISH PATH...
        else:                                            # a branch, or a file to overwrite
            paths, maybe = rest, not (rest and (rest[0] in (".", "./", ":/", ":", "*") or
                                                rest[0].endswith("/")))
        for p in paths:
            add((p, CHANGE, None, maybe))
    elif sub == "restore":
        if "S" in opts.flags and "W" not in opts.flags and "worktree" not in opts.flags:
            return
        for p in (after if after is not None else rest):
            add((p, CHANGE, None, False))
    elif sub == "rm":
        for p in rest:
            add((p, DELETE, None, False))
    elif sub == "mv" and len(rest) >= 2:
        for p in rest[:-1]:
            add((p, DELETE, None, False))
        add((rest[-1], WRITE, None, False))


def _code(code: str, add) -> None:
    """String literals in ``-c`` code: writes when the code writes something, else reads."""
    code = code[:MAX_CODE_SCAN]
    how = WRITE if _CODE_WRITES.search(code) else READ
    for match in _STRING.finditer(code):
        text = match.group(1) or match.group(2) or ""
        if text and not text.isspace() and "\n" not in text and (
                "/" in text or "." in text or text.startswith("~")):
            add((text, how, None, False))


def redirect_use(op: str, target: str, dirs: Dirs) -> PathUse | None:
    """The use a redirection makes of its target (``<`` reads, ``>>`` appends, ``>`` writes)."""
    if op.endswith(">>"):
        return PathUse(target, APPEND, dirs, ">>")
    if op.endswith(("<", "<&")) and not op.endswith("<>"):
        return PathUse(target, READ, dirs, "<")
    return PathUse(target, WRITE, dirs, op)
