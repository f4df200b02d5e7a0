"""Key names as a manifest writes them (`ctrl+g`, `alt+p`, `f2`, `shift+tab`), and the REPL's own keys.

One grammar for the validator and the REPL: `parse(name)` gives the canonical name and the
key sequence prompt_toolkit knows (as strings, so this module imports nothing of the UI), or
says what is wrong. A terminal cannot tell some keys apart (`ctrl+i` is Tab, `ctrl+m` is Enter,
`ctrl+h` is Backspace, `ctrl+[` is Esc), so those are parsed to the key the terminal sends and
clash as such. A plain character cannot be bound: it would stop being typed.

`BUILTIN` is every key the REPL already uses (zot's keys and the editing keys of its emacs-style
editor); binding one of them is a clash the validator names.
"""
from __future__ import annotations

from dataclasses import dataclass

MODIFIERS = ("ctrl", "alt", "shift")
NAMED = {"up": "up", "down": "down", "left": "left", "right": "right", "home": "home", "end": "end",
         "pageup": "pageup", "pagedown": "pagedown", "insert": "insert", "delete": "delete",
         "backspace": "c-h", "tab": "c-i", "enter": "c-m", "escape": "escape", "space": " "}
ALIASES = {"esc": "escape", "return": "enter", "del": "delete", "ins": "insert", "pgup": "pageup",
           "pgdn": "pagedown", "bs": "backspace"}
SAME_AS = {"i": "tab", "m": "enter", "h": "backspace", "[": "escape", "j": "ctrl+j"}
CTRL_SPECIAL = {"space": "c-@", "@": "c-@", "\\": "c-\\", "]": "c-]", "^": "c-^", "_": "c-_"}
SHIFTABLE = ("tab", "up", "down", "left", "right", "home", "end", "delete", "insert")
CTRLABLE = ("up", "down", "left", "right", "home", "end", "delete", "insert", "pageup", "pagedown")

# every key the REPL uses already: binding one is a clash (docs/repl.md lists them)
BUILTIN: dict[str, str] = {
    "enter": "send the message", "alt+enter": "new line", "ctrl+j": "new line",
    "escape": "interrupt; queued messages back to the editor", "ctrl+c": "clear, interrupt, exit",
    "ctrl+d": "exit", "ctrl+o": "show the last tool result in full", "ctrl+r": "search the history",
    "ctrl+s": "search the history forwards", "tab": "complete", "shift+tab": "complete backwards",
    "up": "previous line or history", "down": "next line or history", "left": "cursor left",
    "right": "cursor right", "home": "start of line", "end": "end of line", "pageup": "history",
    "pagedown": "history", "delete": "delete a character", "backspace": "delete backwards",
    "ctrl+a": "start of line", "ctrl+e": "end of line", "ctrl+b": "cursor left", "ctrl+f": "cursor right",
    "ctrl+k": "delete to the end of the line", "ctrl+u": "delete to the start of the line",
    "ctrl+w": "delete the word before", "ctrl+y": "paste what was deleted", "ctrl+t": "swap two characters",
    "ctrl+l": "clear the screen", "ctrl+n": "next line or history", "ctrl+p": "previous line or history",
    "ctrl+_": "undo", "ctrl+q": "insert the next key as typed", "ctrl+x": "start of ctrl+x chords",
    "ctrl+space": "start a selection", "ctrl+left": "word left", "ctrl+right": "word right",
    "ctrl+up": "history", "ctrl+down": "history", "ctrl+home": "start of the text",
    "ctrl+end": "end of the text", "ctrl+delete": "delete the word after",
    "alt+b": "word left", "alt+f": "word right", "alt+d": "delete the word after",
    "alt+backspace": "delete the word before", "alt+c": "capitalise a word", "alt+l": "lower-case a word",
    "alt+u": "upper-case a word", "alt+y": "paste an earlier deletion", "alt+t": "swap two words",
    "alt+w": "copy", "alt+a": "previous sentence", "alt+e": "next sentence", "alt+.": "last argument",
    "alt+_": "last argument", "alt+<": "first history entry", "alt+>": "last history entry",
    "alt+/": "complete", "alt+\\": "delete spaces", "alt+#": "comment out", "alt+*": "insert all completions",
    "alt+-": "numeric argument", "alt+left": "word left", "alt+right": "word right",
    **{f"alt+{d}": "numeric argument" for d in "0123456789"},
}


@dataclass(frozen=True)
class Key:
    name: str                     # canonical: modifiers in the order ctrl, alt, shift, then the key
    keys: tuple[str, ...]         # prompt_toolkit's key sequence, e.g. ("escape", "p")


class KeyError_(ValueError):
    """A key name that is not one."""


