"""Words as bash would pass them, with the parts nobody can know before the line runs marked.

A word whose value is fully known is a plain ``str``. A word with unknown parts is a ``Word``:
a ``str`` (its text: the known parts as bash would pass them, the unknown ones written as their
source, e.g. ``$OUT/log`` or ``$(date +%s).txt``) that also carries those parts, so a guard
can tell *how* a value is unknown:

* ``ENV``: a variable the line does not set, so it comes from the environment zot runs in
  (``$OUT``, ``$TMPDIR``). The model cannot choose it within one command (every bash call is a
  fresh ``bash -c``), so it is taken not to smuggle options or name a protected file on its own;
  it may still be any folder, outside the project too.
* ``NAME``: the output of a command that prints a plain name or number (``date``, ``whoami``,
  ``id -u``, ``git rev-parse HEAD``, ``$((...))``, ``$RANDOM``): no ``/``, no ``..``.
* ``ANY``: computed at run time from data (a command's output, ``read``, ``$(curl ...)``):
  anything at all, options and ``../..`` included. Rules fail closed on it.
* ``FRESH``: a temporary file or folder ``mktemp`` made in this line: nothing anyone cares about.
* ``PIPE``: the ``/dev/fd/N`` path of a process substitution (``<(...)``, ``>(...)``): a pipe to
  or from those programs, never a file on disk; what it carries comes from ``sources``.

``Word.sources`` names the programs whose output fills the ``ANY`` parts (``"$"`` for a value
from a variable zot cannot follow, ``"?"`` for a program whose name is itself unknown), so a rule
can say where code came from (``curl``). ``Word.glob`` is set when unquoted ``*``, ``?`` or
``[`` make the word a pattern the shell expands against the file system.
"""
from __future__ import annotations

LITERAL = ""
ENV = "env"
NAME = "name"
ANY = "any"
FRESH = "fresh"
PIPE = "pipe"
UNKNOWN_KINDS = (ENV, NAME, ANY, FRESH, PIPE)
RANK = {LITERAL: 0, FRESH: 1, PIPE: 1, NAME: 2, ENV: 3, ANY: 4}
FRESH_TEXT = "$(mktemp)"     # how a fresh temporary path is written in a word's text


class Word(str):
    """A word with unknown parts; see the module docstring. Compares and hashes as its text."""

    parts: tuple[tuple[str, str], ...]
    sources: frozenset[str]
    glob: bool

    def __new__(cls, parts: tuple[tuple[str, str], ...], sources: frozenset[str] = frozenset(),
                glob: bool = False) -> "Word":
        word = super().__new__(cls, "".join(text for text, _ in parts))
        word.parts = parts
        word.sources = sources
        word.glob = glob
        return word

    def __reduce__(self):
        return (Word, (self.parts, self.sources, self.glob))

    @property
    def worst(self) -> str:
        """The least known kind among the parts."""
        return max((kind for _, kind in self.parts), key=RANK.__getitem__, default=LITERAL)

    @property
    def may_be_option(self) -> bool:
        """Whether bash could pass something starting with ``-`` here: an ``ANY`` part first."""
        return bool(self.parts) and self.parts[0][1] == ANY


def make_word(parts: list[tuple[str, str]], sources: frozenset[str] = frozenset(),
              glob: bool = False) -> str:
    """A plain ``str`` when every part is literal and it is no glob, else a ``Word``."""
    merged: list[tuple[str, str]] = []
    for text, kind in parts:
        if not text and kind == LITERAL:
            continue
        if merged and kind == LITERAL and merged[-1][1] == LITERAL:
            merged[-1] = (merged[-1][0] + text, LITERAL)
        else:
            merged.append((text, kind))
    if not glob and all(kind == LITERAL for _, kind in merged):
        return "".join(text for text, _ in merged)
    return Word(tuple(merged), sources, glob)


def parts_of(word: str) -> tuple[tuple[str, str], ...]:
    """The parts of any word (one literal part for a plain ``str``)."""
    return word.parts if isinstance(word, Word) else ((word, LITERAL),)


def kind_of(word: str) -> str:
    """``LITERAL`` for a known word, else its least known part's kind."""
    return word.worst if isinstance(word, Word) else LITERAL


def sources_of(word: str) -> frozenset[str]:
    return word.sources if isinstance(word, Word) else frozenset()


def is_glob(word: str) -> bool:
    return isinstance(word, Word) and word.glob


def known(word: str) -> bool:
    """A fully known word: every part literal (a glob is known text, but not one file)."""
    return not isinstance(word, Word) or word.worst == LITERAL


def hole(text: str, kind: str, sources: frozenset[str] = frozenset()) -> Word:
    """A word that is one unknown part, written as ``text``."""
    return Word(((text, kind),), sources if kind in (ANY, PIPE) else frozenset())


def join_words(words: list[str], sep: str = " ") -> str:
    """Words joined with ``sep`` (what ``eval`` and ``$*`` do), unknown parts kept."""
    parts: list[tuple[str, str]] = []
    sources: set[str] = set()
    for i, word in enumerate(words):
        if i:
            parts.append((sep, LITERAL))
        parts.extend(parts_of(word))
        sources |= sources_of(word)
    return make_word(parts, frozenset(sources))
