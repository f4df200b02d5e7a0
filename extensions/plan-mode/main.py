#!/usr/bin/env python3
"""Plan mode: the model may only look until you approve its plan, then zot executes it.

/plan TASK      plan mode on (read-only tools, a planning instruction) and TASK sent to the model
/plan           plan mode on, without a task
/plan approve   the tools come back and the execution turn starts with the plan
/plan off       plan mode off, nothing executed
/plan status    where things stand

With a person at the keyboard, zot asks "Execute the plan?" after each planning answer: yes
approves, no keeps planning. The state (on or off, and the last plan) is kept in this project's
data folder, so it survives a restart and works across `zot -p -c` runs too.
"""
import json
import os
import re

from zot.sdk import Extension

ext = Extension("plan-mode", version="1.0.0")
READ_ONLY = ["read", "ls", "grep", "find"]
INSTRUCTION = ("You are in plan mode. Explore with the read-only tools, then answer with a numbered plan "
               "under a line `Plan:`. Do not change anything: writing, editing and running commands are "
               "not available until the user approves the plan.")


def state_file() -> str:
    return os.path.join(ext.project_data_dir or ext.data_dir, "state.json")


def load() -> dict:
    try:
        with open(state_file(), encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save(**changes) -> dict:
    data = {**load(), **changes}
    with open(state_file(), "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)
    return data


def planning(ctx) -> None:
    """Read-only tools, the planning instruction, a status widget."""
    ctx.set_active_tools(READ_ONLY)
    ctx.append_system_prompt(INSTRUCTION)
    ctx.widget_update("mode", "⏸ plan mode")


def acting(ctx) -> None:
    ctx.set_active_tools(None)
    ctx.append_system_prompt("")
    ctx.widget_update("mode", "")


def approve(ctx) -> str:
    plan = load().get("plan", "")
    if not load().get("active"):
        return "plan mode is off: /plan TASK starts it"
    if not plan:
        return "there is no plan yet: ask for one first"
    save(active=False)
    acting(ctx)
    ctx.send_message("The plan is approved. Execute it now, step by step:\n\n" + plan)
    return None


@ext.command("plan", description="Plan before acting: /plan TASK | approve | off | status")
def plan(args: str, ctx):
    word = args.strip()
    if word == "approve":
        return approve(ctx)
    if word == "off":
        save(active=False)
        acting(ctx)
        return "plan mode off"
    if word == "status":
        data = load()
        return ("plan mode on" if data.get("active") else "plan mode off") + \
            (f"; the last plan:\n{data['plan']}" if data.get("plan") else "; no plan yet")
    save(active=True, plan="")
    planning(ctx)
    if word:
        ctx.send_message(word)
        return None
    return "plan mode on: read-only tools until /plan approve"


@ext.intercept("tool_call")
def read_only(event, ctx):
    """Belt and braces: the changing tools are not offered in plan mode, and refused if called."""
    if load().get("active") and event.get("tool_name") not in READ_ONLY:
        return ext.block("plan mode: only read-only tools until the user approves the plan (/plan approve)")


def plan_in(text: str) -> str:
    """The plan in an answer: from its `Plan:` line on, else the whole answer when it numbers
    its steps, else ""."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[#*\s]*plan\b.*:", line, re.IGNORECASE):
            return "\n".join(lines[i:]).strip()
    steps = [line for line in lines if re.match(r"^\s*\d+[.)]\s", line)]
    return text.strip() if len(steps) >= 2 else ""


@ext.on("message_end")
def remember(event, ctx):
    if not load().get("active"):
        return
    found = plan_in((event.get("message") or {}).get("content") or "")
    if found:
        save(plan=found)


@ext.on("agent_end")
def offer(event, ctx):
    """With a person at the keyboard: execute the plan now?"""
    data = load()
    if not (data.get("active") and data.get("plan") and ctx.has_ui):
        return
    answer = ctx.confirm_result("Execute the plan?", data["plan"])
    if answer:
        approve(ctx)
    elif not answer.cancelled:
        ctx.notify("still planning: say what to change, or /plan approve", "info")


@ext.setup
def restore(ctx):
    """Plan mode survives a restart (and a `zot -p -c` run). This runs before `ready`, so it is
    in force before any command or prompt reaches the extension."""
    if load().get("active"):
        ctx.set_active_tools(READ_ONLY)
        ctx.append_system_prompt(INSTRUCTION)


ext.widget("mode", "⏸ plan mode" if load().get("active") else "")


if __name__ == "__main__":
    ext.run()
