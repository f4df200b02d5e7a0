"""What the line has set up so far, as the walker reads it in execution order.

Bash runs a line top to bottom, and later words depend on earlier commands: ``X=-rf; rm $X ~``,
``tmp=$(mktemp -d); rm -rf "$tmp"``, ``set -- -rf ~; rm "$@"``, ``cd ~ && find -delete``. The
walker keeps a ``State`` and hands it on; where bash may or may not run a part (``a && b``,
``if``, loops, functions), the states of the ways through are merged, so a variable holds every
value it may have (``candidates``) and a folder every place the line may be in. Subshells,
pipeline parts and substitutions get a copy, as in bash, so what they set stays inside.

A variable the line never sets is the environment's (an ``ENV`` word); one set from something
zot cannot know is ``ANY``. More than ``MAX_CANDIDATES`` values make it ``ANY`` too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .value import ANY, ENV, hole

MAX_CANDIDATES = 8
MAX_DIRS = 4
DEFAULT_IFS = " \t\n"


@dataclass(frozen=True, slots=True)
class Val:
    """One value a variable may hold: a scalar (one word) or an array (``array`` set)."""

    items: tuple[str, ...]
    array: bool = False

    @property
    def scalar(self) -> str:
        return self.items[0] if self.items else ""


def env_val(name: str) -> Val:
    return Val((hole("$" + name, ENV),))


def any_val(name: str, sources: frozenset[str] = frozenset({"$"})) -> Val:
    return Val((hole("$" + name, ANY, sources),))


Dirs = tuple[tuple[str, ...], ...]     # ways the line may have moved by `cd`: steps from the start


@dataclass
class State:
    vars: dict[str, tuple[Val, ...]] = field(default_factory=dict)
    positional: tuple[tuple[str, ...], ...] | None = ((),)   # bash -c: no arguments
    zero: str = "bash"
    dirs: Dirs = ((),)
    old_dirs: Dirs | None = None
    stack: list[Dirs] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    downloads: dict[str, frozenset[str]] = field(default_factory=dict)   # file -> downloaders

    def copy(self) -> "State":
        return State(dict(self.vars), self.positional, self.zero, self.dirs, self.old_dirs,
                     list(self.stack), dict(self.aliases), dict(self.downloads))

    def lookup(self, name: str) -> tuple[Val, ...]:
        found = self.vars.get(name)
        if found is not None:
            return found
        if name == "IFS":
            return (Val((DEFAULT_IFS,)),)
        return (env_val(name),)

    def assign(self, name: str, values: tuple[Val, ...]) -> None:
        self.vars[name] = values if len(values) <= MAX_CANDIDATES else (any_val(name),)

    def ifs(self) -> str | None:
        """IFS when it is known, else None (splitting then cannot be known)."""
        if "IFS" not in self.vars:
            return DEFAULT_IFS
        values = self.vars["IFS"]
        if len(values) != 1 or values[0].array:
            return None
        text = values[0].scalar
        return text if type(text) is str else None

    def cd(self, dirs: Dirs) -> None:
        self.old_dirs = self.dirs
        self.dirs = dirs if len(dirs) <= MAX_DIRS else ((hole("$(cd)", ANY),),)

    def merge(self, other: "State") -> "State":
        """The state after one of two ways through: every value either may hold."""
        out = self.copy()
        for name in set(self.vars) | set(other.vars):
            mine, theirs = self.lookup(name), other.lookup(name)
            out.assign(name, tuple(dict.fromkeys(mine + theirs)))
        if self.positional != other.positional:
            if self.positional is None or other.positional is None:
                out.positional = None
            else:
                merged = tuple(dict.fromkeys(self.positional + other.positional))
                out.positional = merged if len(merged) <= MAX_CANDIDATES else None
        if self.dirs != other.dirs:
            out.cd(tuple(dict.fromkeys(self.dirs + other.dirs)))
            out.old_dirs = self.old_dirs
        out.aliases.update(other.aliases)
        for path, sources in other.downloads.items():
            out.downloads[path] = out.downloads.get(path, frozenset()) | sources
        return out

    def same_values(self, other: "State") -> bool:
        return (self.vars == other.vars and self.positional == other.positional
                and self.dirs == other.dirs)
