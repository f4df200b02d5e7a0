"""The screen below the transcript, top to bottom:

    header widgets
    the streaming answer (its last lines) and running tool calls
    activity line (spinner, what zot is doing, time, "esc to interrupt")
    widgets placed `above`
    queued messages
    a panel or a dialog, when one is open (it has the keyboard)
    ─────
    › the input
    ─────
    widgets placed `below`
    status bar: `status` widgets on the left; model, tokens, cost, context on the right
    footer widgets

It is an inline (not full-screen) prompt_toolkit application: the transcript is ordinary
terminal output printed above it, so the terminal's scrollback keeps everything.
"""
from __future__ import annotations

import time
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.data_structures import Point
from prompt_toolkit.filters import Condition
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import (ConditionalContainer, Float, FloatContainer, HSplit, Layout, VSplit,
                                   Window)
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.layout.menus import CompletionsMenu
from prompt_toolkit.layout.processors import Processor, Transformation
from prompt_toolkit.widgets import SearchToolbar

from zot.ui import input as input_mod
from zot.ui import ansi, blocks, theme
from zot.ui.ext_keys import ext_key_bindings
from zot.ui.panels import KEY_NAMES
from zot.ui.toolline import SPINNER, one_line

PLACEHOLDER = "Ask anything · / commands · @ files · ! shell · /help"


class Placeholder(Processor):
    """A hint in the empty input."""

    def __init__(self, text: Any) -> None:
        self.text = text

    def apply_transformation(self, ti):
        if ti.lineno == 0 and not ti.document.text:
            return Transformation(ti.fragments + [("class:placeholder", self.text())])
        return Transformation(ti.fragments)


def _lines_window(get, **kw) -> Window:
    return Window(FormattedTextControl(get), wrap_lines=True, dont_extend_height=True, **kw)


def _when(condition, container) -> ConditionalContainer:
    return ConditionalContainer(container, filter=Condition(condition))


def build_app(repl: Any) -> Application:
    search = SearchToolbar(vi_mode=False)
    repl.input_control = BufferControl(
        buffer=repl.buffer, search_buffer_control=search.control,
        input_processors=[Placeholder(lambda: placeholder(repl))], focus_on_click=True, preview_search=True)
    repl.input_window = Window(
        repl.input_control, wrap_lines=True, dont_extend_height=True,
        height=Dimension(min=1, max=12),
        get_line_prefix=lambda lineno, wrap: prompt_prefix(repl, lineno, wrap))

    def live_end() -> Point:   # the window follows the end of the text, as a terminal would
        text = repl.view.live_text(repl.live_rows(), repl.columns())
        last = text.rsplit("\n", 1)[-1]
        return Point(len(last), text.count("\n"))

    live = Window(FormattedTextControl(lambda: [("", repl.view.live_text(repl.live_rows(), repl.columns()))],
                                       get_cursor_position=live_end),
                  wrap_lines=True, dont_extend_height=True, height=lambda: Dimension(max=repl.live_rows()))

    repl.dialog_window = Window(FormattedTextControl(repl.dialogs.fragments, focusable=True, show_cursor=False,
                                                     key_bindings=_dialog_keys(repl)),
                                wrap_lines=True, dont_extend_height=True)
    repl.dialog_field = Window(BufferControl(buffer=repl.dialogs.buffer, key_bindings=_field_keys(repl),
                                             input_processors=[Placeholder(lambda: repl.dialogs.active.placeholder
                                                                           if repl.dialogs.active else "")]),
                               height=1, dont_extend_height=True)
    repl.panel_window = Window(FormattedTextControl(repl.panels.fragments, focusable=True, show_cursor=False,
                                                    key_bindings=_panel_keys(repl)),
                               wrap_lines=True, dont_extend_height=True)
    text_dialog = lambda: repl.dialogs.active is not None and repl.dialogs.active.text_input  # noqa: E731

    body = HSplit([
        _when(lambda: repl.widgets.has("header"), _lines_window(lambda: repl.widgets.fragments("header"))),
        _when(lambda: repl.view.streaming, live),
        _when(lambda: bool(repl.tools.running), _lines_window(lambda: repl.tools.live(repl.columns()))),
        _when(lambda: bool(activity(repl)), _lines_window(lambda: activity(repl))),
        _when(lambda: repl.widgets.has("above"), _lines_window(lambda: repl.widgets.fragments("above"))),
        _when(lambda: bool(repl.queue), _lines_window(lambda: queue_lines(repl))),
        _when(lambda: repl.panels.open, repl.panel_window),
        _when(lambda: repl.dialogs.active is not None, HSplit([
            repl.dialog_window,
            _when(text_dialog, VSplit([Window(FormattedTextControl([("class:dialog.border", "│ › ")]), width=4),
                                       repl.dialog_field])),
            _when(text_dialog, _lines_window(repl.dialogs.input_footer)),
        ])),
        Window(char="─", height=1, style="class:rule"),
        _when(lambda: bool(repl.editor.render.get("mode")), _lines_window(lambda: editor_line(repl, "mode"))),
        repl.input_window,
        _when(lambda: bool(repl.editor.render.get("below")), _lines_window(lambda: editor_line(repl, "below"))),
        Window(char="─", height=1, style="class:rule"),
        _when(lambda: repl.widgets.has("below"), _lines_window(lambda: repl.widgets.fragments("below"))),
        Window(FormattedTextControl(lambda: status_bar(repl)), height=1, style="class:status"),
        _when(lambda: repl.widgets.has("footer"), _lines_window(lambda: repl.widgets.fragments("footer"))),
        search,
    ])
    root = FloatContainer(body, floats=[Float(xcursor=True, ycursor=True,
                                              content=CompletionsMenu(max_height=12, scroll_offset=1))])
    app = Application(layout=Layout(root, focused_element=repl.input_window),
                      key_bindings=merge_key_bindings([input_mod.key_bindings(repl), ext_key_bindings(repl),
                                                       repl.editor.key_bindings()]),
                      style=repl.style, full_screen=False,
                      color_depth=theme.color_depth(),
                      mouse_support=False, min_redraw_interval=0.005, include_default_pygments_style=False,
                      erase_when_done=False)
    app.ttimeoutlen = 0.05     # a lone Esc is an Esc after 50 ms (Alt+key arrives at once)
    app.timeoutlen = 0.5
    return app


