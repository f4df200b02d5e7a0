"""The editor: keys, pasted text, history and completion.

Keys (the input has focus):
    Enter            send (while the agent works: queue)
    Alt+Enter, Ctrl+J  new line
    Esc              interrupt the turn; queued messages come back into the editor
    Ctrl+C           clear the input; on an empty input interrupt; twice within 2 s: exit
    Ctrl+D           exit (on an empty input)
    Ctrl+O           show the last tool result in full
    Ctrl+R           search the history (prompt_toolkit's reverse search)
    Tab              complete: /commands (with descriptions and declared argument values), @paths

A paste of more than `PASTE_LINES` lines or `PASTE_CHARS` characters becomes a placeholder like
`[Pasted text #1 +120 lines]`; the model receives the full text.
History is one file per project: `$ZOT_HOME/history/<project hash>`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.filters import Condition, has_completions, has_focus
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys

PASTE_LINES = 12
PASTE_CHARS = 1500
MAX_PATHS = 200
PLACEHOLDER = re.compile(r"\[Pasted text #\d+ \+\d+ lines?\]")


def history_file(project_root: Path) -> Path:
    from zot.agent.session_store import project_hash
    from zot.config import zot_home

    return zot_home() / "history" / project_hash(project_root)


class Pastes:
    """Large pastes behind placeholders; `expand` gives the text the model receives."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.count = 0

    def add(self, data: str) -> str:
        data = data.replace("\r\n", "\n").replace("\r", "\n")
        lines = data.count("\n") + (0 if data.endswith("\n") else 1)
        if lines <= PASTE_LINES and len(data) <= PASTE_CHARS:
            return data
        self.count += 1
        label = f"[Pasted text #{self.count} +{lines} line{'s' if lines != 1 else ''}]"
        self.texts[label] = data
        return label

    def expand(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.texts.get(m.group(0), m.group(0)), text)


# --------------------------------------------------------------------------- completion


class ReplCompleter(Completer):
    """Slash commands (built-in and extension, with descriptions), their declared argument values,
    and `@path` file references relative to the working folder."""

    def __init__(self, builtins: dict[str, str], table: Callable[[], Any], cwd: Callable[[], Path],
                 builtin_args: Callable[[str, int, str], list[tuple[str, str]]]) -> None:
        self.builtins = builtins
        self.table = table
        self.cwd = cwd
        self.builtin_args = builtin_args

    def get_completions(self, document, complete_event) -> Iterable[Completion]:
        text = document.text_before_cursor
        if text.startswith("/") and "\n" not in text:
            if " " not in text:
                yield from self._names(text)
            else:
                yield from self._args(text)
            return
        match = re.search(r"(?:^|\s)@([^\s@]*)$", text)
        if match:
            yield from self._paths(match.group(1))

    def _names(self, text: str) -> Iterable[Completion]:
        prefix = text[1:]
        for name, description in sorted(self.builtins.items()):
            if name.startswith(prefix):
                yield Completion(f"/{name}", -len(text), display=f"/{name}", display_meta=description)
        table = self.table()
        if table is None:
            return
        bare = getattr(table, "bare", {})
        seen = set()
        for name, cmd in sorted(bare.items()):
            if name.startswith(prefix):
                seen.add(cmd.qualified)
                yield Completion(f"/{name}", -len(text), display=f"/{name}",
                                 display_meta=_meta(cmd))
        for qualified, cmd in sorted(getattr(table, "qualified", {}).items()):
            if qualified in seen or not qualified.startswith(prefix):
                continue
            if bare.get(cmd.name) is cmd and ":" not in prefix:
                continue
            yield Completion(f"/{qualified}", -len(text), display=f"/{qualified}", display_meta=_meta(cmd))

    def _args(self, text: str) -> Iterable[Completion]:
        word, _, rest = text[1:].partition(" ")
        words = rest.split()
        current = "" if rest.endswith(" ") or not rest else words[-1]
        position = len(words) if rest.endswith(" ") or not rest else len(words) - 1
        if word in self.builtins:
            for value, meta in self.builtin_args(word, position, current):
                if value.startswith(current):
                    yield Completion(value, -len(current), display_meta=meta)
            return
        table = self.table()
        cmd = table.find(word) if table is not None else None
        if cmd is None:
            return
        try:
            values = cmd.completions(position)
        except Exception:
            return
        args = getattr(cmd, "args", []) or []
        meta = str(args[position].get("description", "")) if position < len(args) else ""
        for value in values:
            value = str(value)
            if value.startswith(current):
                yield Completion(value, -len(current), display_meta=meta)

    def _paths(self, typed: str) -> Iterable[Completion]:
        base = self.cwd()
        folder, _, stem = typed.rpartition("/")
        where = (base / folder) if folder else base
        if typed.startswith("/"):
            where = Path(folder or "/")
        elif typed.startswith("~"):
            where = Path(os.path.expanduser(folder or "~"))
        try:
            entries = sorted(os.scandir(where), key=lambda e: (not e.is_dir(), e.name))
        except OSError:
            return
        count = 0
        for entry in entries:
            if not entry.name.startswith(stem) or (entry.name.startswith(".") and not stem.startswith(".")):
                continue
            if entry.name in (".git", "__pycache__"):
                continue
            name = entry.name + ("/" if entry.is_dir() else "")
            yield Completion(name, -len(stem), display=name, display_meta="folder" if entry.is_dir() else "")
            count += 1
            if count >= MAX_PATHS:
                return


