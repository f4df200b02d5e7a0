"""The REPL's session: opened when the first message is sent (or at once with -c / --session),
ended by `/new`, by resuming another one and at exit.

`session_start` is emitted when a session opens and `session_shutdown` when it ends, so hooks and
scripts see one pair per session, as in `-p`.
"""
from __future__ import annotations

from pathlib import Path

from zot.config import UserError


class SessionMixin:
    """Part of zot.ui.app.Repl: uses its state, opts, bus, view and printer."""

    session_started: bool

    def ensure_session(self) -> None:
        """Open the session (a new one, or the one -c / --session / /sessions chose) and announce it."""
        from zot.agent import events as ev
        from zot.agent.setup import open_session

        if self.session_started:
            return
        try:
            warnings = open_session(self.opts, self.state)
        finally:   # whatever happened, later messages start a new session rather than fail again
            self.opts.continue_session, self.opts.session_path = False, None
        for warning in warnings:
            self.view.notice("warning", warning)
        self.session_started = True
        session = self.state.session
        self.bus.emit(ev.SessionStart(session.id if session else "", str(self.state.cwd), self.state.model.model,
                                      str(session.path) if session else None))

    def end_session(self) -> None:
        from zot.agent import events as ev

        state = self.state
        if self.session_started:
            self.bus.emit(ev.SessionShutdown(state.session.id if state.session else ""))
            self.session_started = False
        if state.session is not None:
            state.session.close()
            state.session = None

    def new_session(self) -> None:
        """`/new`: the next message starts a fresh session; nothing of this one is sent again."""
        from zot.llm import Usage

        self.end_session()
        state = self.state
        state.messages, state.usage, state.compaction, state.last_input_tokens = [], Usage(), None, 0
        state.always.clear()
        self.pending_context.clear()
        self.opts.continue_session, self.opts.session_path = False, None

    async def resume(self, path: Path) -> None:
        """`/sessions`: end this session and continue the one at `path`."""
        self.new_session()
        self.opts.session_path = str(path)
        try:
            self.ensure_session()
        except UserError as exc:
            self.user_error(exc)
            return
        self.show_resumed()

    def show_resumed(self) -> None:
        """A resumed session: how long it is and its last exchange."""
        state = self.state
        if state.session is None:
            return
        self.printer.print([("class:muted", f"· resumed {state.session.path.name}: {len(state.messages)} messages")])
        for message in [m for m in state.messages if m.get("role") in ("user", "assistant")][-2:]:
            content = message.get("content")
            if not isinstance(content, str) or not content.strip():
                continue
            if message["role"] == "user":
                self.echo(content)
            else:
                self.printer.print(self.view.answer(content))
