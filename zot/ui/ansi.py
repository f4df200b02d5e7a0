"""Text from extensions and programs, made safe to draw: SGR colours kept, everything else escaped.

A script may colour its text the usual way (`\\x1b[32mok\\x1b[0m`, 256 and 24-bit colours, bold,
italic, underline, reverse, strike-through): those become styled fragments. Any other escape
sequence (cursor movement, clearing, titles, OSC links, ...) and any other control character
could rewrite the screen, so it is shown as text: `␛[2J`, `^G`. With NO_COLOR the colours are
dropped and the attributes kept.
"""
from __future__ import annotations

import re

from zot.ui.theme import no_color

Fragments = list[tuple[str, str]]

ESC_MARK = "␛"
# CSI (ESC [ params intermediates final), OSC (ESC ] ... BEL or ST), or any other ESC + one char
SEQUENCE = re.compile(r"\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
BASIC = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "gray")
BRIGHT = ("brightblack", "brightred", "brightgreen", "brightyellow", "brightblue", "brightmagenta",
          "brightcyan", "white")
ATTRS = {1: ("bold", True), 3: ("italic", True), 4: ("underline", True), 7: ("reverse", True),
         9: ("strike", True), 22: ("bold", False), 23: ("italic", False), 24: ("underline", False),
         27: ("reverse", False), 29: ("strike", False)}


def has_controls(text: str) -> bool:
    return "\x1b" in text or CONTROL.search(text) is not None


def escape_controls(text: str) -> str:
    """Every control character shown as text (`^G`, `␛`), newlines and tabs kept."""
    text = text.replace("\r\n", "\n").replace("\x1b", ESC_MARK)
    return CONTROL.sub(_caret, text)


def _caret(match: re.Match) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return "^" + chr(code + 64)
    if code == 0x7f:
        return "^?"
    return f"\\x{code:02x}"


def fragments(text: str, base: str = "") -> Fragments:
    """`text` as styled fragments: SGR sequences applied, other sequences escaped."""
    if not has_controls(text):
        return [(base, text)] if text else []
    text = text.replace("\r\n", "\n")
    state = _State()
    out: Fragments = []
    pos = 0
    for match in SEQUENCE.finditer(text):
        if match.start() > pos:
            _add(out, state.style(base), escape_controls(text[pos:match.start()]))
        if match.group(3) == "m" and not match.group(2):
            state.apply(match.group(1))
        else:
            _add(out, state.style(base), escape_controls(match.group(0)))
        pos = match.end()
    if pos < len(text):
        _add(out, state.style(base), escape_controls(text[pos:]))
    return out


def _add(out: Fragments, style: str, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == style:
        out[-1] = (style, out[-1][1] + text)
    else:
        out.append((style, text))


class _State:
    def __init__(self) -> None:
        self.fg = ""
        self.bg = ""
        self.attrs: dict[str, bool] = {}

    def style(self, base: str) -> str:
        parts = [base] if base else []
        if self.fg and not no_color():
            parts.append(self.fg)
        if self.bg and not no_color():
            parts.append("bg:" + self.bg)
        parts += [name for name, on in self.attrs.items() if on]
        return " ".join(parts)

    def apply(self, params: str) -> None:
        codes = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                self.fg, self.bg, self.attrs = "", "", {}
            elif code in ATTRS:
                name, on = ATTRS[code]
                self.attrs[name] = on
            elif 30 <= code <= 37 or 90 <= code <= 97:
                self.fg = _named(code - 30 if code < 90 else code - 90, code >= 90)
            elif 40 <= code <= 47 or 100 <= code <= 107:
                self.bg = _named(code - 40 if code < 100 else code - 100, code >= 100)
            elif code == 39:
                self.fg = ""
            elif code == 49:
                self.bg = ""
            elif code in (38, 48):
                color, used = _extended(codes[i + 1:])
                if code == 38:
                    self.fg = color or self.fg
                else:
                    self.bg = color or self.bg
                i += used
            i += 1


def _named(index: int, bright: bool) -> str:
    return "ansi" + (BRIGHT if bright else BASIC)[index]


def _extended(rest: list[int]) -> tuple[str, int]:
    """`5;n` (256 colours) or `2;r;g;b`: the colour as hex, and how many codes it used."""
    if len(rest) >= 2 and rest[0] == 5:
        return _xterm(rest[1]), 2
    if len(rest) >= 4 and rest[0] == 2:
        r, g, b = (max(0, min(255, v)) for v in rest[1:4])
        return f"#{r:02x}{g:02x}{b:02x}", 4
    return "", len(rest)


def _xterm(n: int) -> str:
    if n < 8:
        return _named(n, False)
    if n < 16:
        return _named(n - 8, True)
    if n < 232:
        n -= 16
        steps = (0, 95, 135, 175, 215, 255)
        return f"#{steps[n // 36]:02x}{steps[(n // 6) % 6]:02x}{steps[n % 6]:02x}"
    if n < 256:
        level = 8 + 10 * (n - 232)
        return f"#{level:02x}{level:02x}{level:02x}"
    return ""


def plain(text: str) -> str:
    """The text a person would read: SGR removed, other sequences escaped."""
    return "".join(t for _, t in fragments(text))
