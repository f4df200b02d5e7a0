"""Which rules can have an opinion on a call, found without asking each of them.

With thousands of rules, asking every rule about every call costs milliseconds. Most rules
carry a cheap necessary condition, a *need*, read from the compiled rule once:

* a shell rule: one of its programs runs (the parsed line names every program it runs);
* a `regex`, `contains` or `glob` test on an argument: the argument's text contains one of a few
  strings every match contains (zot.ext.literals);
* a `path` test with `match:` globs: a path the call writes (or the argument's path) has one of
  the globs' plain parts: its file name, its extension, or a folder it is in.

Per call, each kind of need is probed once (the text scanned once for every string, the paths
resolved once), and only the rules whose need is met, or which have none (expressions, `not`,
script guards), are asked, in their original order. A rule left out provably returns nothing,
so every decision, verdict and reason stays what asking every rule would give. The one
difference: a regex whose required text is absent is not run, so it cannot run out of time and
make its guard fail closed; it could not have matched.

Whatever cannot be probed (a list value, a non-ASCII text for a case-insensitive regex, a text
over SCAN_LIMIT, a path only known at run time, an unparsable shell line) makes every rule of
that kind a candidate, as without the index.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from zot.ext import literals
from zot.ext.matchers import paths
from zot.ext.matchers.base import MISSING, Subject, ValueMatcher, get_arg
from zot.ext.matchers.combine import All, Any_
from zot.ext.matchers.text import MAX_TEXT

CANDIDATE_CACHE = 256      # candidate lists kept per index, by the needs a call met
SCAN_LIMIT = 256 * 1024     # longer texts are not scanned: their rules are all asked
FEW = 24                    # up to this many strings, each is looked for directly
DEFAULT = "\0default"       # the argument a matcher without `arg` reads, per tool


@dataclass(frozen=True)
class Need:
    """A rule can only match when the probe of `group` finds one of `keys`."""

    group: tuple
    keys: frozenset


# --------------------------------------------------------------------------- reading rules


def needs_of(rule: Any) -> list[Need] | None:
    """The needs of a rule, one of which a call must meet; None: always ask the rule. Of several
    needs that must all be met, the one on text is taken (it tells rules apart best), else the
    programs of a shell rule."""
    matcher = getattr(rule, "matcher", None)
    ext = getattr(rule, "ext", None)
    found = None
    if matcher is not None and ext is not None:
        try:
            found = _needs(matcher, ext)
        except Exception:  # a matcher this module does not understand: ask it
            found = None
    programs = getattr(rule, "programs", None)
    if programs and (not found or any(n.group[0] == "path" for n in found)):
        return [Need(("programs",), frozenset(programs))]
    return found


def _needs(matcher: Any, ext: Any, word: str | None = None) -> list[Need] | None:
    """`word`: inside a shell test on that argument, value tests read the words of commands."""
    if isinstance(matcher, All):
        found = [n for n in (_needs(p, ext, word) for p in matcher.parts) if n]
        return min(found, key=_weakness) if found else None
    if isinstance(matcher, Any_):
        parts = [_needs(p, ext, word) for p in matcher.parts]
        return [n for part in parts for n in part] if parts and all(parts) else None
    if isinstance(matcher, ValueMatcher):
        return _value_needs(matcher, ext, word)
    return None


def _weakness(needs: list[Need]) -> tuple:
    """Prefer needs on text, then the longest strings."""
    text = all(n.group[0] == "text" for n in needs)
    shortest = min((len(k) for n in needs for k in n.keys if isinstance(k, str)), default=0)
    return (not text, -shortest, len(needs))


def _value_needs(m: ValueMatcher, ext: Any, word: str | None) -> list[Need] | None:
    predicate = m.predicate
    inner = getattr(predicate, "args_test", None)
    if inner is not None and word is None and m.arg is not None:
        return _needs(inner, ext, m.arg)       # a shell test: one of its words must hold
    globs = getattr(predicate, "globs", None)
    if globs is not None:
        if word is not None or (m.arg is None and m.source is not paths.written_paths):
            return None
        keys = [glob_key(g) for g in globs]
        if not keys or any(k is None for k in keys):
            return None
        return [Need(("path", m.arg), frozenset(keys))]
    looks = getattr(predicate, "looks_for", None)
    if looks is None:
        return None
    if word is not None:
        if m.arg is not None or m.source is not None:
            return None
        source: Any = ("words", word)
    elif m.arg is not None:
        source = m.arg
    elif m.source is not None and m.source is not paths.written_paths:
        source = (DEFAULT, id(ext.tool_params))
    else:
        return None
    kind, patterns, ignore_case = looks
    found = []
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern:
            return None
        if kind == "regex":
            need = literals.regex_needs(pattern, ignore_case)
        elif kind == "glob":
            need = literals.glob_needs(pattern, ignore_case)
        else:
            need = (frozenset([pattern]), literals.LOWER if ignore_case else literals.EXACT)
        if need is None:
            return None
        found.append(Need(("text", source, need[1]), need[0]))
    return found or None


def glob_key(pattern: str) -> tuple | None:
    """What a path must have for `paths.glob_match(pattern, path, ...)` to be true: its name,
    the end of its name, or a folder it is in (from the root, home or the project)."""
    if not isinstance(pattern, str) or pattern.startswith("$ZOT_HOME") or pattern in ("/", "~"):
        return None
    wild = "*?["
    if "/" not in pattern.rstrip("/"):
        name = pattern.rstrip("/")
        if name and not any(c in name for c in wild):
            return ("name", name)
        rest = name.lstrip("*")
        if rest and not any(c in rest for c in wild):
            return ("suffix", rest)
        return None
    if pattern.startswith("~/"):
        base, rest = "home", pattern[2:]
    elif pattern.startswith("/"):
        base, rest = "abs", pattern
    else:
        base, rest = "rel", pattern
    cut = min((i for i in (rest.find(c) for c in wild) if i >= 0), default=-1)
    if cut >= 0:
        rest = rest[:rest.rfind("/", 0, cut) + 1].rstrip("/") if "/" in rest[:cut] else ""
    if not rest:
        return None
    return (base, rest)


# --------------------------------------------------------------------------- probing calls


def path_keys(path: Path, project: Path) -> set[tuple]:
    """Every key of `glob_key` a path has."""
    text, name = str(path), path.name
    keys = {("name", name)}
    keys.update(("suffix", name[i:]) for i in range(len(name)))
    keys.update(("abs", p) for p in _prefixes(text))
    home = str(Path.home())
    if paths.inside(path, Path(home)) and text != home:
        keys.update(("home", p) for p in _prefixes(text[len(home):].lstrip("/")))
    root = str(project)
    if paths.inside(path, project):
        keys.update(("rel", p) for p in _prefixes(text[len(root):].lstrip("/") if text != root else "."))
    return keys


def _prefixes(text: str) -> list[str]:
    """`a/b/c` -> `a`, `a/b`, `a/b/c` (a leading `/` kept)."""
    out = [text[:i] for i in range(1, len(text)) if text[i] == "/"]
    out.append(text)
    return out


@dataclass
class Group:
    """The rules whose needs are probed the same way, by key."""

    kind: tuple
    ext: Any = None                                   # for DEFAULT: whose primary argument
    by_key: dict = field(default_factory=dict)        # key -> positions
    positions: list = field(default_factory=list)     # every rule of the group
    _starts: dict | None = None                       # first three characters -> keys
    _short: list = field(default_factory=list)        # keys shorter than three characters

    def add(self, keys: frozenset, position: int) -> None:
        for key in keys:
            self.by_key.setdefault(key, []).append(position)
        self.positions.append(position)

    def hits(self, probe: "Probe") -> list[int] | None:
        """Positions whose need the call meets; None: every position (the probe cannot tell)."""
        found = probe.keys(self)
        if found is None:
            return None
        out: list[int] = []
        for key in found:
            out.extend(self.by_key.get(key, ()))
        return out

    def present(self, text: str) -> set:
        """The keys (strings) that occur in `text`: directly when they are few (or shorter than
        three characters), else through their first three characters, found among the text's."""
        keys = self.by_key
        if len(keys) <= FEW:
            return {k for k in keys if k in text}
        if self._starts is None:
            self._short = [k for k in keys if len(k) < 3]
            self._starts = {}
            for k in keys:
                if len(k) >= 3:
                    self._starts.setdefault(k[:3], []).append(k)
        found = {k for k in self._short if k in text}
        grams = {text[i:i + 3] for i in range(len(text) - 2)}
        found.update(k for g in grams & self._starts.keys() for k in self._starts[g] if k in text)
        return found


