"""The editor interceptor: a script sees the editor's keys first (KIT's SetEditor, over the pipe).

While a script's interceptor is installed (`set_editor`, zot/ext/script/ui_frames.py), each key
typed in the input goes to it as `editor_key {key, text, cursor}`; its answer says what happens:

    passthrough   the editor handles the key as usual
    consumed      nothing (the script used it, e.g. `i` switching to insert mode)
    remap         the editor handles another key instead (`h` -> `left`)
    submit        send what is in the editor (or the answer's `text`)

The answer may change the render wrapper too: `mode` (a line above the input, e.g. NORMAL),
`prompt` (instead of `› `) and `below` (a line under the input). Keys are handled strictly in
order, one round trip at a time; a key the script did not ask for (`keys`) passes at once when
nothing waits before it. Some keys never go to the script, as in KIT: Ctrl+C, Ctrl+D, Ctrl+O, a
paste, Esc while zot works, and the extensions' own key bindings. A script that does not answer in
time (zot.ext.script.ui_adapters.EDITOR_TIMEOUT) lets the key pass, so typing never stops.

Key names are KIT's: a character as itself, `space`, `enter`, `esc`, `tab`, `backspace`,
`delete`, `left`, `right`, `up`, `down`, `home`, `end`, `pageup`, `pagedown`, `ctrl+a`, `alt+x`,
`shift+tab`, `f1` ...
"""
from __future__ import annotations

import asyncio
import weakref
from typing import Any

from prompt_toolkit.filters import Condition
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.key_binding.key_processor import KeyPress
from prompt_toolkit.keys import Keys

NAMES = {"escape": "esc", "c-m": "enter", "c-j": "ctrl+j", "c-i": "tab", "c-h": "backspace", "s-tab": "shift+tab",
         "left": "left", "right": "right", "up": "up", "down": "down", "home": "home", "end": "end",
         "pageup": "pageup", "pagedown": "pagedown", "delete": "delete", "insert": "insert"}
TARGETS = {name: code for code, name in NAMES.items()} | {"escape": "escape", "space": " "}
RESERVED = {"ctrl+c", "ctrl+d", "ctrl+o"}
SEQUENCES = {"left": "\x1b[D", "right": "\x1b[C", "up": "\x1b[A", "down": "\x1b[B", "home": "\x1b[H",
             "end": "\x1b[F", "delete": "\x1b[3~"}


def key_name(presses: list[KeyPress]) -> str:
    """KIT's name for one key press (or Esc + a key: alt+key)."""
    *prefix, last = presses
    code = last.key.value if isinstance(last.key, Keys) else str(last.key)
    if code in NAMES:
        name = NAMES[code]
    elif code.startswith("c-") and len(code) == 3:
        name = "ctrl+" + code[2]
    elif code.startswith("c-"):
        name = "ctrl+" + code[2:].replace("s-", "shift+")
    elif code.startswith("s-"):
        name = "shift+" + code[2:]
    elif code == " ":
        name = "space"
    else:
        name = code
    return "alt+" + name if prefix else name


def presses_for(name: str) -> list[KeyPress] | None:
    """The key presses a remap target stands for (`left`, `ctrl+a`, `x`, `alt+b`), or None."""
    alt = name.startswith("alt+") and len(name) > 4
    base = name[4:] if alt else name
    if base in TARGETS:
        code = TARGETS[base]
    elif base.startswith("ctrl+") and len(base) == 6:
        code = "c-" + base[5]
    elif len(base) == 1:
        code = base
    else:
        return None
    try:
        key: Any = Keys(code)
    except ValueError:
        key = code
    press = KeyPress(key, SEQUENCES.get(base, code if len(code) == 1 else ""))
    return [KeyPress(Keys.Escape, "\x1b"), press] if alt else [press]