def _dialog_keys(repl: Any) -> KeyBindings:
    kb = KeyBindings()
    d = repl.dialogs

    kb.add("up")(lambda e: d.move(-1))
    kb.add("left")(lambda e: d.move(-1))
    kb.add("s-tab")(lambda e: d.move(-1))
    kb.add("down")(lambda e: d.move(1))
    kb.add("right")(lambda e: d.move(1))
    kb.add("tab")(lambda e: d.move(1))
    kb.add("enter")(lambda e: d.pick())
    kb.add("escape")(lambda e: d.cancel())
    kb.add("c-c")(lambda e: d.cancel())

    @kb.add(Keys.Any)
    def _(event) -> None:
        d.shortcut(event.data)

    return kb


def _field_keys(repl: Any) -> KeyBindings:
    kb = KeyBindings()
    kb.add("enter")(lambda e: repl.dialogs.pick())
    kb.add("escape")(lambda e: repl.dialogs.cancel())
    kb.add("c-c")(lambda e: repl.dialogs.cancel())
    return kb


def _panel_keys(repl: Any) -> KeyBindings:
    kb = KeyBindings()
    panels = repl.panels
    for key, name in KEY_NAMES.items():
        kb.add(key)(lambda e, name=name: panels.key(name, " " if name == "space" else ""))
    kb.add("c-c")(lambda e: panels.close_here())
    kb.add("c-d")(lambda e: panels.close_here())

    @kb.add(Keys.Any)
    def _(event) -> None:
        if event.data and event.data.isprintable():
            panels.key(event.data, event.data)

    return kb


def spinner() -> str:
    return SPINNER[int(time.monotonic() * 10) % len(SPINNER)]


# --------------------------------------------------------------------------- the lines' contents


def prompt_prefix(repl: Any, lineno: int, wrap: bool) -> list[tuple[str, str]]:
    """`› ` before the first line (an editor interceptor may say otherwise), two spaces after."""
    first = str(repl.editor.render.get("prompt") or "› ")
    text = first if lineno == 0 and not wrap else " " * len(first)
    return [("class:prompt.busy" if repl.busy else "class:prompt", text)]


def editor_line(repl: Any, which: str) -> list[tuple[str, str]]:
    """The interceptor's mode line (`mode`, above the input) or `below` line, in its style."""
    render = repl.editor.render
    look = blocks.Look.of(render.get("style"))
    base = look.text_style("class:editor.mode" if which == "mode" else "class:muted")
    return ansi.fragments(str(render.get(which) or "").replace("\n", " "), base)


def placeholder(repl: Any) -> str:
    return PLACEHOLDER if repl.ready else "loading… you can type already"


def activity(repl: Any) -> list[tuple[str, str]]:
    """`⠋ writing… 3s · esc to interrupt`, or a passing hint (`press ctrl+c again to exit`)."""
    now = time.monotonic()
    hint = repl.hint[0] if repl.hint and repl.hint[1] > now else ""
    if repl.busy:
        label = repl.view.activity if repl.view.activity and repl.work_label == "thinking" else repl.work_label
        out = [("class:activity", f"{spinner()} {label}… "),
               ("class:muted", f"{int(now - repl.work_since)}s · esc to interrupt")]
        return out + ([("class:notice.warning", f" · {hint}")] if hint else [])
    return [("class:notice.warning", hint)] if hint else []


def queue_lines(repl: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for shown, _ in repl.queue:
        out.append(("class:queue", f"↳ queued: {one_line(shown, max(20, repl.columns() - 14))}\n"))
    when = "when zot is ready" if not repl.ready else "when this turn ends"
    out.append(("class:muted", f"  sent {when} · esc to edit"))
    return out


def status_bar(repl: Any) -> list[tuple[str, str]]:
    """`status` widgets on the left, model · tokens · cost · context on the right, one line."""
    width = repl.columns()
    if not repl.ready:
        left = [("class:status.dim", " loading extensions…")]
    else:
        left = [("class:status", " ")] + repl.widgets.fragments("status", base="class:status")
        if repl.scripts is not None and not repl.scripts.done():
            left.append(("class:status.dim", "  starting scripts…"))
    right = repl.status.fragments(repl.state) + [("class:status", " ")]
    left = clip(left, width - sum(len(t) for _, t in right) - 1)
    used = sum(len(t) for _, t in left) + sum(len(t) for _, t in right)
    return left + [("class:status", " " * max(0, width - used))] + right


def clip(fragments: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """At most `width` characters of `fragments`, with an ellipsis when cut."""
    out: list[tuple[str, str]] = []
    left = width
    for style, text in fragments:
        if left <= 0:
            break
        if len(text) > left:
            out.append((style, text[: max(0, left - 1)] + "…"))
            break
        out.append((style, text))
        left -= len(text)
    return out