class Probe:
    """What one call offers each group (cached for the call's current arguments)."""

    def __init__(self, call: Any) -> None:
        self.call = call
        self.args = call.args
        self.memo: dict = {}

    def keys(self, group: Group) -> set | None:
        kind = group.kind
        cached = self.memo.get(kind, MISSING)
        if cached is MISSING:
            try:
                cached = self._keys(group)
            except Exception:  # whatever the probe cannot work out, the rules decide
                cached = None
            self.memo[kind] = cached
        if cached is None or kind[0] != "text":
            return cached       # programs and paths: a set of keys
        return group.present(cached) if isinstance(cached, str) else cached

    def _keys(self, group: Group) -> Any:
        kind = group.kind
        if kind[0] == "programs":
            return self._programs()
        if kind[0] == "path":
            return self._paths(kind[1])
        return self._text(group)

    def _programs(self) -> set | None:
        command = self.args.get("command") if self.call.tool == "bash" else None
        if not isinstance(command, str):
            return None
        from zot.ext.shell import parse_command_line

        line = parse_command_line(command)
        if line.error or any(c.unknown is not None or c.hidden is not None for c in line.commands):
            return None
        return set(line.programs())

    def _text(self, group: Group) -> str | set | None:
        """The text to look in (as the group compares it); an empty set: no rule can match."""
        arg = group.kind[1]
        if isinstance(arg, tuple) and arg[0] == "words":
            return self._words(arg[1], group.kind[2])
        if isinstance(arg, tuple):
            arg = group.ext.primary_arg(self.call.tool)
            if arg is None:
                return set()
        value = get_arg(self.args, arg)
        if value is MISSING or value is None:
            return set()
        if isinstance(value, (list, tuple)):
            return None
        text = (value if isinstance(value, str) else str(value))[:MAX_TEXT]
        if len(text) > SCAN_LIMIT:
            return None
        return literals.present(text, group.kind[2])

    def _words(self, arg: str, how: str) -> str | set | None:
        """Every word of every command of a shell line, when the line hides nothing (no unknown
        program, hidden code, unparsable part, or words `xargs` or `find -exec` supply)."""
        value = get_arg(self.args, arg)
        if isinstance(value, (list, tuple)):
            return None
        if not isinstance(value, str):
            return set()
        from zot.ext.shell import parse_command_line

        line = parse_command_line(value)
        if line.error:
            return None
        words: list[str] = []
        for cmd in line.commands:
            if cmd.hidden is not None or cmd.unknown is not None or "xargs" in cmd.via or \
                    "parallel" in cmd.via or "{}" in cmd.positionals:
                return None
            words += [*cmd.argv, *cmd.positionals, *(v for _, v in cmd.flag_values)]
        text = "\0".join(str(w) for w in words)
        return literals.present(text, how) if len(text) <= SCAN_LIMIT else None

    def _paths(self, arg: str | None) -> set | None:
        from zot.ext.compile.guards import as_path, call_memo

        call = self.call
        subject = Subject(call.tool, self.args, as_path(call.cwd), as_path(call.project), memo=call_memo(call))
        if arg is None:
            found = paths.written_paths(subject)
            targets = [] if found is MISSING else [t.resolved for t in found]
        else:
            value = get_arg(self.args, arg)
            if isinstance(value, (list, tuple)):
                return None
            if not isinstance(value, str):
                return set()
            targets = [paths.resolved(value, subject.cwd, True, subject.memo)]
        project = paths.real_project(subject.project)
        keys: set = set()
        for target in targets:
            if target is paths.UNKNOWN:
                return None
            if target is paths.NOWHERE:
                continue
            where = target.path if isinstance(target, paths.Partial) else target
            if not isinstance(where, Path):
                return None
            keys |= path_keys(where, project)
        return keys


