"""The REPL's colours: a theme (colours by role) turned into one prompt_toolkit Style.

Every colour the REPL draws comes from a role of the theme (zot.ext.colors.ROLES): the screen's
classes (`class:tool.ok`, `class:status`, ...) are written below in terms of roles, and an
extension's colour is a role (`class:fg.success`) or a hex value. A theme is a small YAML file
(themes/default.yaml, themes/high-contrast.yaml, or `$ZOT_HOME/themes/NAME.yaml`); roles it
leaves out keep the default's value. `NO_COLOR` (https://no-color.org) empties every colour and
keeps bold, italic, underline and reverse, so the screen still reads.

The default theme is also written here (DEFAULT), so the first paint reads no file; a test
keeps it equal to themes/default.yaml.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from zot.ext.colors import HEX, NONE, ROLES, hex6

DEFAULT: dict[str, str] = {
    "text": "", "muted": "ansibrightblack", "accent": "ansicyan", "heading": "ansibrightcyan",
    "link": "ansiblue", "code": "ansicyan", "success": "ansigreen", "warning": "ansiyellow", "error": "ansired",
    "info": "ansiblue", "panel": "ansimagenta", "status_fg": "#d0d0d0", "status_bg": "#262626",
    "status_dim": "#808080", "status_accent": "#87d7ff", "menu_fg": "#d0d0d0", "menu_bg": "#303030",
    "selection_fg": "#ffffff", "selection_bg": "#5f87af",
}
DEFAULT_CODE_STYLE = "monokai"

# the screen's classes: `{role}` is a foreground colour, `{bg_role}` a background
RULES = {
    "prompt": "bold {accent}",
    "prompt.busy": "{muted}",
    "user": "bold",
    "user.mark": "bold {accent}",
    "muted": "{muted}",
    "rule": "{muted}",
    "tool.name": "bold",
    "tool.arg": "",
    "tool.ok": "{success}",
    "tool.err": "{error} bold",
    "tool.blocked": "{error} bold",
    "tool.running": "{warning}",
    "tool.result": "{muted}",
    "tool.errtext": "{error}",
    "diff.add": "{success}",
    "diff.del": "{error}",
    "diff.hunk": "{accent}",
    "diff.head": "bold",
    "notice.info": "{muted}",
    "notice.warning": "{warning}",
    "notice.error": "{error} bold",
    "md.h1": "bold underline {heading}",
    "md.h2": "bold {heading}",
    "md.h3": "bold",
    "md.code": "{code}",
    "md.bold": "bold",
    "md.italic": "italic",
    "md.strike": "strike",
    "md.link": "underline {link}",
    "md.quote": "italic {muted}",
    "md.bullet": "{accent}",
    "md.fence": "{muted}",
    "status": "{bg_status_bg} {status_fg}",
    "status.model": "{bg_status_bg} bold {status_accent}",
    "status.dim": "{bg_status_bg} {status_dim}",
    "status.warn": "{bg_status_bg} {warning}",
    "widget": "{text}",
    "widget.error": "{warning}",
    "block.subtitle": "{muted} italic",
    "block.title": "bold",
    "activity": "{warning}",
    "queue": "{muted} italic",
    "dialog.border": "{accent}",
    "dialog.title": "bold {accent}",
    "dialog.text": "",
    "dialog.option": "",
    "dialog.selected": "reverse bold",
    "dialog.key": "{muted}",
    "panel.border": "{panel}",
    "panel.title": "bold {panel}",
    "panel.footer": "{muted}",
    "placeholder": "{muted} italic",
    "paste": "{panel}",
    "editor.mode": "bold reverse",
    "completion-menu": "{bg_menu_bg} {menu_fg}",
    "completion-menu.completion.current": "{bg_selection_bg} {selection_fg}",
    "completion-menu.meta.completion": "{bg_status_bg} {status_dim}",
    "completion-menu.meta.completion.current": "{bg_selection_bg} {selection_fg}",
    "auto-suggestion": "{muted}",
}


@dataclass(frozen=True, eq=False)
class Theme:
    name: str = "default"
    colors: dict[str, str] = field(default_factory=lambda: dict(DEFAULT))
    code_style: str = DEFAULT_CODE_STYLE

    def color(self, role: str) -> str:
        return "" if no_color() else self.colors.get(role, DEFAULT.get(role, ""))


def no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def theme_dirs() -> list[Path]:
    """Where a theme named by the settings is looked for: the user's, then zot's own."""
    from zot.config import shipped_dir, zot_home

    return [zot_home() / "themes", shipped_dir("themes")]


def load(name: str | None) -> tuple[Theme, str | None]:
    """The theme called `name` (None or "default": the default) and a problem to tell the user,
    if any. A missing or broken theme gives the default theme and says why; it never stops zot."""
    if not name or name == "default":
        return Theme(), None
    for folder in theme_dirs():
        path = folder / f"{name}.yaml"
        if path.is_file():
            return _read(path, name)
    known = sorted({p.stem for d in theme_dirs() if d.is_dir() for p in d.glob("*.yaml")})
    return Theme(), f"there is no theme `{name}` (themes: {', '.join(known)}); using the default theme"


def _read(path: Path, name: str) -> tuple[Theme, str | None]:
    from zot.yamlio import load_document

    doc = load_document(path)
    data = doc.plain if isinstance(doc.plain, dict) else {}
    colors = data.get("colors") if isinstance(data.get("colors"), dict) else {}
    merged = dict(DEFAULT)
    bad = []
    for role, value in colors.items():
        if role in ROLES and isinstance(value, str) and _valid(value):
            merged[role] = hex6(value) if HEX.match(value) else value
        else:
            bad.append(str(role))
    problem = f"theme {path}: ignored {', '.join(bad)} (unknown role or bad colour)" if bad else None
    if doc.diagnostics:
        problem = f"theme {path}: {doc.diagnostics[0].message}; using the default theme"
        return Theme(), problem
    code = data.get("code_style") if isinstance(data.get("code_style"), str) else DEFAULT_CODE_STYLE
    return Theme(name, merged, code), problem


def _valid(value: str) -> bool:
    if value == "" or HEX.match(value):
        return True
    from prompt_toolkit.styles.base import ANSI_COLOR_NAMES

    return value in ANSI_COLOR_NAMES


def rules(theme: Theme) -> dict[str, str]:
    """The class -> style table of a theme, with a `fg.ROLE` and `bg.ROLE` class per role."""
    values: dict[str, str] = {}
    for role in ROLES:
        color = theme.color(role)
        values[role] = color
        values[f"bg_{role}"] = f"bg:{color}" if color else ""
    out = {cls: " ".join(rule.format_map(values).split()) for cls, rule in RULES.items()}
    for role in ROLES:
        out[f"fg.{role}"] = values[role]
        out[f"bg.{role}"] = values[f"bg_{role}"]
    return out


def color_style(value: str | None, background: bool = False) -> str:
    """An extension's colour (a role or hex, zot.ext.colors) as a style string for a fragment."""
    if not value or value == NONE or no_color():
        return ""
    if value in ROLES:
        return f"class:{'bg' if background else 'fg'}.{value}"
    if HEX.match(value):
        return ("bg:" if background else "") + hex6(value)
    return ""


@lru_cache(maxsize=8)
def _style(theme: Theme):
    from prompt_toolkit.styles import Style, merge_styles

    styles = [Style.from_dict(rules(theme))]
    if not no_color():
        try:
            from pygments.styles import get_style_by_name
            from prompt_toolkit.styles.pygments import style_from_pygments_cls

            styles.insert(0, style_from_pygments_cls(get_style_by_name(theme.code_style)))
        except Exception:  # no pygments theme of that name: code is shown uncoloured
            pass
    return merge_styles(styles)


def style(theme: Theme | None = None):
    """The merged style of `theme` (default: the default theme); built once per theme."""
    return _style(theme if theme is not None else _DEFAULT)


def color_depth():
    """1 bit with NO_COLOR, 24 bits when the terminal says it has true colour, else None (the
    terminal's default, usually 256 colours)."""
    from prompt_toolkit.output import ColorDepth

    if no_color():
        return ColorDepth.DEPTH_1_BIT
    if os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return ColorDepth.DEPTH_24_BIT
    return None


_DEFAULT = Theme()
