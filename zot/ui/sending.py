"""What Enter sends: everything goes to the session (zot.agent.agent_session).

A message or a slash command is `session.submit(...)`: it runs now, or after what is queued,
exactly as in `-p` and rpc. A `!command` is the REPL's own job, queued in the same line so its
output reaches the next message. What happens shows up through the bus (`view.py`); this module
only echoes what was typed and reports a failed item.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from zot.config import UserError
from zot.ui.toolline import one_line

SHELL_CONTEXT_CHARS = 20_000
SHELL_SCREEN_LINES = 40


class SendMixin:
    """Part of zot.ui.app.Repl."""

    def enqueue(self, shown: str, full: str) -> None:
        """Hand one typed entry to the session."""
        from zot.agent.slash import is_command

        session = self.session
        if full.startswith("!"):
            command = full[1:].strip()
            if not command:
                return
            item = session.submit_job(lambda cancel: self.run_shell(command, cancel), shown=shown,
                                      label="running " + one_line(command, 40), on_start=self._item_started)
        else:
            label = one_line(full, 40) if is_command(full) else "thinking"
            item = session.submit(full, "interactive", shown=shown, label=label, on_start=self._item_started)
        self.spawn(self._guard(item.future))
        self.invalidate()

    def _item_started(self, item: Any) -> None:
        self.work_since = time.monotonic()
        if item.job is None:
            self.echo(item.shown)
        if self._ticker is None or self._ticker.done():
            self._ticker = self.app.create_background_task(self._tick())
        self.invalidate()

    async def _guard(self, awaitable: Any) -> None:
        """Wait for one item and report how it failed, if it did; the REPL stays up."""
        try:
            await awaitable
        except asyncio.CancelledError:
            self.printer.print([("class:notice.warning", "⏹ interrupted")])
        except UserError as exc:
            self.user_error(exc)
        except Exception as exc:  # a bug: say where its log is, keep the REPL alive
            from zot.errors import _crash_log

            self.view.notice("error", f"internal error: {type(exc).__name__}: {exc} (details: {_crash_log(exc)})")
        finally:
            if not self.busy:
                self.view.activity = ""
            self.invalidate()

    async def run_shell(self, command: str, cancel: asyncio.Event) -> None:
        """`!cmd`: run it with bash in the working folder, show the output, and put it in front of
        the next message. Esc kills it."""
        self.echo("!" + command)
        proc = await asyncio.create_subprocess_exec(
            "bash", "-c", command, cwd=str(self.state.cwd), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True)
        reader = asyncio.ensure_future(proc.communicate())
        stopper = asyncio.ensure_future(cancel.wait())
        done, _ = await asyncio.wait({reader, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if reader not in done:
            try:
                proc.kill()
            except ProcessLookupError:
                pass
            await reader
            self.printer.print([("class:notice.warning", "⏹ interrupted")])
            return
        output = (reader.result()[0] or b"").decode("utf-8", "replace").rstrip()
        self.printer.print(shell_block(output, proc.returncode))
        if len(output) > SHELL_CONTEXT_CHARS:
            output = "[… earlier output left out …]\n" + output[-SHELL_CONTEXT_CHARS:]
        self.session.add_context(f"I ran `{command}` in the shell (exit code {proc.returncode}). "
                                 f"Output:\n```\n{output}\n```")


def shell_block(output: str, code: int | None) -> list[tuple[str, str]]:
    lines = output.splitlines()
    shown = "\n".join(lines[:SHELL_SCREEN_LINES])
    if len(lines) > SHELL_SCREEN_LINES:
        shown += f"\n… +{len(lines) - SHELL_SCREEN_LINES} lines"
    frags = [("class:tool.result", (shown or "(no output)") + "\n")]
    if code:
        frags.append(("class:tool.err", f"exit code {code}\n"))
    frags.append(("class:muted", "(added to the context of your next message)"))
    return frags
