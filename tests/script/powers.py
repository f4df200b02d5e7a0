"""An SDK extension that uses every session power zot gives scripts, for the tests of each mode
(tests/script/test_powers.py for -p and --json, tests/rpc/test_script_powers.py, and
tests/ui/test_script_powers.py in a pseudo-terminal)."""
from __future__ import annotations

import textwrap
from pathlib import Path

MAIN = '''
import os
from zot.sdk import Extension

ext = Extension("powers", version="1.0.0")
STATE = {"locked": os.environ.get("POWERS_LOCK", ""), "flip": bool(os.environ.get("POWERS_FLIP")),
         "summary": os.environ.get("POWERS_SUMMARY", "")}


@ext.command("go", description="send TEXT as a message that starts a turn")
def go(args, ctx):
    status = ctx.send_message(args)
    ctx.log("go: " + str(status))
    return None


@ext.command("note", description="hold TEXT for the next prompt")
def note(args, ctx):
    return "held: " + str(ctx.send_message(args, trigger_turn=False))


@ext.command("persona", description="replace the system prompt, add a rule, then ask")
def persona(args, ctx):
    ctx.set_system_prompt("You are a pirate.")
    ctx.append_system_prompt("Rule from powers: " + args)
    ctx.send_message("ahoy?")


@ext.command("unpersona", description="zot's own system prompt again, without the rule")
def unpersona(args, ctx):
    ctx.set_system_prompt(None)
    ctx.append_system_prompt("")
    ctx.send_message("and now?")


@ext.command("only", description="offer only these tools (comma separated), then ask")
def only(args, ctx):
    result = ctx.set_active_tools([n for n in args.split(",") if n])
    ctx.send_message("which tools?")
    return "active: " + ",".join(result["active"]) + "; unknown: " + ",".join(result["unknown"])


@ext.command("tools", description="list the tools and whether they are offered")
def tools(args, ctx):
    return " ".join(t["name"] + ("+" if t["active"] else "-") for t in ctx.get_tools())


@ext.command("switch", description="switch the model, then ask")
def switch(args, ctx):
    name = ctx.set_model(args)
    ctx.send_message("who are you?")
    return "model: " + name


@ext.command("ui", description="is there a UI")
def ui(args, ctx):
    return "has_ui: " + str(ctx.has_ui) + " busy: " + str(ctx.session_state()["busy"])


@ext.command("ask", description="confirm, telling no from cancelled")
def ask(args, ctx):
    answer = ctx.confirm_result("Proceed?", "powers asks")
    word = "yes" if answer else ("cancelled" if answer.cancelled else "no")
    return "answer: " + word + (" (no ui)" if answer.no_ui else "")


@ext.command("lock", description="refuse session switches: /lock REASON (empty unlocks)")
def lock(args, ctx):
    STATE["locked"] = args
    return "locked: " + args if args else "unlocked"


@ext.command("flip", description="turn tool results of `echo` into errors")
def flip(args, ctx):
    STATE["flip"] = not STATE["flip"]
    return "flip: " + str(STATE["flip"])


@ext.command("summarize", description="compact with this summary instead of the model's")
def summarize(args, ctx):
    STATE["summary"] = args
    return "summary set"


@ext.tool("later", description="sends a message while the agent works")
def later(args, ctx):
    return "message " + str(ctx.send_message(args.get("text", "follow up")))


@ext.tool("echo", description="echo text", schema={"type": "object", "properties": {"text": {"type": "string"}}})
def echo(args, ctx):
    return "echo: " + args.get("text", "")


@ext.intercept("tool_result")
def results(event, ctx):
    if STATE["flip"] and event["tool_name"] == "echo":
        return ext.change_result(event["text"] + " (flagged)", is_error=True)


@ext.intercept("input")
def mark_source(event, ctx):
    return ext.replace_text("[" + event.get("source", "?") + "] " + event["text"])


@ext.intercept("session_before_switch")
def keep(event, ctx):
    if STATE["locked"]:
        return ext.block(STATE["locked"])


@ext.intercept("before_compact")
def compact(event, ctx):
    if STATE["summary"] == "cancel":
        return ext.block("not now")
    if STATE["summary"]:
        return ext.summary(STATE["summary"] + " (" + str(event["messages"]) + " messages)")


ext.run()
'''


def powers_folder(root: Path, name: str = "powers", env: dict[str, str] | None = None) -> Path:
    """The extension in root/name; `env` (POWERS_LOCK, POWERS_FLIP, POWERS_SUMMARY) sets its state
    at start, for modes that run one command per process."""
    import json

    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.py").write_text(textwrap.dedent(MAIN), encoding="utf-8")
    (folder / "extension.yaml").write_text(
        f"schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: every session power\n"
        "script:\n  exec: python3\n  args: [main.py]\n  env: " + json.dumps(env or {}) + "\n", encoding="utf-8")
    return folder
