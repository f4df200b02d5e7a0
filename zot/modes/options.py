"""The command line made into session `Options`, shared by the REPL, `-p`/`--json` and rpc."""
from __future__ import annotations

import argparse
from pathlib import Path

from zot.agent.options import Options
from zot.config import UserError


def options_from_args(args: argparse.Namespace, save_session: bool = True) -> Options:
    """`save_session` False (rpc's default) keeps the session in memory unless a flag asks for
    a file (`--save-session`, `-c`, `-r`, `--session`)."""
    keep = save_session or getattr(args, "save_session", False) or args.continue_session or bool(args.session)
    tools: list[str] | None = None
    if args.no_tools:
        tools = []
    elif args.tools is not None:
        tools = [name.strip() for part in args.tools for name in part.split(",") if name.strip()]
    return Options(model=args.model, api_base=args.api_base, api_key=args.api_key, max_steps=args.max_steps,
                   auto_yes=args.yes, allow_zot_writes=args.allow_zot_writes,
                   continue_session=args.continue_session, session_path=args.session,
                   no_session=args.no_session or not keep, ext_paths=list(args.ext), no_ext=args.no_ext,
                   cwd=Path(args.cwd) if args.cwd else None, system_prompt=args.system_prompt,
                   append_system_prompt=list(args.append_system_prompt or []), tools=tools,
                   reasoning=args.reasoning)


def choose_session(project: Path) -> str:
    """-r: list this project's sessions and read a number from the terminal."""
    from zot.agent.session import list_sessions

    infos = list_sessions(project)[:20]
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
