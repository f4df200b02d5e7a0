"""How the REPL shows a resumed session: its length and its last exchange.

Opening, ending and resuming sessions is the agent session's job (`/new`, `/sessions`, `-c`);
the REPL only shows what a resumed conversation was about.
"""
from __future__ import annotations


class SessionMixin:
    """Part of zot.ui.app.Repl: uses its state, view and printer."""

    def show_resumed(self) -> None:
        """A session resumed at start (-c, --session): how long it is and its last exchange."""
        state = self.state
        if state.session is None:
            return
        self.printer.print([("class:muted", f"· resumed {state.session.path.name}: {len(state.messages)} messages")])
        self.show_last_exchange()

    def show_last_exchange(self) -> None:
        for message in [m for m in self.state.messages if m.get("role") in ("user", "assistant")][-2:]:
            content = message.get("content")
            if not isinstance(content, str) or not content.strip():
                continue
            if message["role"] == "user":
                self.echo(content)
            else:
                self.printer.print(self.view.answer(content))
