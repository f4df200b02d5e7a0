"""The interactive REPL: `zot` with no prompt.

Start-up paints the prompt first; extensions load in a thread and what the model's requests need
is imported in the background while the user types (httpx for OpenAI-compatible and Anthropic
models, litellm only for other providers; anything sent meanwhile waits in the queue). With no model the
REPL still works: slash commands, extension commands and `/model` need none.

The REPL is one more caller of the agent session (zot.agent.agent_session), exactly as `-p`
and rpc: what is typed goes to `session.submit` (`sending.py`), and everything shown comes from
the bus (`view.py`), the tool-call confirmation hook (`dialogs.py`) and the UI port (`ReplUI`).
While a turn runs the input stays live: Enter queues (in the session's queue), Esc interrupts.
"""
from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition

from zot.config import UserError, find_project_root
from zot.ext.builtin_commands import BUILTIN_COMMANDS
from zot.ui import theme
from zot.ui.dialogs import Dialogs
from zot.ui.editor import Editor
from zot.ui.input import Pastes, ReplCompleter, completable
from zot.ui.panels import Panels
from zot.ui.port import ReplUI
from zot.ui.printer import Printer
from zot.ui.sending import SendMixin
from zot.ui.screen import ScreenMixin
from zot.ui.sessions import SessionMixin
from zot.ui.status import Status
from zot.ui.toolline import ToolLines
from zot.ui.view import Transcript
from zot.ui.widgets import WidgetBoard

DOUBLE_PRESS = 2.0


def run_repl(opts: Any) -> int:
    """`zot` with no prompt: run the REPL until the user leaves; returns the exit code. `opts` are
    the session's Options (the agent itself is imported after the first paint: that costs more
    than painting the prompt)."""
    import sys

    if not sys.stdout.isatty():
        raise UserError("the interactive REPL needs a terminal, and the output is not one",
                        'use zot -p "PROMPT" (or --json) to write to a file or a pipe', code=2)
    if not opts.no_ext:
        from zot.ui.packsync import offer_sync

        offer_sync(find_project_root(opts.cwd))
    return asyncio.run(Repl(opts).run())


