"""Running the agent: `zot -p` prints the answer, `zot --json` one JSON object per event."""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from zot.config import UserError

EXIT = {"stop": 0, "handled": 0, "max_steps": 3, "blocked": 1, "error": 1, "cancelled": 130}


def options(args: argparse.Namespace):
    from zot.agent.setup import Options

    return Options(model=args.model, api_base=args.api_base, api_key=args.api_key, max_steps=args.max_steps,
                   auto_yes=args.yes, allow_zot_writes=args.allow_zot_writes, continue_session=args.continue_session, session_path=args.session,
                   no_session=args.no_session, ext_paths=list(args.ext), no_ext=args.no_ext)


def choose_session() -> str:
    """-r: list this project's sessions and read a number from the terminal."""
    from zot.agent.session import list_sessions
    from zot.config import find_project_root

    infos = list_sessions(find_project_root())[:20]
    if not infos:
        raise UserError("there is no earlier session in this project", "start one without -r", code=2)
    try:  # a terminal is not seekable: open its two directions separately
        tty_in = open("/dev/tty", encoding="utf-8")
        tty_out = open("/dev/tty", "w", encoding="utf-8")
    except OSError:
        raise UserError("-r needs a terminal to choose from", "use --session PATH (see `zot sessions`) or -c",
                        code=2) from None
    with tty_in, tty_out:
        for i, info in enumerate(infos, 1):
            when = info.updated.strftime("%Y-%m-%d %H:%M") if info.updated else "?"
            tty_out.write(f"{i:>3}. {when}  {info.message_count:>4} msgs  {info.first_prompt}\n")
        tty_out.write("resume which session? [1] ")
        tty_out.flush()
        answer = tty_in.readline().strip() or "1"
    if not answer.isdigit() or not 1 <= int(answer) <= len(infos):
        raise UserError(f"{answer!r} is not a number from the list", "run zot -r again", code=2)
    return str(infos[int(answer) - 1].path)


def read_prompt(args: argparse.Namespace) -> str:
    prompt = " ".join(args.prompt).strip()
    if not prompt and not sys.stdin.isatty():
        prompt = sys.stdin.read().strip()
    if not prompt:
        raise UserError("no prompt given", 'pass it as an argument (zot -p "fix the tests") or on stdin', code=2)
    return prompt


def run(args: argparse.Namespace) -> int:
    if args.resume:
        args.session = choose_session()
    if not (args.print_mode or args.json_mode):
        if args.prompt or not sys.stdin.isatty():
            args.print_mode = True
        else:   # a terminal and no prompt: the interactive REPL (zot/ui)
            from zot.ui.app import run_repl

            return run_repl(args)
    prompt = read_prompt(args)
    return asyncio.run(_run(options(args), prompt, args.json_mode))


