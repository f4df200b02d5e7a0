"""A tool call's path: prepare, rewrite, guard, confirm, execute, transform.

Each step returns a value; nothing raises into the loop. A blocked call never runs and the model
is told plainly why and by which rule. Original and final arguments and every rule that matched
are returned as a decision record for the session and the decision log.
"""
from __future__ import annotations

import asyncio
import copy
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from zot.ext.decide import Decision, decide
from zot.ext.hooks import CallInfo, ConfirmRequest, Hooks
from zot.ext.discover import EXPLICIT_YES
from zot.tools.base import Tool, ToolContext, ToolResult


@dataclass
class Outcome:
    result: ToolResult
    call: CallInfo
    decision: Decision
    blocked: bool = False
    ran: bool = False
    duration: float = 0.0


@dataclass
class PathContext:
    tools: dict[str, Tool]
    hooks: Hooks
    tool_ctx: ToolContext
    auto_yes: bool = False
    yes_excludes: frozenset[str] = frozenset()    # extensions whose confirms --yes does not answer
    always: set[tuple[str, str]] = field(default_factory=set)  # (tool, rule label) answered "always"
    notify: Callable[[str, str, str], None] = lambda level, text, source: None
    on_start: Callable[[CallInfo], None] = lambda call: None
    facts: dict[str, Any] = field(default_factory=dict)   # model and session usage, for rules


def error_result(text: str) -> ToolResult:
    return ToolResult(content=text, is_error=True)


async def confirm(call: CallInfo, decision: Decision, ctx: PathContext) -> None:
    """Ask the UI; default answer no. Without a UI, confirm means deny unless the user said --yes."""
    asking = [v for v in decision.verdicts if v.decision == "confirm" and not v.shadow]
    if all((call.tool, v.source.label()) in ctx.always for v in asking):
        decision.decision, decision.answered = "allow", "always"
        return
    if ctx.hooks.confirm is None:
        if ctx.auto_yes and not any(v.source.extension in ctx.yes_excludes for v in asking):
            decision.decision, decision.answered = "allow", "auto-yes"
        else:
            decision.decision, decision.answered = "deny", "no-ui"
        return
    request = ConfirmRequest(call.tool, call.args, call.original_args, [v.reason for v in asking],
                             [v.source for v in asking])
    try:
        answer = await ctx.hooks.confirm(request)
    except Exception:  # a broken dialog is a "no"
        answer = "no"
    decision.answered = answer
    if answer == "always":
        ctx.always.update((call.tool, v.source.label()) for v in asking)
    decision.decision = "allow" if answer in ("yes", "always") else "deny"


def blocked_text(call: CallInfo, decision: Decision) -> str:
    """What the model is told: the rules that decided (a deny's, or the confirms that were
    refused; not every rule that matched), each with its reason, in plain sentences."""
    kind = decision.ruled if decision.ruled in ("deny", "confirm") else "deny"
    deciding = [v for v in decision.verdicts if not v.shadow and v.decision == kind] or \
        [v for v in decision.verdicts if not v.shadow and v.decision in ("deny", "confirm")]
    parts = dict.fromkeys(f"`{v.source.extension}:{v.source.rule}`"
                          + (f" ({v.source.location})" if v.source.location else "")
                          + f": {' '.join(v.reason.split()).rstrip('. ') or 'blocked'}" for v in deciding)
    rules = ("Rule " if len(parts) == 1 else "Rules ") + "; ".join(parts) if parts else \
        f"Reason: {' '.join(decision.reason.split()).rstrip('. ') or 'blocked'}"
    if decision.answered == "no-ui":
        flag = "--yes --allow-zot-writes" if any(v.source.extension in EXPLICIT_YES for v in deciding) else "--yes"
        how = f"it needs confirmation and no one could be asked (the user can run zot with {flag} to allow such calls)"
    elif decision.answered in ("no",):
        how = "the user declined it"
    else:
        how = "it is not allowed"
    return (f"Blocked: the {call.tool} call was not run because {how}. {rules}. "
            "Do not retry the same call; choose another way or ask the user.")


async def execute(tool: Tool, call: CallInfo, ctx: PathContext) -> ToolResult:
    try:
        return await tool.run(call.args, ctx.tool_ctx)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a tool's bug becomes an error result, not a crashed turn
        return error_result(f"the {call.tool} tool failed: {type(exc).__name__}: {exc}")


async def transform(call: CallInfo, result: ToolResult, ctx: PathContext) -> ToolResult:
    for handler in ctx.hooks.result_transforms:
        try:
            result = await handler.transform(call, result)
        except Exception as exc:
            ctx.notify("error", f"result transform failed: {exc}", type(handler).__name__)
    return result


async def run_call(call_id: str, name: str, args: dict[str, Any], parse_error: str | None,
                   ctx: PathContext) -> Outcome:
    """The whole path for one call."""
    call = CallInfo(call_id, name, copy.deepcopy(args), copy.deepcopy(args), str(ctx.tool_ctx.cwd),
                    str(ctx.tool_ctx.project_root), ctx.facts)
    tool = ctx.tools.get(name)
    if tool is None:
        known = ", ".join(sorted(ctx.tools))
        return Outcome(error_result(f"There is no tool `{name}`. Available tools: {known}."), call,
                       Decision("deny", reason="unknown tool"), blocked=True)
    if parse_error:
        return Outcome(error_result(f"The arguments of this {name} call are not valid JSON: {parse_error}. "
                                    "Send the call again with a JSON object of arguments."), call,
                       Decision("deny", reason="unparsable arguments"), blocked=True)
    decision = await decide(call, ctx.hooks, tool.parameters)
    for v in decision.enforced:
        if v.decision == "warn":
            ctx.notify("warning", f"{call.tool}: {v.reason}", v.source.label())
    if decision.invalid:
        return Outcome(error_result(f"Invalid arguments for {name}: {decision.invalid}"), call, decision,
                       blocked=True)
    if decision.decision == "confirm":
        await confirm(call, decision, ctx)
    if decision.decision == "deny":
        return Outcome(error_result(blocked_text(call, decision)), call, decision, blocked=True)
    ctx.on_start(call)
    started = time.monotonic()
    result = await execute(tool, call, ctx)
    duration = time.monotonic() - started
    result = await transform(call, result, ctx)
    return Outcome(result, call, decision, ran=True, duration=duration)
