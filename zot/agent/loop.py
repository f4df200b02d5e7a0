"""The agent loop: a plain async function that emits events. Every mode only listens.

`run_agent(state, prompt, emit)` takes one user prompt to a final answer: model turns, tool calls
through the tool-call path, compaction when the context fills, and a session record per message.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from zot.agent import events as ev
from zot.ext.facts import session_facts
from zot.ext.hooks import Hooks, first_answer
from zot.agent.toolpath import Outcome, PathContext, run_call
from zot.llm import LLMError, ModelConfig, Usage, stream_chat
from zot.tools.base import Tool, ToolContext

Emit = Callable[[ev._Event], None]

CANCELLED = "cancelled by the user: this tool call was not run"


@dataclass
class AgentState:
    """Everything one conversation needs; modes build it, the loop mutates `messages` and `usage`."""

    model: ModelConfig
    tools: dict[str, Tool]
    cwd: Path
    project_root: Path
    hooks: Hooks = field(default_factory=Hooks)
    messages: list[dict[str, Any]] = field(default_factory=list)   # the full history
    session: Any = None                   # a SessionWriter, or None with --no-session
    usage: Usage = field(default_factory=Usage)
    max_steps: int | None = None
    auto_yes: bool = False
    yes_excludes: frozenset[str] = frozenset()   # extensions whose confirms --yes does not answer
    compaction: tuple[str, int] | None = None    # (summary, first kept message index)
    context_window: int | None = None     # overrides the model map (settings: context_window)
    last_input_tokens: int = 0
    always: set = field(default_factory=set)
    system_extra: list[str] = field(default_factory=list)
    output_dir: Path | None = None
    extensions: list = field(default_factory=list)    # what the loader found, with states
    engine: Any = None                    # the compiled extensions
    notices: list[str] = field(default_factory=list)  # load problems to tell the user
    extra_files: list[Path] = field(default_factory=list)   # context files extensions add
    manager: Any = None                   # zot.ext.manager.ExtensionManager: scripts, reload
    system_prompt: str | None = None      # --system-prompt: replaces zot's identity paragraph
    system_parts: dict[str, str] = field(default_factory=dict)   # one paragraph per extension, at the end
    tool_filter: set[str] | None = None   # --tools / --no-tools: the tools the model may use
    scanned: tuple = ()                   # (messages list, how far checked, an empty reply seen)

    def active_tools(self) -> dict[str, Tool]:
        """The tools offered to the model and callable by it. Filtered by name at each use, because
        scripts register tools while the session runs and a reload replaces them."""
        if self.tool_filter is None:
            return self.tools
        return {name: tool for name, tool in self.tools.items() if name in self.tool_filter}

    def record(self, record: dict[str, Any]) -> None:
        if self.session is not None:
            self.session.append(record)

    async def reload(self) -> list[str]:
        """Re-read every manifest and restart every script (`/reload-ext`); returns what the user
        should hear (diagnostics of manifests that no longer validate: those keep their previous
        version)."""
        if self.manager is None:
            return []
        return await self.manager.reload(self)


def tool_specs(tools: dict[str, Tool]) -> list[dict[str, Any]]:
    return [{"type": "function", "function": {"name": t.name, "description": t.description,
                                              "parameters": t.parameters}} for t in tools.values()]


def usage_dict(usage: Usage) -> dict[str, Any]:
    return asdict(usage)


def _empty(message: dict[str, Any]) -> bool:
    """An assistant reply with no text and no tool calls: providers reject it in a request
    (OpenAI wants content or tool_calls), so it stays in the session but is not sent back."""
    return message.get("role") == "assistant" and not message.get("content") and not message.get("tool_calls")


def context_messages(state: AgentState, system: str) -> list[dict[str, Any]]:
    from zot.agent.session import SUMMARY_PREFIX

    out = [{"role": "system", "content": system}]
    history = state.messages
    if state.compaction:
        summary, first = state.compaction
        out.append({"role": "user", "content": f"{SUMMARY_PREFIX}\n\n{summary}"})  # as load_session has it
        history = history[first:]
    if _has_empty(state):
        out.extend(m for m in history if not _empty(m))
    else:
        out.extend(history)
    return out


def _has_empty(state: AgentState) -> bool:
    """Whether the history holds an empty reply, checking only what was appended since the last
    turn: the history only grows, and a turn must not walk all of it (100,000 messages)."""
    messages = state.messages
    start, found = 0, False
    if state.scanned and state.scanned[0] is messages and state.scanned[1] <= len(messages):
        start, found = state.scanned[1], state.scanned[2]
    found = found or any(_empty(messages[i]) for i in range(start, len(messages)))
    state.scanned = (messages, len(messages), found)
    return found


async def build_system(state: AgentState, emit: Emit, prompt: str = "") -> str:
    from zot.agent.context import system_prompt

    fragments: list[str] = [*state.system_extra, *state.system_parts.values()]
    identity = state.system_prompt
    facts = {"cwd": str(state.cwd), "project": str(state.project_root), "model": state.model.model,
             "prompt": prompt, "session": session_facts(state.messages, state.usage, state.tools)}
    replaced = False
    for frag in state.hooks.system_fragments:
        try:
            text = await frag.fragment(facts)
        except Exception as exc:
            emit(ev.Notice("error", f"a system prompt fragment failed: {exc}"))
            continue
        if text and getattr(frag, "replace", False):
            if not replaced:               # `replace: true`: the first that applies is the identity
                identity, replaced = text, True
        elif text:
            fragments.append(text)
    lines = [f"{t.name}: {t.description.splitlines()[0] if t.description else ''}"
             for t in state.active_tools().values()]
    return system_prompt(state.cwd, state.project_root, lines, fragments, state.extra_files, identity)


def _append(state: AgentState, message: dict[str, Any], usage: Usage | None = None) -> None:
    from zot.agent.session import message_record

    state.messages.append(message)
    state.record(message_record(message, usage_dict(usage) if usage else None,
                                usage.cost if usage else None, state.model.model if usage else None))


def _log_decision(state: AgentState, outcome: Outcome) -> None:
    from zot.agent.session import decision_record
    from zot.config import zot_home

    record = outcome.decision.to_json(outcome.call)
    state.record(decision_record(**record))
    try:
        path = zot_home() / "logs" / "decisions.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"cwd": str(state.cwd), **record}, default=str) + "\n")
    except OSError:
        pass  # the session has the record; a read-only log folder must not stop the agent


def _refusal(outcome: Outcome) -> dict[str, Any]:
    """What agent_end says about a call that did not run."""
    d = outcome.decision
    return {"id": outcome.call.id, "tool": outcome.call.tool, "args": outcome.call.args, "decision": d.decision,
            "answered": d.answered, "reason": d.reason,
            "rules": [f"{v.source.extension}:{v.source.rule}" for v in d.deciding or d.enforced
                      if v.decision in ("deny", "confirm")]}


async def _run_tools(state: AgentState, calls: list, emit: Emit, cancel: asyncio.Event,
                     refused: list[dict[str, Any]]) -> None:
    facts = {"model": state.model.model, "session": {}}
    ctx = PathContext(tools=state.active_tools(), hooks=state.hooks,
                      tool_ctx=ToolContext(cwd=state.cwd, project_root=state.project_root, cancel=cancel,
                                           output_dir=state.output_dir, facts=facts),
                      auto_yes=state.auto_yes, yes_excludes=state.yes_excludes, always=state.always,
                      notify=lambda level, text, source: emit(ev.Notice(level, text, source)),
                      facts=facts)
    images: list[tuple[str, dict[str, Any]]] = []
    for call in calls:
        if cancel.is_set():  # still answered, so the history stays valid and every UI sees it end
            emit(ev.ToolResultEvent(call.id, call.name, call.arguments, CANCELLED, True))
            _append(state, {"role": "tool", "tool_call_id": call.id, "content": CANCELLED})
            continue
        emit(ev.ToolCall(call.id, call.name, call.arguments))
        facts["session"] = session_facts(state.messages, state.usage, state.tools)   # counts the calls before
        ctx.on_start = lambda c: emit(ev.ToolExecutionStart(c.id, c.tool, c.args, c.original_args))
        ctx.tool_ctx.progress = lambda text, c=call: emit(ev.ToolProgress(c.id, c.name, text))
        outcome = await run_call(call.id, call.name, call.arguments, call.error, ctx)
        if outcome.ran:
            emit(ev.ToolExecutionEnd(call.id, call.name, outcome.result.is_error, round(outcome.duration, 3)))
        _log_decision(state, outcome)
        if outcome.blocked:
            refused.append(_refusal(outcome))
        result = outcome.result
        emit(ev.ToolResultEvent(call.id, call.name, outcome.call.args, result.content, result.is_error,
                                outcome.blocked, result.display, outcome.decision.to_json(outcome.call)))
        _append(state, {"role": "tool", "tool_call_id": call.id, "content": result.content})
        if outcome.ran:
            images += [(call.name, i) for i in (result.details or {}).get("images") or [] if _is_image(i)]
    if images:
        _append(state, tool_images(images))


def _is_image(item: Any) -> bool:
    return isinstance(item, dict) and str(item.get("mime_type", "")).startswith("image/") and bool(item.get("data"))


def tool_images(images: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The images tool results returned, as a user message after the tool messages: a tool message
    may hold only text for most providers, so this is how an image a tool returned reaches every
    model that can see (Pi does the same)."""
    names = ", ".join(dict.fromkeys(name for name, _ in images))
    note = f"[the image{'s' if len(images) > 1 else ''} returned by the {names} tool call{'s' if len(images) > 1 else ''}]"
    return {"role": "user", "content": user_content(note, [image for _, image in images])}