class Editor:
    """Holds the interceptor (one at a time: a newer one replaces it) and feeds it the keys."""

    def __init__(self, repl: Any) -> None:
        self.repl = repl
        self.interceptor: Any = None
        self.render: dict[str, Any] = {}
        self._queue: asyncio.Queue | None = None
        self._worker: asyncio.Task | None = None
        self._waiting = 0

    # ---------------------------------------------------------------- the UI port's side

    def set(self, source: str, interceptor: Any) -> None:
        if self.interceptor is not None and self.interceptor.source != source:
            self.repl.view.notice("info", f"extension {source} took over the editor from {self.interceptor.source}")
        self.interceptor, self.render = interceptor, dict(interceptor.render or {})
        self.repl.invalidate()

    def reset(self, source: str) -> None:
        if self.interceptor is not None and self.interceptor.source == source:
            self.interceptor, self.render = None, {}
            self.repl.invalidate()

    def set_render(self, source: str, render: dict[str, Any]) -> None:
        if self.interceptor is not None and self.interceptor.source == source:
            self.render = dict(render)
            self.repl.invalidate()

    def set_text(self, source: str, text: str, cursor: int | None) -> None:
        buffer = self.repl.buffer
        buffer.text = text
        buffer.cursor_position = len(text) if cursor is None else max(0, min(cursor, len(text)))
        self.repl.invalidate()

    @property
    def active(self) -> bool:
        return self.interceptor is not None

    # ---------------------------------------------------------------- keys

    def key_bindings(self) -> KeyBindings:
        kb = KeyBindings()
        editing = Condition(lambda: self.active and self.repl.app.layout.has_focus(self.repl.buffer))

        @kb.add(Keys.Any, filter=editing, eager=True)
        def _(event: KeyPressEvent) -> None:
            self.press(event)

        self._own = kb.bindings[0]
        return kb

    def press(self, event: KeyPressEvent) -> None:
        presses = list(event.key_sequence)
        queue = event.app.key_processor.input_queue
        if presses[-1].key == Keys.Escape and queue and queue[0].key != Keys.Escape:
            presses.append(queue.popleft())                   # Esc + key sent together: alt+key
        if presses[-1].key == Keys.BracketedPaste:
            return self.replay(presses)
        name = key_name(presses)
        if self._reserved(name):
            return self.replay(presses)
        ask = self.interceptor.wants(name)
        if not ask and not self._waiting:
            return self.replay(presses)
        self._enqueue(name, presses, ask)

    def _reserved(self, name: str) -> bool:
        engine = self.repl.state.engine if self.repl.state is not None else None
        bound = {b.key.name for b in getattr(engine, "keybindings", [])}
        return name in RESERVED or name in bound or (name == "esc" and self.repl.busy)

    def _enqueue(self, name: str, presses: list[KeyPress], ask: bool) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
        self._waiting += 1
        self._queue.put_nowait((name, presses, ask))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        assert self._queue is not None
        while not self._queue.empty():
            name, presses, ask = self._queue.get_nowait()
            try:
                answer = await self._ask(name) if ask else {"action": "passthrough"}
                self.apply(answer, presses)
            except Exception as exc:  # a broken answer must not eat the key
                self.repl.view.notice("warning", f"the editor interceptor failed: {exc}")
                self.replay(presses)
            finally:
                self._waiting -= 1

    async def _ask(self, name: str) -> dict[str, Any]:
        interceptor = self.interceptor
        if interceptor is None:                  # removed while the key waited
            return {"action": "passthrough"}
        buffer = self.repl.buffer
        answer = await interceptor.key(name, buffer.text, buffer.cursor_position)
        if interceptor is self.interceptor and interceptor.render != self.render:
            self.render = dict(interceptor.render)
        return answer

    def apply(self, answer: dict[str, Any], presses: list[KeyPress]) -> None:
        action = answer.get("action")
        if action == "consumed":
            pass
        elif action == "remap":
            target = presses_for(str(answer.get("key") or ""))
            if target is not None:
                self.replay(target)
        elif action == "submit":
            if isinstance(answer.get("text"), str) and answer["text"]:
                self.repl.buffer.text = answer["text"]
            self.repl.submit()
        else:
            self.replay(presses)
        self.repl.invalidate()

    def replay(self, presses: list[KeyPress]) -> None:
        """Do what the editor does with these keys without the interceptor: the binding
        prompt_toolkit would pick, called directly."""
        app = self.repl.app
        processor = app.key_processor
        keys = tuple(p.key for p in presses)
        found = [b for b in processor._bindings.get_bindings_for_keys(keys)
                 if b is not getattr(self, "_own", None) and b.filter()]
        if not found:
            return
        eager = [b for b in found if b.eager()]
        binding = (eager or found)[-1]
        event = KeyPressEvent(weakref.ref(processor), arg=None, key_sequence=presses,
                              previous_key_sequence=[], is_repeat=False)
        if binding.save_before(event):
            app.current_buffer.save_to_undo_stack()
        binding.call(event)
        app.invalidate()
