"""Argument parsing and sub-command dispatch only.

Imports stay inside the handlers: `zot --version` and `zot --help` must not pay for litellm or
prompt_toolkit.
"""
from __future__ import annotations

import argparse
import os
import sys

from zot import __version__
from zot.agent.options import REASONING_LEVELS

SUBCOMMANDS = ("ext", "recipe", "trust", "sessions", "rpc", "docs", "mcp")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _main_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zot", description="A terminal coding agent whose extensions are data.",
        epilog="sub-commands: zot ext (validate, list, new, enable, disable, test, explain, widgets, logs, "
               "install, remove, update, info, import-mcp), zot mcp (list, tools, logs), zot recipe (install, list, apply, update, remove, sync, pack, "
               "verify), zot trust, zot sessions, zot rpc (NDJSON on stdin/stdout, see docs/rpc.md), "
               "zot docs [TOPIC]. Run `zot ext --help` for extension commands, `zot recipe --help` for recipe packs.")
    p.add_argument("-v", "--version", action="version", version=f"zot {__version__}")
    p.add_argument("prompt", nargs="*", help="the prompt (with -p or --json); read from stdin when absent")
    p.add_argument("-p", "--print", dest="print_mode", action="store_true",
                   help="run the prompt to completion and print the final answer")
    p.add_argument("--json", dest="json_mode", action="store_true", help="print one JSON object per event")
    p.add_argument("--rpc", action="store_true", help="speak NDJSON commands and events on stdin/stdout (= zot rpc)")
    p.add_argument("--model", help="a litellm model string, e.g. anthropic/claude-sonnet-4-5 (or ZOT_MODEL)")
    p.add_argument("--list-models", nargs="?", const="", metavar="FILTER",
                   help="print the model names zot knows (those containing FILTER) and exit")
    p.add_argument("--api-base", "--base-url", dest="api_base", help="the API base URL for the model")
    p.add_argument("--api-key", help="the API key (default: the provider's environment variable)")
    p.add_argument("--reasoning", choices=REASONING_LEVELS,
                   help="how hard the model should think, for models that support it")
    p.add_argument("--system-prompt", metavar="TEXT", help="replace zot's own instructions with TEXT")
    p.add_argument("--append-system-prompt", action="append", metavar="TEXT",
                   help="add TEXT to the system prompt (repeatable)")
    p.add_argument("--cwd", metavar="DIR", help="work in DIR instead of the current folder")
    p.add_argument("--tools", action="append", metavar="NAMES",
                   help="offer the model only these tools, comma-separated (built-in and extension tools)")
    p.add_argument("--no-tools", action="store_true", help="offer the model no tools at all")
    p.add_argument("--max-steps", type=_positive, default=None, help="stop after this many model turns")
    p.add_argument("--yes", action="store_true", help="answer yes to confirm guards when there is no UI")
    p.add_argument("--allow-zot-writes", action="store_true",
                   help="with --yes, also let the agent change zot's own files (.zot/, $ZOT_HOME)")
    p.add_argument("-c", "--continue", dest="continue_session", action="store_true",
                   help="continue the most recent session of this project")
    p.add_argument("-r", "--resume", action="store_true", help="choose a session of this project to resume")
    p.add_argument("--session", metavar="PATH", help="use this session file")
    p.add_argument("--no-session", action="store_true", help="do not save this session")
    p.add_argument("--save-session", action="store_true", help="rpc: save the session (off by default in rpc)")
    p.add_argument("-e", "--ext", action="append", default=[], metavar="PATH",
                   help="load this extension folder for this run (repeatable)")
    p.add_argument("--no-ext", action="store_true", help="do not discover extensions")
    return p