def parse(text: str) -> Key:
    """`ctrl+g` -> Key("ctrl+g", ("c-g",)). Raises KeyError_ with what to write instead."""
    if not isinstance(text, str) or not text.strip():
        raise KeyError_("a key name is empty: write e.g. `ctrl+g`, `alt+p` or `f2`")
    raw = text.strip()
    parts = raw.split("+")
    if raw.endswith("+") and len(raw) > 1:     # `alt++`
        parts = raw[:-1].split("+")[:-1] + ["+"]
    *mods, base = [p if len(p) == 1 else p.lower() for p in parts]
    mods = [m.lower() for m in mods]
    for mod in mods:
        if mod not in MODIFIERS:
            raise KeyError_(f"`{mod}` in `{raw}` is not a modifier: use ctrl, alt or shift")
    if len(set(mods)) != len(mods):
        raise KeyError_(f"`{raw}` names a modifier twice")
    base = ALIASES.get(base, base)
    ctrl, alt, shift = "ctrl" in mods, "alt" in mods, "shift" in mods
    if len(base) == 1 and base.isalpha() and ctrl:
        if shift:
            raise KeyError_(f"`{raw}`: a terminal sends ctrl+shift+letter as ctrl+letter; bind `ctrl+{base.lower()}`")
        base = base.lower()
    elif len(base) == 1 and base.isalpha() and shift:
        base, shift = base.upper(), False
    if base.startswith("f") and base[1:].isdigit():
        return _function(raw, base, ctrl, alt, shift)
    if ctrl and len(base) == 1 and base.lower() in SAME_AS and not alt and not shift:
        same = SAME_AS[base.lower()]
        if same != "ctrl+j":
            return parse(same)
    if ctrl and len(base) == 1 and base.isalpha():
        return _alt(Key(f"ctrl+{base}", (f"c-{base}",)), alt)
    if ctrl and base in CTRL_SPECIAL:
        name = "ctrl+space" if base in ("space", "@") else f"ctrl+{base}"
        return _alt(Key(name, (CTRL_SPECIAL[base],)), alt)
    if base in NAMED:
        return _named(raw, base, ctrl, alt, shift)
    if len(base) == 1 and base.isprintable():
        if ctrl:
            raise KeyError_(f"`{raw}`: a terminal has no ctrl+{base}; use a letter, e.g. `ctrl+g`")
        if not alt:
            raise KeyError_(f"`{raw}` is a plain character, which would stop being typed: "
                            f"add a modifier (`alt+{base}`) or use a function key (`f2`)")
        return Key(f"alt+{base}", ("escape", base))
    raise KeyError_(f"`{raw}` is not a key name: write e.g. `ctrl+g`, `alt+p`, `f2`, `shift+tab`; "
                    "named keys: " + ", ".join(NAMED))


def _alt(key: Key, alt: bool) -> Key:
    if not alt:
        return key
    return Key("alt+" + key.name if not key.name.startswith("ctrl+") else "ctrl+alt+" + key.name[5:],
               ("escape", *key.keys))


def _function(raw: str, base: str, ctrl: bool, alt: bool, shift: bool) -> Key:
    number = int(base[1:])
    if not 1 <= number <= 24:
        raise KeyError_(f"`{raw}`: function keys go from f1 to f24")
    if shift:
        raise KeyError_(f"`{raw}`: shift+function keys differ between terminals; use `f{number}` or "
                        f"`ctrl+f{number}`")
    key = Key(f"ctrl+f{number}", (f"c-f{number}",)) if ctrl else Key(f"f{number}", (f"f{number}",))
    return _alt(key, alt)


def _named(raw: str, base: str, ctrl: bool, alt: bool, shift: bool) -> Key:
    code = NAMED[base]
    if ctrl and shift:
        if base not in ("up", "down", "left", "right", "home", "end"):
            raise KeyError_(f"`{raw}`: ctrl+shift works with the arrows, home and end")
        return _alt(Key(f"ctrl+shift+{base}", (f"c-s-{base}",)), alt)
    if shift:
        if base not in SHIFTABLE:
            raise KeyError_(f"`{raw}`: shift works with " + ", ".join(SHIFTABLE))
        return _alt(Key(f"shift+{base}", ("s-tab",) if base == "tab" else (f"s-{base}",)), alt)
    if ctrl:
        if base == "space":
            return _alt(Key("ctrl+space", ("c-@",)), alt)
        if base not in CTRLABLE:
            raise KeyError_(f"`{raw}`: a terminal sends ctrl+{base} as something else; ctrl works with "
                            + ", ".join(CTRLABLE) + " and letters")
        return _alt(Key(f"ctrl+{base}", (f"c-{base}",)), alt)
    if base == "space" and not alt:
        raise KeyError_(f"`{raw}` is the space bar, which would stop being typed: add a modifier")
    return _alt(Key(base, (code,)), alt)


def problem(text: object) -> str | None:
    """Why `text` is not a key name; None when it is one."""
    try:
        parse(str(text) if text is not None else "")
    except KeyError_ as exc:
        return str(exc)
    return None


def builtin_use(key: Key) -> str | None:
    """What the REPL does with this key already, or None when it is free."""
    return BUILTIN.get(key.name)