def _assistant_message(completion) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": completion.text or None}
    if completion.thinking_blocks:   # Anthropic wants them back with the tool calls they led to
        message["thinking_blocks"] = completion.thinking_blocks
    if completion.tool_calls:
        message["tool_calls"] = [{"id": c.id, "type": "function",
                                  "function": {"name": c.name, "arguments": c.raw_arguments or "{}"}}
                                 for c in completion.tool_calls]
    return message


async def _complete(state: AgentState, system: str, emit: Emit, cancel: asyncio.Event):
    """One model call; on a context overflow, compact once and retry."""
    from zot.agent.compaction import compact

    for attempt in (1, 2):
        try:
            return await stream_chat(state.model, context_messages(state, system), tool_specs(state.active_tools()),
                                     on_text=lambda piece: emit(ev.MessageUpdate(piece)), cancel=cancel)
        except LLMError as err:
            if err.kind == "context_window" and attempt == 1 and await compact(state, "overflow", emit, cancel):
                continue
            raise
    raise AssertionError("unreachable")


async def _turn_guards(state: AgentState, step: int, emit: Emit):
    """The first verdict of a turn guard (a script's turn_start intercept) stops the run."""
    return await first_answer(state.hooks.turn_guards, lambda guard: guard.before_turn(step),
                              lambda text: emit(ev.Notice("error", text)), "turn_start")