def _ext_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zot ext", description="Write, check and manage extensions.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    v = sub.add_parser("validate", help="check extension.yaml and recipe.yaml files",
                       description="Check manifests: YAML, schema, templates, expressions, regexes, tools.")
    v.add_argument("paths", nargs="*", help="files or folders (default: this project's extensions)")
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.add_argument("--no-cache", action="store_true",
                   help="parse and schema-check every file, even one that was clean before unchanged")
    lst = sub.add_parser("list", help="extensions that load here, with scope and errors")
    lst.add_argument("--format", choices=("text", "json"), default="text")
    new = sub.add_parser("new", help="write a commented starter extension")
    new.add_argument("name", help="the extension name: lowercase letters, digits, - and _")
    where = new.add_mutually_exclusive_group()
    where.add_argument("--global", dest="global_scope", action="store_true", help="in $ZOT_HOME/extensions")
    where.add_argument("--dir", help="in this folder (the extension folder is DIR/NAME)")
    t = sub.add_parser("test", help="run guard examples and manifest tests (no model)")
    t.add_argument("paths", nargs="*", help="files or folders (default: the extensions that load here)")
    t.add_argument("-e", "--ext", action="append", default=[], metavar="PATH",
                   help="an extension folder to test (the same as giving it as a path)")
    x = sub.add_parser("explain", help="what the rules here decide for one tool call")
    x.add_argument("-e", "--ext", action="append", default=[], metavar="PATH",
                   help="also load this extension folder, as `zot -e PATH` would (repeatable)")
    x.add_argument("--tool", required=True, help="the tool name, e.g. bash")
    x.add_argument("--args", required=True, help='the arguments as JSON, e.g. \'{"command": "rm -rf /"}\'')
    x.add_argument("--format", choices=("text", "json"), default="text")
    w = sub.add_parser("widgets", help="print the current text of each widget")
    w.add_argument("paths", nargs="*", help="extension folders (default: the extensions that load here)")
    logs = sub.add_parser("logs", help="print a script extension's log (its stderr and what zot noticed)")
    logs.add_argument("name", help="the extension name")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing what is appended, until Ctrl-C")
    for action, text in (("enable", "turn an extension on"), ("disable", "turn an extension off")):
        e = sub.add_parser(action, help=text)
        e.add_argument("name")
        e.add_argument("--project", action="store_true", help="edit .zot/settings.yaml instead of the global one")
    _install_parsers(sub, "extension")
    i = sub.add_parser("info", help="an extension's manifest, source, pinned commit and what it can do")
    i.add_argument("name")
    m = sub.add_parser("import-mcp", help="write an extension.yaml with the MCP servers of a .mcp.json",
                       description="Turn a .mcp.json (Claude Code, Cursor) into an extension's `mcp:` section.")
    m.add_argument("file", help="the .mcp.json to import")
    m.add_argument("--name", default="mcp", help="the extension's name (default: mcp)")
    where = m.add_mutually_exclusive_group()
    where.add_argument("--global", dest="global_scope", action="store_true", help="in $ZOT_HOME/extensions")
    where.add_argument("--dir", help="in this folder (the extension folder is DIR/NAME)")
    m.add_argument("--force", action="store_true", help="replace an extension.yaml that is there")
    return p


def _mcp_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zot mcp", description="The MCP servers the extensions here declare.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = sub.add_parser("list", help="start each server, show its state and tool count, stop it")
    t = sub.add_parser("tools", help="start one server and list the tools it offers, with their arguments")
    t.add_argument("name", help="the server's name (EXTENSION/SERVER when two extensions use it)")
    logs = sub.add_parser("logs", help="print a server's log (its stderr and what zot noticed)")
    logs.add_argument("name", help="the server's name")
    for q in (lst, t, logs):
        q.add_argument("-e", "--ext", action="append", default=[], metavar="PATH",
                       help="also load this extension folder (repeatable)")
    for q in (lst, t):
        q.add_argument("--format", choices=("text", "json"), default="text")
    return p


SOURCE_HELP = ("a folder, a git URL (https://, ssh://, git@, file://, or ending in .git) with an optional "
               "@REF (tag, branch or commit), or a .tar.gz made by `zot recipe pack`")


def _install_parsers(sub, noun: str) -> None:
    """install / remove / update, alike for `zot ext` and `zot recipe`."""
    project = "for this project: .zot/zot.lock and .zot/settings.yaml (default: for you, in $ZOT_HOME)"
    yes = "do not ask; without a terminal, consent is required this way"
    i = sub.add_parser("install", help=f"install a{'n' if noun[0] in 'ae' else ''} {noun} from a folder, git or a .tar.gz")
    i.add_argument("source", help=SOURCE_HELP)
    i.add_argument("--project", action="store_true", help=project)
    i.add_argument("--yes", action="store_true", help=yes)
    r = sub.add_parser("remove", help=f"remove an installed {noun}")
    r.add_argument("name")
    r.add_argument("--project", action="store_true", help=project)
    r.add_argument("--yes", action="store_true", help=yes)
    u = sub.add_parser("update", help=f"fetch installed {noun}s again; asks when what they can do changed")
    u.add_argument("name", nargs="?", help="one name (default: all of the scope)")
    u.add_argument("--project", action="store_true", help=project)
    u.add_argument("--yes", action="store_true", help=yes)
    if noun == "pack":
        u.add_argument("--ref", help="change the requested ref (tag, branch or commit)")


