"""AgentSession: the one conversation that every mode drives.

The REPL, `-p` / `--json` and `zot rpc` build one `AgentSession`, subscribe to its bus and call
its methods; none of them runs the loop, dispatches a slash command or opens a session file
itself. So a behaviour written here (queueing, `/model`, `/compact`, session start and end) is
the same everywhere.

Threading: everything runs on one asyncio loop. Only `create` may run in a worker thread
(the REPL loads extensions there while it paints).

How failures surface: `send` and the queued operations return a future per item; a
`UserError` (no model, unknown command, busy) is set on that future for the mode to show, and a
model or tool failure is never an exception: it ends the run with an `agent_end` whose
`stop_reason` is "error". Notices (extension problems, warnings) are `notice` events on the bus.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from zot.agent import events as ev
from zot.agent.bus import Bus
from zot.agent.loop import AgentState, run_agent
from zot.agent.knobs import Knobs
from zot.agent.options import Options
from zot.agent.slash import CommandResult, dispatch, is_command, split
from zot.agent.work import Item, Job, WorkQueue
from zot.config import Settings
from zot.ext.hooks import first_answer

PromptFilter = Callable[[str, str], str]     # (text, source) -> text


@dataclass(frozen=True)
class Snapshot:
    """`state()`: what a status line or an rpc `get_state` shows."""

    model: str
    cwd: str
    project_root: str
    message_count: int
    busy: bool
    queued: int
    usage: Any                          # zot.llm.Usage of the whole session
    session_id: str
    session_path: str | None


class AgentSession(Knobs):
    """One conversation: its state, its bus, its work queue and its session file.

    Build it with `create(opts)` (or from a ready `AgentState`), then `await start()` once the
    event loop runs, `send()` what the user typed, and `await close()` at the end. The model,
    reasoning, system prompt and tool knobs are in zot/agent/knobs.py.

    Events: `session_start` / `session_shutdown` (open / end), `command_output` for each slash
    command, everything `run_agent` emits for a prompt, `notice` for problems.
    """

    def __init__(self, state: AgentState, settings: Settings, opts: Options, *, merge_queued: bool = False) -> None:
        self.state = state
        self.settings = settings
        self.opts = opts
        self.bus = Bus(state.hooks)
        self.ui: Any = None                       # zot.ext.script.ui.UIPort, when a person can be asked
        self.opened = False                       # session_start emitted, session_shutdown not yet
        self.pending_context: list[str] = []      # text that goes in front of the next prompt
        self.prompt_filters: list[PromptFilter] = []
        self.on_reload: list[Callable[[], None]] = []
        self.work = WorkQueue(self._run, merge=merge_queued)
        self.scripts: asyncio.Task | None = None     # starting the script extensions
        self.on_script_item: Callable[[Item], None] | None = None   # a mode's echo of a script's message
        self.script_streak = 0                    # turns extensions started since the user last sent
        self._cancel: asyncio.Event | None = None
        self._model_checked = ""

    @classmethod
    def create(cls, opts: Options, require_model: bool = True, merge_queued: bool = False) -> "AgentSession":
        """Load settings and extensions and resolve the model. `require_model` False lets a
        session without a model run slash commands; the model is checked before the first turn.
        Raises `UserError` for a bad flag, settings file or `-e` folder."""
        from zot.agent.setup import build_state

        state, settings = build_state(opts, True, require_model)
        return cls(state, settings, opts, merge_queued=merge_queued)

    # ---------------------------------------------------------------- lifecycle

    async def start(self, ui: Any = None, confirm_tool: Any = None, wait: bool = True) -> None:
        """Once, on the event loop: announce load problems, attach the UI port (and the tool
        confirmation dialog, unless `--yes`) and start the script extensions. With `wait` it
        returns when every script is ready or has failed; else `scripts_ready()` waits."""
        from zot.agent.script_port import ScriptPort
        from zot.agent.setup import start_scripts

        self.ui = ui
        if confirm_tool is not None and not self.opts.auto_yes:
            self.state.hooks.confirm = confirm_tool
        for notice in self.state.notices:
            self.bus.notify("warning", notice)
        port = ScriptPort(self)
        self.bus.services.sender = port.send_message          # a YAML hook's `send`
        self.scripts = asyncio.get_running_loop().create_task(start_scripts(self.state, self.bus.notify, ui, port))
        self.scripts.add_done_callback(lambda _task: self._check_tool_filter())
        if wait:
            await self.scripts_ready()

    def scripts_done(self) -> bool:
        return self.scripts is None or self.scripts.done()

    async def scripts_ready(self) -> None:
        if self.scripts is not None and not self.scripts.done():
            await asyncio.shield(self.scripts)

    def open(self) -> None:
        """Open the session file (new, or the one `-c` / `--session` / `resume` chose) and emit
        `session_start`. Called by the first turn or compaction; does nothing when open.
        Raises `UserError` when the chosen file is missing or used by another zot; later calls
        then start a new session instead of failing again."""
        from zot.agent.setup import open_session

        if self.opened:
            return
        try:
            warnings = open_session(self.opts, self.state)
        finally:
            self.opts.continue_session, self.opts.session_path = False, None
        for warning in warnings:
            self.bus.notify("warning", warning)
        self.opened = True
        session = self.state.session
        self.bus.emit(ev.SessionStart(session.id if session else "", str(self.state.cwd), self.state.model.model,
                                      str(session.path) if session else None))

    def open_chosen(self) -> None:
        """Open now when `-c` or `--session` chose a session: a command about the conversation
        (`/compact`, `/cost`) needs its messages before the first turn."""
        if not self.opened and (self.opts.continue_session or self.opts.session_path):
            self.open()

    def end(self) -> None:
        """Emit `session_shutdown` (when open) and close the session file. The conversation in
        memory stays; `new()` also forgets it."""
        state = self.state
        if self.opened:
            self.bus.emit(ev.SessionShutdown(state.session.id if state.session else ""))
            self.opened = False
        if state.session is not None:
            state.session.close()
            state.session = None

    async def switch_vetoed(self, reason: str, target: Path | None = None) -> str | None:
        """Ask the `session_before_switch` hooks before `/new` (reason "new") or a resume
        ("resume", `target`): the first that says no keeps this session, and its reason (with
        the extension's name) is returned; None lets the switch go ahead."""
        state = self.state
        fields = {"reason": reason, "session_id": state.session.id if state.session else "",
                  "target_session_path": str(target) if target else ""}
        verdict = await first_answer(state.hooks.switch_guards, lambda guard: guard.before_switch(fields),
                                     lambda text: self.bus.notify("error", text), "session_before_switch")
        return None if verdict is None else f"{verdict.reason} ({verdict.source.extension})"

    def new(self) -> None:
        """`/new`: end this session; the next turn starts a fresh one and sends nothing of this."""
        from zot.llm import Usage

        self.end()
        state = self.state
        state.messages, state.usage, state.compaction, state.last_input_tokens = [], Usage(), None, 0
        state.always.clear()
        self.pending_context.clear()
        self.opts.continue_session, self.opts.session_path = False, None

    def resume(self, path: Path) -> None:
        """End this session and continue the one at `path` (emits its `session_start`)."""
        self.new()
        self.opts.session_path = str(path)
        self.open()

    async def close(self, timeout: float = 5.0) -> None:
        """At the end of a mode: drop what waits, stop what runs (waiting up to `timeout`),
        emit `session_shutdown`, let the hooks finish and stop the scripts."""
        from zot.agent.setup import stop_scripts

        self.work.take()
        task = self.work.task
        if task is not None and not task.done():
            self.abort()
            done, _ = await asyncio.wait({task}, timeout=timeout)
            if not done:
                task.cancel()
        if self.scripts is not None and not self.scripts.done():
            self.scripts.cancel()
        self.end()
        await self.bus.drain(timeout=timeout)
        try:
            await asyncio.wait_for(stop_scripts(self.state), 10)
        except (asyncio.TimeoutError, Exception):
            pass

    # ---------------------------------------------------------------- input

    def submit(self, text: str, source: str = "interactive", *, shown: str | None = None, label: str = "",
               images: list[dict[str, Any]] | None = None, on_start: Callable[[Item], None] | None = None) -> Item:
        """Queue `text`: a slash command or a prompt. It runs now when nothing else does, else
        after what is queued (zot's read-only commands, IMMEDIATE, run at once even while busy).
        Await `item.future` for the `CommandResult` or `AgentEnd`. `source` (interactive, cli,
        rpc, script, queue) ends up on the `input` event."""
        from zot.agent.builtins import IMMEDIATE

        if source == "script":
            self.script_streak += 1
        else:
            self.script_streak = 0
        item = Item(text=text, source=source, shown=text if shown is None else shown, label=label,
                    images=images, on_start=on_start)
        if is_command(text) and split(text)[0] in IMMEDIATE:
            asyncio.get_running_loop().create_task(self._immediate(item))
            return item
        return self.work.submit(item)

    async def send(self, text: str, source: str = "interactive", **kw: Any) -> Any:
        """`submit` and wait for the result."""
        return await self.submit(text, source, **kw).future

    def submit_job(self, job: Job, label: str = "", shown: str = "", source: str = "interactive",
                   on_start: Callable[[Item], None] | None = None) -> Item:
        """Queue a mode's own work (the REPL's `!command`) in line with the prompts. `job` gets
        the cancel event that `abort()` sets."""
        return self.work.submit(Item(job=job, label=label, shown=shown, source=source, on_start=on_start))

    def add_context(self, text: str) -> None:
        """Put `text` in front of the next prompt (the REPL's `!command` output)."""
        self.pending_context.append(text)

    @property
    def busy(self) -> bool:
        return self.work.busy

    @property
    def current(self) -> Item | None:
        return self.work.current

    @property
    def queued(self) -> list[Item]:
        return list(self.work.items)

    def take_queued(self) -> list[Item]:
        """Remove what waits (the REPL puts it back into the editor on Esc)."""
        return self.work.take()

    async def idle(self) -> None:
        """Until nothing runs and nothing waits."""
        await self.work.idle()

    def abort(self) -> bool:
        """Stop what runs now (a turn, a compaction, a command); what waits still runs. A turn
        ends with `stop_reason` "cancelled". Returns False when nothing ran."""
        if self._cancel is not None:
            self._cancel.set()
            return True
        task = self.work.task
        if task is not None and not task.done():
            task.cancel()
            return True
        return False

    def asker(self) -> Any:
        """The UI port when a person can be asked now (a port may say `can_ask` False: an rpc
        client that did not opt in to questions), else None."""
        ui = self.ui
        return ui if ui is not None and getattr(ui, "can_ask", True) else None

    def new_cancel(self) -> asyncio.Event:
        self._cancel = asyncio.Event()
        return self._cancel

    # ---------------------------------------------------------------- running an item

    async def _run(self, item: Item) -> Any:
        self._cancel = None
        try:
            if item.on_start is not None:
                item.on_start(item)
            if item.job is not None:
                return await item.job(self.new_cancel())
            if is_command(item.text):
                return await self._command(item)
            return await self._prompt(item.text, item.source, item.images, item.waited)
        finally:
            self._cancel = None

    async def _immediate(self, item: Item) -> None:
        try:
            if item.on_start is not None:
                item.on_start(item)
            result = await self._command(item)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits the item
            if not item.future.done():
                item.future.set_exception(exc)
                item.future.exception()
        else:
            if not item.future.done():
                item.future.set_result(result)

    async def _command(self, item: Item) -> Any:
        result: CommandResult = await dispatch(self, item.text)
        if result.action != "none":
            self.bus.emit(ev.CommandOutput(result.command, result.action, result.text, result.is_error, result.block))
        if result.action == "prompt" and not result.is_error:
            return await self._prompt(result.text, item.source, item.images, item.waited)
        return result

    async def _prompt(self, text: str, source: str, images: list[dict[str, Any]] | None,
                      waited: bool = False) -> ev.AgentEnd:
        """One turn. Filters see where the text came from (the REPL attaches @files only to what
        was typed); the `input` event says `queue` for what a person sent while the agent worked
        (a script's message keeps `script`, which says more)."""
        await self.ensure_model()
        self.open()
        await self.tools_ready()
        if self.pending_context:
            text = "\n\n".join([*self.pending_context, text])
            self.pending_context.clear()
        for prompt_filter in self.prompt_filters:
            text = prompt_filter(text, source)
        return await run_agent(self.state, text, self.bus.emit, self.new_cancel(),
                               source="queue" if waited and source != "script" else source, images=images)

    async def tools_ready(self) -> None:
        """MCP servers still starting are waited for (each within its start_timeout), so the
        model is offered every tool there will be; a server that fails is reported, not raised."""
        manager = self.state.manager
        if manager is not None and getattr(manager, "mcp", None) is not None:
            await manager.mcp_ready()

    async def ensure_model(self) -> None:
        """Check the model and its key once per model (a `UserError` names what is missing) and
        import what its requests need off the event loop (httpx, or litellm for the providers
        zot does not speak itself), waiting only if that is still under way."""
        from zot.agent.setup import model_config
        from zot.llm import preload

        state = self.state
        if not (self._model_checked and self._model_checked == state.model.model):
            state.model = await asyncio.to_thread(model_config, self.opts, self.settings)
            self._model_checked = state.model.model
        loading = preload(state.model)
        if loading.is_alive():
            await asyncio.to_thread(loading.join)

    # ---------------------------------------------------------------- operations

    async def compact(self) -> int | None:
        """Queue a compaction; see `compact_now`."""
        return await self.submit_job(lambda cancel: self.compact_now(cancel), label="compacting").future

    async def compact_now(self, cancel: asyncio.Event | None = None) -> int | None:
        """Summarise the older messages now (call it from inside the queue: `/compact` does).
        Returns how many messages the summary replaced, or None when nothing could be done (a
        notice says why)."""
        from zot.agent.compaction import compact

        await self.ensure_model()
        self.open()
        state = self.state
        before = state.compaction[1] if state.compaction else 0
        ok = await compact(state, "manual", self.bus.emit, cancel or self.new_cancel(), announce=False)
        return state.compaction[1] - before if ok and state.compaction else None

    async def reload_extensions(self) -> list[str]:
        """Re-read every manifest and restart the scripts; problems become warnings."""
        notices = await self.state.reload()
        self.state.notices = [n for n in notices if not n.startswith("reload:")]
        for notice in notices:     # "reload: ..." lines say what changed; the rest are problems
            self.bus.notify("info" if notice.startswith("reload:") else "warning", notice)
        for callback in self.on_reload:
            callback()
        return notices

    # ---------------------------------------------------------------- reading

    def facts(self) -> dict[str, Any]:
        """What rules, commands and widgets may ask about: the model, and the session's usage and
        counters (zot.ext.facts, the same object the agent loop gives rules)."""
        from zot.ext.facts import session_facts

        state = self.state
        return {"model": state.model.model, "session": session_facts(state.messages, state.usage, state.tools)}

    def snapshot(self) -> Snapshot:
        state = self.state
        session = state.session
        return Snapshot(state.model.model, str(state.cwd), str(state.project_root), len(state.messages),
                        self.busy, len(self.work.items), state.usage, session.id if session else "",
                        str(session.path) if session else None)