def _printer(json_mode: bool, final: list):
    from zot.agent import events as ev

    def emit(event) -> None:
        if json_mode:
            if isinstance(event, ev.AgentEnd):
                final.append(event)  # printed last, after session_shutdown: the answer ends the stream
                return
            sys.stdout.write(json.dumps(event.to_json(), default=str, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif isinstance(event, ev.Notice) and event.level != "info":
            print(f"zot: {event.level}: {event.text}", file=sys.stderr)
        elif isinstance(event, ev.Notice):
            print(f"zot: {event.text}", file=sys.stderr)
        elif isinstance(event, ev.ToolResultEvent) and event.blocked:
            print(f"zot: blocked {event.name}: {event.content}", file=sys.stderr)
    return emit


def _show_command(event) -> None:
    """-p: a command's output goes to stdout, its errors to stderr; a prompt is not shown (the
    model's answer is)."""
    from zot.agent import events as ev

    if not isinstance(event, ev.CommandOutput) or event.action == "prompt":
        return
    if event.action == "error":
        print(f"zot: error: {event.text}", file=sys.stderr)
    elif event.text:
        print(event.text)


async def _command(state, prompt: str, bus) -> tuple[str | None, int]:
    """A prompt starting with `/` runs an extension command. Returns (prompt to send, exit code)."""
    from zot.agent import events as ev
    from zot.ext.builtin_commands import BUILTIN_COMMANDS

    word, rest = (prompt[1:].split(maxsplit=1) + ["", ""])[:2]
    table = state.engine.commands if state.engine else None
    command = table.find(word) if table else None
    if command is None:
        if word in BUILTIN_COMMANDS:
            raise UserError(f"/{word} works only in the interactive REPL", "run `zot` without -p", code=2)
        owners = [c for c in table.qualified.values() if c.name == word] if table else []
        if len(owners) > 1:
            raise UserError(f"/{word} is ambiguous: it is declared by " + " and ".join(c.ext.name for c in owners),
                            "use " + " or ".join(f"/{c.qualified}" for c in owners), code=2)
        known = sorted({f"/{c.name}" if table.bare.get(c.name) is c else f"/{c.qualified}"
                        for c in table.qualified.values()}) if table else []
        raise UserError(f"there is no command /{word}",
                        "commands here: " + (", ".join(known) or "none") + "; to send text that starts with /, "
                        "put a space before it", code=2)
    outcome = await command.invoke(rest, state.cwd, {"model": state.model.model})
    bus.emit(ev.CommandOutput(command.qualified, outcome.action, outcome.text, outcome.is_error))
    if outcome.is_error and outcome.status:
        bus.notify("error", f"/{command.qualified} failed: {outcome.status}")
    if outcome.action == "prompt" and not outcome.is_error:
        return outcome.text, 0
    return None, 1 if outcome.is_error else 0


async def _run(opts, prompt: str, json_mode: bool) -> int:
    """Build the state, start the scripts, run the session; the scripts are shut down however
    the session ends."""
    from zot.agent.bus import Bus
    from zot.agent.setup import build_state, start_scripts, stop_scripts

    is_command = prompt.startswith("/")
    state, settings = build_state(opts, require_model=not is_command)
    final: list = []
    bus = Bus(state.hooks)
    bus.subscribe(_printer(json_mode, final))
    if not json_mode:
        bus.subscribe(_show_command)
    for notice in state.notices:   # extensions that did not load, command name clashes
        bus.notify("warning", notice)
    try:
        await start_scripts(state, bus.notify)
        return await _session(state, settings, opts, prompt, json_mode, bus, final)
    finally:
        await stop_scripts(state)


async def _session(state, settings, opts, prompt: str, json_mode: bool, bus, final: list) -> int:
    from zot.agent import events as ev
    from zot.agent.loop import run_agent
    from zot.agent.setup import model_config, open_session

    is_command = prompt.startswith("/")
    code = 0
    if is_command:
        prompt, code = await _command(state, prompt, bus)
        if prompt is None:
            return code
        state.model = model_config(opts, settings)
    for warning in open_session(opts, state):
        bus.notify("warning", warning)
    cancel = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, cancel.set)
    loop.add_signal_handler(signal.SIGTERM, cancel.set)
    session_id = state.session.id if state.session else ""
    bus.emit(ev.SessionStart(session_id, str(state.cwd), state.model.model,
                             str(state.session.path) if state.session else None))
    try:
        end = await run_agent(state, prompt, bus.emit, cancel)
    finally:
        bus.emit(ev.SessionShutdown(session_id))
        await bus.drain()
        if state.session:
            state.session.close()
    if json_mode:
        for event in final:
            sys.stdout.write(json.dumps(event.to_json(), default=str, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    else:
        if end.answer:
            print(end.answer)
        if end.error:
            print(f"zot: error: {end.error}", file=sys.stderr)
        elif end.stop_reason == "max_steps":
            print(f"zot: stopped after {opts.max_steps} steps (--max-steps)", file=sys.stderr)
        elif end.stop_reason == "cancelled":
            print("zot: cancelled", file=sys.stderr)
    return EXIT.get(end.stop_reason, 1)