def _recipe_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zot recipe", description="Install, apply and share recipe packs.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    _install_parsers(sub, "pack")
    lst = sub.add_parser("list", help="installed and shipped recipes")
    lst.add_argument("--format", choices=("text", "json"), default="text")
    a = sub.add_parser("apply", help="turn a recipe's extensions on, with its params, in settings")
    a.add_argument("name")
    a.add_argument("--project", action="store_true", help="edit .zot/settings.yaml instead of the global one")
    sub.add_parser("sync", help="install exactly what the lock files pin")
    k = sub.add_parser("pack", help="make a reproducible .tar.gz of a pack folder, and print its sha256")
    k.add_argument("dir", help="a folder with recipe.yaml (or an extension) at its root")
    k.add_argument("-o", "--output", help="the archive to write (default: NAME-VERSION.tar.gz here)")
    v = sub.add_parser("verify", help="check an archive, a folder, or an installed pack against its digest")
    v.add_argument("target", help="a .tar.gz, a folder, or the name of an installed pack or extension")
    v.add_argument("--sha256", help="the archive digest to expect (default: PATH.sha256 when present)")
    return p


def dispatch(argv: list[str]) -> int:
    if argv and argv[0] in SUBCOMMANDS:
        name, rest = argv[0], argv[1:]
        if name == "ext":
            args = _ext_parser().parse_args(rest)
            from zot.cmd import ext as ext_cmd

            return ext_cmd.run(args)
        if name == "mcp":
            from zot.cmd import mcp as mcp_cmd

            return mcp_cmd.run(_mcp_parser().parse_args(rest))
        if name == "recipe":
            from zot.cmd import recipe as recipe_cmd

            return recipe_cmd.run(_recipe_parser().parse_args(rest))
        if name == "trust":
            p = argparse.ArgumentParser(prog="zot trust",
                                        description="Trust this project's .zot/ extensions (keyed by content hash).")
            p.add_argument("--yes", action="store_true", help="do not ask")
            p.add_argument("--revoke", action="store_true", help="forget the trust")
            from zot.cmd import trust as trust_cmd

            return trust_cmd.run(p.parse_args(rest))
        if name == "docs":
            p = argparse.ArgumentParser(prog="zot docs", description="Print zot's documentation.")
            p.add_argument("topic", nargs="?", help="a topic (tutorial, guards, trust, ...); none lists them")
            p.add_argument("--path", action="store_true", help="print the folder the documentation is installed in")
            from zot.cmd import docs as docs_cmd

            return docs_cmd.run(p.parse_args(rest))
        if name == "sessions":
            p = argparse.ArgumentParser(prog="zot sessions", description="This project's sessions, newest first.")
            p.add_argument("--format", choices=("text", "json"), default="text")
            p.add_argument("--all", action="store_true", help="show every session, not only the last 20")
            from zot.cmd import sessions as sessions_cmd

            return sessions_cmd.run(p.parse_args(rest))
        return run_mode(_main_parser().parse_args(["--rpc", *rest]))
    return run_mode(_main_parser().parse_args(argv))


def run_mode(args: argparse.Namespace) -> int:
    """Choose the mode: rpc, the REPL (a terminal and no prompt), or -p / --json."""
    from zot.config import UserError

    if args.list_models is not None:
        from zot.agent.models import known_models

        for name in known_models():
            if args.list_models.lower() in name.lower():
                print(name)
        return 0
    if args.resume:
        from pathlib import Path

        from zot.config import find_project_root
        from zot.modes.options import choose_session

        args.session = choose_session(find_project_root(Path(args.cwd).resolve() if args.cwd else None))
    from zot.modes.options import options_from_args

    if args.rpc:
        if args.prompt:
            raise UserError("zot rpc takes no prompt on the command line",
                            'send {"type": "prompt", "message": "..."} on stdin (see docs/rpc.md)', code=2)
        from zot.modes import rpc

        return rpc.run(options_from_args(args, save_session=False))
    if not (args.print_mode or args.json_mode):
        if args.prompt or not sys.stdin.isatty():
            args.print_mode = True
        else:   # a terminal and no prompt: the interactive REPL (zot/ui)
            from zot.ui.app import run_repl

            return run_repl(options_from_args(args))
    from zot.modes import print as print_mode

    prompt = print_mode.read_prompt(args.prompt)
    return print_mode.run(options_from_args(args), prompt, args.json_mode)


def main(argv: list[str] | None = None) -> int:
    from zot.errors import boundary

    as_program = argv is None
    code = boundary(dispatch, sys.argv[1:] if argv is None else argv)
    if as_program:
        # Everything is written and closed by now. Tearing the interpreter down object by object
        # takes seconds with litellm's ~2,400 modules, and tenths with a long session's history.
        import logging

        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):   # a closed pipe (`zot -p ... | head -1`)
                pass
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