class RuleIndex:
    """One list of rules (a tool's guards or rewriters), indexed by need."""

    def __init__(self, rules: list) -> None:
        self.rules = rules
        self.always: list[int] = []
        self.groups: dict[tuple, Group] = {}
        for position, rule in enumerate(rules):
            needs = needs_of(rule)
            if not needs:
                self.always.append(position)
                continue
            for need in needs:
                group = self.groups.get(need.group)
                if group is None:
                    group = self.groups[need.group] = Group(need.group, getattr(rule, "ext", None))
                group.add(need.keys, position)

    def select(self, call: Any, probe: Probe | None = None, start: int = 0) -> list[int]:
        """Positions (from `start`, in order) of the rules that may match the call."""
        probe = probe or Probe(call)
        chosen = set(self.always)
        for group in self.groups.values():
            found = group.hits(probe)
            chosen.update(group.positions if found is None else found)
        return sorted(p for p in chosen if p >= start)

    def candidates(self, call: Any) -> list:
        """The rules that may match, found once per set of needs met: calls alike in what the
        index sees (most calls of a session) share one list instead of sorting thousands of
        positions each time."""
        probe = Probe(call)
        met = []
        for kind, group in self.groups.items():
            found = probe.keys(group)
            met.append(None if found is None else frozenset(k for k in found if k in group.by_key))
        key = tuple(met)
        cache = self.__dict__.setdefault("_candidates", {})
        held = cache.get(key)
        if held is None:
            if len(cache) >= CANDIDATE_CACHE:
                cache.pop(next(iter(cache)))     # the oldest
            held = cache[key] = [self.rules[p] for p in self.select(call, probe)]
        return held

    def chain(self, call: Any) -> Iterator[Any]:
        """The rules in order for a chain that may change `call.args` (rewriters): after a
        change, what remains is selected again for the new arguments. Right after a rule
        rewrote, the next rule is asked at once (asking one rule the index would have skipped
        costs less than selecting again), and again while each rewrites: rules written alike sit
        side by side, so a run of k rewrites selects once, not k times."""
        start, total = 0, len(self.rules)
        while start < total:
            args = call.args
            rewrote = -1
            for position in self._after(Probe(call), start):
                yield self.rules[position]
                if call.args is not args:
                    rewrote = position
                    break
            if rewrote < 0:
                return
            position = rewrote + 1
            while position < total:
                args = call.args
                yield self.rules[position]
                position += 1
                if call.args is args:
                    break
            start = position

    def _after(self, probe: Probe, start: int) -> Iterator[int]:
        """`select(call, probe, start)`, lazily: positions in order, each once."""
        lists = [self.always]
        for group in self.groups.values():
            found = probe.keys(group)
            if found is None:
                lists.append(group.positions)
            else:
                lists.extend(group.by_key[k] for k in found if k in group.by_key)
        lists = [items for items in lists if items and items[-1] >= start]
        if len(lists) == 1:             # one list (the usual chain): its positions, in order
            items = lists[0]
            for i in range(bisect_left(items, start), len(items)):
                yield items[i]
            return
        last = -1
        for position in heapq.merge(*(items[bisect_left(items, start):] for items in lists)):
            if position != last:
                last = position
                yield position