def _meta(cmd: Any) -> str:
    description = getattr(cmd, "description", "") or ""
    owner = getattr(getattr(cmd, "ext", None), "name", "")
    return f"{description}  [{owner}]" if owner else description


# --------------------------------------------------------------------------- keys


def key_bindings(repl: Any) -> KeyBindings:
    """The editor's keys; `repl` is the controller (zot.ui.app.Repl)."""
    kb = KeyBindings()
    editing = has_focus(repl.buffer)
    menu_open = Condition(lambda: repl.buffer.complete_state is not None
                          and repl.buffer.complete_state.current_completion is not None)

    @kb.add("enter", filter=editing & menu_open)
    def _(event) -> None:
        state = event.current_buffer.complete_state
        event.current_buffer.apply_completion(state.current_completion)
        text = event.current_buffer.document.text_before_cursor
        if text.startswith("/") and " " not in text and not text.endswith(":"):
            event.current_buffer.insert_text(" ")

    @kb.add("enter", filter=editing & ~menu_open)
    def _(event) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        text = buffer.document.text_before_cursor
        if (state is not None and state.completions and text.startswith("/") and " " not in text
                and not repl.known_command(text[1:])):
            buffer.apply_completion(state.completions[0])     # "/he" + Enter means "/help"
            if not buffer.text.endswith(":"):
                buffer.insert_text(" ")
            return
        repl.submit()

    @kb.add("escape", "enter", filter=editing)
    @kb.add("c-j", filter=editing)
    def _(event) -> None:
        event.current_buffer.insert_text("\n")

    @kb.add("escape", filter=editing)
    def _(event) -> None:
        if event.current_buffer.complete_state is not None:
            event.current_buffer.cancel_completion()
            return
        repl.escape()

    @kb.add("c-c", filter=editing)
    def _(event) -> None:
        repl.ctrl_c()

    @kb.add("c-d", filter=editing)
    def _(event) -> None:
        if event.current_buffer.text:
            event.current_buffer.delete()
        else:
            repl.exit()

    @kb.add("c-o")
    def _(event) -> None:
        repl.expand_last()

    @kb.add(Keys.BracketedPaste, filter=editing)
    def _(event) -> None:
        event.current_buffer.insert_text(repl.pastes.add(event.data))

    @kb.add("tab", filter=editing & ~has_completions)
    def _(event) -> None:
        buffer = event.current_buffer
        if buffer.completer is not None and completable(buffer.document.text_before_cursor):
            buffer.start_completion(select_first=False)
        else:
            buffer.insert_text("    ")

    return kb


def completable(text: str) -> bool:
    """Is there something to complete here: a command name or argument, or an @path?"""
    return (text.startswith("/") and "\n" not in text) or re.search(r"(?:^|\s)@[^\s@]*$", text) is not None