async def _message_transforms(state: AgentState, text: str, emit: Emit) -> str:
    """Async changes of the assistant's text (a script's assistant_message intercept), chained."""
    for handler in state.hooks.message_transforms:
        if not text:
            break
        try:
            text = await handler.transform_message(text)
        except Exception as exc:
            emit(ev.Notice("error", f"an assistant_message hook failed: {exc}"))
    return text


def user_content(text: str, images: list[dict[str, Any]] | None) -> Any:
    """The user message's content: the text, or text and images as OpenAI-style parts (zot's
    Anthropic client and litellm translate them). An image is `{"mime_type": ..., "data": base64}`."""
    if not images:
        return text
    parts: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    parts += [{"type": "image_url", "image_url": {"url": f"data:{i['mime_type']};base64,{i['data']}"}}
              for i in images]
    return parts


async def run_agent(state: AgentState, prompt: str, emit: Emit, cancel: asyncio.Event | None = None,
                    source: str = "interactive", images: list[dict[str, Any]] | None = None) -> ev.AgentEnd:
    """Take `prompt` to a final answer. Never raises for model or tool failures: they end the run
    with `stop_reason` "error" and the message in `error`. `source` says where the prompt came
    from (on the `input` event); `images` go with the text in the user message."""
    from zot.agent.compaction import compact, over_threshold

    cancel = cancel or asyncio.Event()
    emit(ev.Input(prompt, source))
    text = prompt
    for transform in state.hooks.input_transforms:
        try:
            outcome = await transform.transform(text, source)
        except Exception as exc:
            emit(ev.Notice("error", f"an input transform failed: {exc}"))
            continue
        text = outcome.text
        if outcome.handled:
            end = ev.AgentEnd(text, "handled", usage_dict(Usage()))
            emit(end)
            return end
    emit(ev.BeforeAgentStart(text))
    system = await build_system(state, emit, text)
    emit(ev.AgentStart(state.model.model))
    _append(state, {"role": "user", "content": user_content(text, images)})
    run_usage = Usage()
    refused: list[dict[str, Any]] = []
    answer, stop, error = "", "stop", None
    step = 0
    while True:
        if state.max_steps is not None and step >= state.max_steps:
            stop = "max_steps"
            break
        step += 1
        emit(ev.TurnStart(step))
        stopped = await _turn_guards(state, step, emit)
        if stopped is not None:
            stop = "blocked"
            emit(ev.Notice("warning", f"the turn was stopped: {stopped.reason}", stopped.source.label()))
            emit(ev.TurnEnd(step, 0, "blocked"))
            break
        if over_threshold(state):
            await compact(state, "threshold", emit, cancel)
        emit(ev.MessageStart())
        try:
            completion = await _complete(state, system, emit, cancel)
        except LLMError as err:
            stop = "cancelled" if err.kind == "cancelled" else "error"
            error = None if stop == "cancelled" else err.message
            emit(ev.TurnEnd(step, 0, "aborted" if stop == "cancelled" else "error", error))
            break
        run_usage = run_usage + completion.usage
        state.usage = state.usage + completion.usage
        state.last_input_tokens = completion.usage.input_tokens
        text_out = completion.text
        for t in state.hooks.text_transforms:
            try:
                text_out = t.transform_text(text_out)
            except Exception as exc:
                emit(ev.Notice("error", f"a text transform failed: {exc}"))
        completion.text = await _message_transforms(state, text_out, emit)
        message = _assistant_message(completion)
        _append(state, message, completion.usage)
        emit(ev.MessageEnd(message, usage_dict(completion.usage), completion.stop_reason))
        answer = completion.text
        if not completion.tool_calls:
            emit(ev.TurnEnd(step, 0, "length" if completion.stop_reason == "length" else "end_turn"))
            break
        await _run_tools(state, completion.tool_calls, emit, cancel, refused)
        emit(ev.TurnEnd(step, len(completion.tool_calls), "tool_use"))
        if cancel.is_set():
            stop = "cancelled"
            break
    end = ev.AgentEnd(answer, stop, usage_dict(run_usage), error, refused)
    emit(end)
    return end