class Repl(SessionMixin, SendMixin, ScreenMixin):
    def __init__(self, opts: Any) -> None:
        self.opts = opts                # zot.agent.options.Options
        self.session: Any = None        # zot.agent.agent_session.AgentSession, once loaded
        self.ready = False
        self.early: list[tuple[str, str]] = []          # (as typed, as sent) before the session exists
        self.work_since = 0.0
        self.frozen = False
        self.hint: tuple[str, float] | None = None
        self.last_ctrl_c = 0.0
        self.load_error: BaseException | None = None
        self._interrupted: Any = None
        self._started = False
        self._ticker: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()

        self.theme, self.theme_problem = theme.load(os.environ.get("ZOT_THEME"))
        self.style = theme.style(self.theme)
        self.printer = Printer(self.style, color_depth=theme.color_depth())
        self.pastes = Pastes()
        self.tools = ToolLines(lambda: self.state.engine.renderers if self.state is not None and self.state.engine else {})
        self.status = Status(self.invalidate)
        self.dialogs = Dialogs(self.refocus, self.invalidate)
        self.dialogs.buffer = Buffer(multiline=False)
        self.dialogs.size = lambda: (self.columns(), self.rows())
        self.panels = Panels(self.refocus, self.invalidate, lambda: self.rows() - 14)
        self.widgets = WidgetBoard(self._widget_list, lambda: self.state.cwd, self.facts, self.invalidate,
                                   columns=self.columns)
        self.view = Transcript(self.printer, self.tools, self.invalidate, self.columns)
        self.editor = Editor(self)
        self.port = ReplUI(self)
        self.cwd = Path(opts.cwd).expanduser().resolve() if getattr(opts, "cwd", None) else Path.cwd().resolve()
        self.buffer = Buffer(
            multiline=True, history=self._history(), auto_suggest=AutoSuggestFromHistory(),
            completer=ReplCompleter(BUILTIN_COMMANDS, self._commands, lambda: self.cwd, self._builtin_args),
            complete_while_typing=Condition(lambda: completable(self.buffer.document.text_before_cursor)))
        from zot.ui.layout import build_app

        self.app = build_app(self)

    # ---------------------------------------------------------------- start and stop

    async def run(self) -> int:
        from prompt_toolkit.patch_stdout import patch_stdout

        loop = asyncio.get_running_loop()
        self.printer.attach(self.app, loop)
        self.app.after_render += self._painted
        try:
            loop.add_signal_handler(signal.SIGTERM, lambda: self.exit(143))
            loop.add_signal_handler(signal.SIGHUP, lambda: self.exit(129))
        except (NotImplementedError, RuntimeError):
            pass
        try:
            with patch_stdout(raw=True):   # a stray print (a library, a warning) goes above the prompt too
                code = await self.app.run_async()
        finally:
            await self._shutdown()
        if self.load_error is not None:
            raise self.load_error
        return code if isinstance(code, int) else 0

    def _painted(self, _app: Any) -> None:
        """After the first paint: load everything else."""
        if not self._started:
            self._started = True
            self.app.create_background_task(self._start())

    async def _start(self) -> None:
        try:
            self.session = await asyncio.to_thread(self._load)
        except BaseException as exc:  # a UserError (bad -e path, broken settings) or a bug
            self.load_error = exc
            self.exit(getattr(exc, "code", 1))
            return
        from zot.agent.setup import NO_MODEL_HINT   # imported by the thread already
        from zot.llm import preload
        from zot.ui.mentions import attach

        session, state = self.session, self.session.state
        self.cwd = state.cwd
        self.use_theme(os.environ.get("ZOT_THEME") or session.settings.get("theme"))
        session.bus.subscribe(self.view)
        session.bus.subscribe(self.widgets.on_event)
        session.bus.subscribe(self.on_event)
        session.prompt_filters.append(
            lambda text, source: attach(text, state.cwd, state.project_root) if source == "interactive" else text)
        session.on_reload.append(self.widgets.start)
        session.on_script_item = self._item_started      # a script's message is echoed like what was typed
        await session.start(ui=self.port, confirm_tool=self.dialogs.confirm_tool, wait=False)
        if not state.model.model:
            self.printer.print([("class:notice.warning", "⚠ no model is configured. "),
                                ("", f"To use one: /model PROVIDER/NAME here, or {NO_MODEL_HINT}. "
                                     "Commands work without one.")])
        if state.model.model:
            preload(state.model)     # litellm only if this model goes through it; else just httpx
        self.widgets.start()
        if self.opts.continue_session or self.opts.session_path:
            try:
                session.open()
                self.show_resumed()
            except UserError as exc:
                self.user_error(exc)
        self.ready = True
        for shown, full in self.early:
            self.enqueue(shown, full)
        self.early.clear()
        self.invalidate()

    def use_theme(self, name: str | None) -> None:
        """Switch to the theme `name` (the settings are read after the first paint); a missing or
        broken theme is one notice and the default."""
        if name and name != self.theme.name:
            self.theme, self.theme_problem = theme.load(name)
            self.style = self.printer.style = self.app.style = theme.style(self.theme)
        if self.theme_problem:
            self.view.notice("warning", self.theme_problem)
            self.theme_problem = None
        self.invalidate()

    def _load(self) -> Any:
        """In a thread: the agent session (extensions loaded and compiled)."""
        from zot.agent.agent_session import AgentSession

        return AgentSession.create(self.opts, require_model=False, merge_queued=True)

    def on_event(self, event: Any) -> None:
        """What only a screen does with an event: a command's `insert`, `/clear`, `/exit`, and the
        last exchange of a session `/sessions` resumed."""
        if event.type == "agent_start" and not self.frozen:
            # litellm brings millions of long-lived objects; a full garbage collection walking them
            # all stalls the screen for a tenth of a second now and then. Keep them out of it.
            import gc

            gc.freeze()
            self.frozen = True
        if event.type != "command_output" or event.is_error:
            return
        if event.action == "insert":
            self.buffer.insert_text(event.text)
        elif event.action == "exit":
            self.exit()
        elif event.action == "clear":
            self.app.renderer.clear()
        elif event.command == "sessions" and event.action == "notify" and event.text.startswith("resumed"):
            self.show_last_exchange()

    async def _shutdown(self) -> None:
        self.widgets.stop()
        self.dialogs.cancel_all()
        if self._ticker is not None:
            self._ticker.cancel()
        if self.session is not None:
            await self.session.close(timeout=5)
        self.printer.flush_now()

    def exit(self, code: int = 0) -> None:
        if self.panels.open:
            self.panels.close_here()
        self.dialogs.cancel_all()
        if not self.app.is_done and self.app.is_running:
            self.app.exit(result=code)

    # ---------------------------------------------------------------- keys

    def submit(self) -> None:
        """Enter: to the session, which runs it now or queues it (a few commands run at once)."""
        text = self.buffer.text
        if not text.strip():
            return
        self.buffer.reset(append_to_history=True)
        self.send_line(text)

    def send_line(self, text: str) -> None:
        """Send `text` as if typed and sent (Enter, or an extension key's command)."""
        from zot.ui.commands import PRESENTERS

        full = self.pastes.expand(text)
        word = full[1:].split(maxsplit=1)[0] if full.startswith("/") and len(full) > 1 else ""
        if word in PRESENTERS and self.ready:
            self.echo(full)
            self.app.create_background_task(self._guard(PRESENTERS[word](self, full[1:].partition(" ")[2])))
        elif not self.ready:
            self.early.append((text, full))
        else:
            self.enqueue(text, full)
        self.invalidate()

    def escape(self) -> None:
        """Esc: interrupt what runs; queued messages come back into the editor."""
        self.interrupt()
        waiting = [shown for shown, _ in self.early]
        self.early.clear()
        if self.session is not None:
            waiting += [item.shown for item in self.session.take_queued()]
        if waiting:
            current = self.buffer.text
            self.buffer.text = "\n\n".join(waiting) + ("\n\n" + current if current else "")
            self.buffer.cursor_position = len(self.buffer.text)
        self.invalidate()

    def interrupt(self) -> None:
        if self.session is not None and self.session.abort():
            self._interrupted = self.session.current      # its label becomes "interrupting"

    def ctrl_c(self) -> None:
        """Clear the input; on an empty one interrupt; a second press within 2 s exits."""
        now = time.monotonic()
        if self.buffer.text:
            self.buffer.reset()
            return
        if now - self.last_ctrl_c < DOUBLE_PRESS:
            self.exit(0)
            return
        self.last_ctrl_c = now
        if self.busy:
            self.escape()
        self.hint = ("press ctrl+c again to exit", now + DOUBLE_PRESS)
        self.invalidate()

    def expand_last(self) -> None:
        self.printer.print(self.tools.expand())

    # ---------------------------------------------------------------- work

    @property
    def busy(self) -> bool:
        return self.session is not None and self.session.busy

    @property
    def work_label(self) -> str:
        current = self.session.current if self.session is not None else None
        if current is None:
            return ""
        return "interrupting" if current is self._interrupted else current.label

    @property
    def queue(self) -> list[tuple[str, str]]:
        """What waits, as typed and as sent (shown under the input)."""
        waiting = [(item.shown, item.text) for item in self.session.queued] if self.session is not None else []
        return list(self.early) + waiting

    @property
    def state(self) -> Any:
        return self.session.state if self.session is not None else None

    @property
    def bus(self) -> Any:
        return self.session.bus if self.session is not None else None

    @property
    def scripts(self) -> asyncio.Task | None:
        return self.session.scripts if self.session is not None else None

    @property
    def modal(self) -> bool:
        return self.dialogs.active is not None or self.panels.open

    def spawn(self, coro: Any) -> asyncio.Task:
        """A task the REPL ends itself at exit (prompt_toolkit's background tasks are cancelled
        as soon as the application exits; a turn should be interrupted and finish instead)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _tick(self) -> None:
        """Animate the spinner while something runs."""
        while self.busy or self.tools.running:
            self.invalidate()
            await asyncio.sleep(0.1)
        self.invalidate()

    # ---------------------------------------------------------------- helpers for the views

    def echo(self, text: str) -> None:
        """What the user sent, in the transcript."""
        lines = text.rstrip("\n").split("\n")
        frags = [("class:user.mark", "› "), ("class:user", lines[0] + "\n")]
        for line in lines[1:]:
            frags += [("", "  "), ("class:user", line + "\n")]
        self.printer.print(frags)

    def user_error(self, exc: UserError) -> None:
        self.view.notice("error", exc.message + (f"\n  hint: {exc.hint}" if exc.hint else ""))
