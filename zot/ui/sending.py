"""What Enter sends: a message to the agent, a slash command, or a `!shell` command.

A message is one `run_agent(state, prompt, bus.emit, cancel)`, exactly as in `-p`; the REPL sees
its progress through the bus. Esc sets `cancel`.
"""
from __future__ import annotations

import asyncio
from typing import Any

from zot.config import UserError
from zot.ext.builtin_commands import BUILTIN_COMMANDS

SHELL_CONTEXT_CHARS = 20_000
SHELL_SCREEN_LINES = 40


class SendMixin:
    """Part of zot.ui.app.Repl."""

    model_checked: str
    frozen = False
    pending_context: list[str]

    async def model_ready(self) -> bool:
        """Check the model (and its key) once per model; litellm is imported off the event loop,
        so the screen never freezes on it."""
        from zot.agent.setup import model_config
        from zot.llm import preload

        state = self.state
        if not (self.model_checked and self.model_checked == state.model.model):
            try:
                state.model = await asyncio.to_thread(model_config, self.opts, self.settings)
            except UserError as exc:
                self.user_error(exc)
                return False
            self.model_checked = state.model.model
        await asyncio.to_thread(preload().join)
        if not self.frozen:
            # litellm brings millions of long-lived objects; a full garbage collection walking them
            # all stalls the screen for a tenth of a second now and then. Keep them out of it.
            import gc

            gc.freeze()
            self.frozen = True
        return True

    async def send_message(self, shown: str, full: str, echo: bool = True) -> None:
        """One turn. `shown` is what was typed (echoed), `full` what the model gets (pastes
        expanded, `!command` outputs in front)."""
        from zot.agent.loop import run_agent

        if echo:
            self.echo(shown)
        if not await self.model_ready():
            return
        self.ensure_session()
        if self.pending_context:
            full = "\n\n".join([*self.pending_context, full])
            self.pending_context.clear()
        from zot.ui.mentions import attach

        full = attach(full, self.state.cwd, self.state.project_root)
        await run_agent(self.state, full, self.bus.emit, self.new_cancel())

    async def run_command(self, text: str) -> None:
        """`/name args`: a built-in, else an extension command (waiting for the scripts to be
        ready when the name is not known yet)."""
        from zot.agent import events as ev

        word, _, rest = text[1:].partition(" ")
        word = word.strip()
        if word in BUILTIN_COMMANDS:
            await self.run_builtin(word, text)
            return
        self.echo(text)
        table = self.state.engine.commands if self.state.engine else None
        command = table.find(word) if table else None
        if command is None and self.scripts is not None and not self.scripts.done():
            await asyncio.shield(self.scripts)     # a script's command may not be registered yet
            command = table.find(word) if table else None
        if command is None:
            self.unknown_command(word, table)
            return
        outcome = await command.invoke(rest, self.state.cwd, self.facts())
        self.bus.emit(ev.CommandOutput(command.qualified, outcome.action, outcome.text, outcome.is_error))
        if outcome.is_error and outcome.status:
            self.view.notice("error", f"/{command.qualified} failed: {outcome.status}")
        if outcome.action == "insert" and not outcome.is_error:
            self.buffer.insert_text(outcome.text)
        elif outcome.action == "prompt" and not outcome.is_error:
            await self.send_message(text, outcome.text, echo=False)

    async def run_builtin(self, word: str, text: str) -> None:
        from zot.ui.commands import HANDLERS

        self.echo(text)
        await HANDLERS[word](self, text[1:].partition(" ")[2])

    def unknown_command(self, word: str, table: Any) -> None:
        from zot.diagnostics import did_you_mean

        owners = [c for c in table.qualified.values() if c.name == word] if table else []
        if len(owners) > 1:
            self.view.notice("error", f"/{word} is declared by " + " and ".join(c.ext.name for c in owners)
                             + ": use " + " or ".join(f"/{c.qualified}" for c in owners))
            return
        names = list(BUILTIN_COMMANDS) + (list(table.bare) + list(table.qualified) if table else [])
        hint = did_you_mean(word, names, quote="/{}")
        self.view.notice("error", f"there is no command /{word}: {hint}/help lists them; to send text that "
                                  "starts with /, put a space before it")

    async def run_shell(self, command: str) -> None:
        """`!cmd`: run it with bash in the working folder, show the output, and put it in front of
        the next message. Esc kills it."""
        if not command:
            return
        self.echo("!" + command)
        proc = await asyncio.create_subprocess_exec(
            "bash", "-c", command, cwd=str(self.state.cwd), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True)
        reader = asyncio.ensure_future(proc.communicate())
        stopper = asyncio.ensure_future(self.new_cancel().wait())
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
        self.pending_context.append(f"I ran `{command}` in the shell (exit code {proc.returncode}). "
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
