"""The colours an extension may name: a role of the theme's palette, or a hex colour.

A manifest writes `border: success` or `color: "#a6e3a1"`; the theme (zot/ui/theme.py, one
file of colours by role) decides what `success` looks like, so an extension follows the user's
theme and `NO_COLOR`. `none` is allowed where a border can be switched off. This module is the
one grammar for the schema's checks, the validator and the screen.
"""
from __future__ import annotations

import re

# the palette: every colour the REPL draws comes from one of these (zot/ui/theme.py)
ROLES: dict[str, str] = {
    "text": "ordinary text",
    "muted": "secondary text: hints, durations, rules",
    "accent": "the prompt, dialog borders, bullets",
    "heading": "Markdown headings",
    "link": "links",
    "code": "inline code",
    "success": "a tool that worked, added lines",
    "warning": "warnings, running work",
    "error": "errors, removed lines, blocked calls",
    "info": "extension blocks and widgets by default",
    "panel": "script panels and pasted-text placeholders",
    "status_fg": "the status bar's text",
    "status_bg": "the status bar's background",
    "status_dim": "the status bar's secondary text",
    "status_accent": "the model name in the status bar",
    "menu_fg": "the completion menu's text",
    "menu_bg": "the completion menu's background",
    "selection_fg": "the selected completion's text",
    "selection_bg": "the selected completion's background",
}

HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
NONE = "none"


def is_color(value: object, allow_none: bool = False) -> bool:
    """A role name or `#rgb` / `#rrggbb` (`none` too where a border can be off)."""
    if not isinstance(value, str):
        return False
    return value in ROLES or bool(HEX.match(value)) or (allow_none and value == NONE)


def hex6(value: str) -> str:
    """`#abc` -> `#aabbcc` (prompt_toolkit wants six digits)."""
    if len(value) == 4:
        return "#" + "".join(c * 2 for c in value[1:])
    return value.lower()


def diagnose(value: object, allow_none: bool = False) -> tuple[str, str] | None:
    """(what is wrong, what to write) when `value` is not a colour; None when it is one."""
    if is_color(value, allow_none):
        return None
    extra = " or `none`" if allow_none else ""
    if isinstance(value, str) and value.startswith("#"):
        return f"`{value}` is not a hex colour", f"write `#rgb` or `#rrggbb`{extra}"
    from zot.diagnostics import did_you_mean

    return (f"`{value}` is not a colour",
            did_you_mean(str(value), ROLES) + f"use a theme role ({', '.join(ROLES)}) or a hex colour like "
            f"`#a6e3a1`{extra}")


def problem(value: object, allow_none: bool = False) -> str | None:
    """Why `value` is not a colour, in one line (for a script's frame); None when it is one."""
    found = diagnose(value, allow_none)
    return f"{found[0]}: {found[1]}" if found else None
