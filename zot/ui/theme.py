"""The REPL's colours: one prompt_toolkit Style for the screen, the printed transcript and code.

Class names are what the other ui modules put in their fragments (`class:tool.ok`, ...). Code
blocks use pygments token classes (`class:pygments.keyword`), coloured by a pygments theme.
"""
from __future__ import annotations

from functools import lru_cache

CODE_THEME = "monokai"

RULES = {
    "prompt": "bold ansicyan",
    "prompt.busy": "ansibrightblack",
    "user": "bold",
    "user.mark": "bold ansicyan",
    "muted": "ansibrightblack",
    "rule": "ansibrightblack",
    "tool.name": "bold",
    "tool.arg": "",
    "tool.ok": "ansigreen",
    "tool.err": "ansired bold",
    "tool.blocked": "ansired bold",
    "tool.running": "ansiyellow",
    "tool.result": "ansibrightblack",
    "tool.errtext": "ansired",
    "diff.add": "ansigreen",
    "diff.del": "ansired",
    "diff.hunk": "ansicyan",
    "diff.head": "bold",
    "notice.info": "ansibrightblack",
    "notice.warning": "ansiyellow",
    "notice.error": "ansired bold",
    "md.h1": "bold underline ansibrightcyan",
    "md.h2": "bold ansibrightcyan",
    "md.h3": "bold",
    "md.code": "ansicyan",
    "md.bold": "bold",
    "md.italic": "italic",
    "md.strike": "strike",
    "md.link": "underline ansiblue",
    "md.quote": "italic ansibrightblack",
    "md.bullet": "ansicyan",
    "md.fence": "ansibrightblack",
    "status": "bg:#262626 #d0d0d0",
    "status.model": "bg:#262626 bold #87d7ff",
    "status.dim": "bg:#262626 #808080",
    "status.warn": "bg:#262626 #ffaf00",
    "widget": "",
    "widget.error": "ansiyellow",
    "activity": "ansiyellow",
    "queue": "ansibrightblack italic",
    "dialog.border": "ansicyan",
    "dialog.title": "bold ansicyan",
    "dialog.text": "",
    "dialog.option": "",
    "dialog.selected": "reverse bold",
    "dialog.key": "ansibrightblack",
    "panel.border": "ansimagenta",
    "panel.title": "bold ansimagenta",
    "panel.footer": "ansibrightblack",
    "placeholder": "ansibrightblack italic",
    "paste": "ansimagenta",
    "completion-menu": "bg:#303030 #d0d0d0",
    "completion-menu.completion.current": "bg:#5f87af #ffffff",
    "completion-menu.meta.completion": "bg:#262626 #a0a0a0",
    "completion-menu.meta.completion.current": "bg:#5f87af #ffffff",
    "auto-suggestion": "ansibrightblack",
}


@lru_cache(maxsize=1)
def style():
    """The merged style (built once; pygments' theme is imported on first use)."""
    from prompt_toolkit.styles import Style, merge_styles

    styles = [Style.from_dict(RULES)]
    try:
        from pygments.styles import get_style_by_name
        from prompt_toolkit.styles.pygments import style_from_pygments_cls

        styles.insert(0, style_from_pygments_cls(get_style_by_name(CODE_THEME)))
    except Exception:  # no pygments theme: code is shown uncoloured
        pass
    return merge_styles(styles)
