"""Running the agent: `zot -p` prints the answer, `zot --json` one JSON object per event."""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from zot.config import UserError

EXIT = {"stop": 0, "handled": 0, "max_steps": 3, "error": 1, "cancelled": 130}


def options(args: argparse.Namespace):
    from zot.agent.setup import Options

    return Options(model=args.model, api_base=args.api_base, api_key=args.api_key, max_steps=args.max_steps,
                   auto_yes=args.yes, continue_session=args.continue_session, session_path=args.session,
                   no_session=args.no_session, ext_paths=list(args.ext), no_ext=args.no_ext)


def read_prompt(args: argparse.Namespace) -> str:
    prompt = " ".join(args.prompt).strip()
    if not prompt and not sys.stdin.isatty():
        prompt = sys.stdin.read().strip()
    if not prompt:
        raise UserError("no prompt given", 'pass it as an argument (zot -p "fix the tests") or on stdin', code=2)
    return prompt


def run(args: argparse.Namespace) -> int:
    if args.resume:
        raise UserError("-r/--resume needs the interactive REPL", "use -c to continue the latest session, or "
                        "--session PATH (see `zot sessions`)", code=2)
    if not (args.print_mode or args.json_mode):
        if args.prompt or not sys.stdin.isatty():
            args.print_mode = True
        else:
            raise UserError("the interactive REPL is not available in this build yet",
                            'use zot -p "PROMPT" or zot --json "PROMPT"', code=2)
    prompt = read_prompt(args)
    return asyncio.run(_run(options(args), prompt, args.json_mode))


async def _run(opts, prompt: str, json_mode: bool) -> int:
    from zot.agent import events as ev
    from zot.agent.loop import run_agent
    from zot.agent.setup import build_state, open_session

    state, _settings = build_state(opts)
    warnings = open_session(opts, state)

    final: list = []

    def emit(event) -> None:
        if json_mode:
            if isinstance(event, ev.AgentEnd):
                final.append(event)  # printed last, after session_shutdown: the answer ends the stream
                return
            sys.stdout.write(json.dumps(event.to_json(), default=str, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif isinstance(event, ev.Notice) and event.level != "info":
            print(f"zot: {event.level}: {event.text}", file=sys.stderr)
        elif isinstance(event, ev.ToolResultEvent) and event.blocked:
            print(f"zot: blocked {event.name}: {event.content}", file=sys.stderr)

    for warning in [*state.notices, *warnings]:
        emit(ev.Notice("warning", warning))
    cancel = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, cancel.set)
    loop.add_signal_handler(signal.SIGTERM, cancel.set)
    session_id = state.session.id if state.session else ""
    emit(ev.SessionStart(session_id, str(state.cwd), state.model.model,
                         str(state.session.path) if state.session else None))
    try:
        end = await run_agent(state, prompt, emit, cancel)
    finally:
        emit(ev.SessionShutdown(session_id))
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
    return EXIT.get(end.stop_reason, 1)
