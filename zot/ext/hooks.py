"""The loop's extension points. The extension engine fills them; empty, they change nothing.

Each point says when it runs, how several handlers combine and what a failure does. Handlers
never raise into the loop: the pipeline catches every exception and applies the handler's
`on_error` (deny for guards by default, allow for observers).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Protocol

from zot.tools.base import ToolResult


def copied(value: Any) -> Any:
    """A deep copy of JSON-like arguments, several times faster than `copy.deepcopy` (which a
    chain of rewrites calls four times per step); anything else is deep-copied."""
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copied(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return copy.deepcopy(value)


@dataclass(frozen=True)
class Source:
    """Who made a decision or a change: extension, rule, and where the rule is written."""

    extension: str
    rule: str
    location: str = ""          # file:line

    def label(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.extension}:{self.rule}{where}"

    def to_json(self) -> dict[str, str]:
        return dict(self.fields())

    def fields(self) -> dict[str, str]:
        """`to_json`, made once and shared: for callers that copy it into a dict of their own
        (a verdict or a change, thousands per call at 5,000 rules)."""
        held = self.__dict__.get("_json")
        if held is None:
            held = {"extension": self.extension, "rule": self.rule, "location": self.location}
            object.__setattr__(self, "_json", held)
        return held


@dataclass
class CallInfo:
    """A tool call as the pipeline sees it; `args` are the current (possibly rewritten) arguments."""

    id: str
    tool: str
    args: dict[str, Any]
    original_args: dict[str, Any]
    cwd: str
    project: str
    facts: dict[str, Any] = field(default_factory=dict)   # model, session usage: for expressions


@dataclass(slots=True)
class Verdict:
    """One rule's opinion on a call. `decision`: deny | confirm | allow | warn."""

    decision: str
    reason: str
    source: Source
    shadow: bool = False        # logged, not enforced
    error: str | None = None    # set when the rule failed and on_error decided

    def to_json(self) -> dict[str, Any]:
        return {"decision": self.decision, "reason": self.reason, "shadow": self.shadow,
                "error": self.error, **self.source.fields()}


@dataclass
class Rewrite:
    """A rewriter's new arguments, or None when it did not apply."""

    args: dict[str, Any]
    source: Source
    error: str | None = None
    deny: bool = False          # the rewriter failed and its on_error is deny: block the call
    shadow: bool = False        # `mode: shadow`: recorded as what it would do, not applied
    fresh: bool = False         # `args` is a new object nobody else holds (no copy needed)


class Rewriter(Protocol):
    """Runs first, before guards, in priority order then load order; each sees the previous result.
    A failure keeps the arguments unchanged and is reported (or denies, if its on_error says so)."""

    priority: int

    async def rewrite(self, call: CallInfo) -> Rewrite | None: ...


class Guard(Protocol):
    """Judges the final arguments. Every guard runs; the strictest verdict wins (deny > confirm >
    allow). A failure yields a verdict from the guard's on_error, never a silent allow."""

    priority: int

    async def judge(self, call: CallInfo) -> list[Verdict]: ...


class ResultTransform(Protocol):
    """Runs after execution on what the model will see, chained in priority order. A failure leaves
    the result as it was and is reported."""

    priority: int

    async def transform(self, call: CallInfo, result: ToolResult) -> ToolResult: ...


@dataclass
class ConfirmRequest:
    tool: str
    args: dict[str, Any]
    original_args: dict[str, Any]
    reasons: list[str]
    sources: list[Source]


ConfirmFn = Callable[[ConfirmRequest], Awaitable[str]]   # returns "yes" | "no" | "always"


@dataclass
class InputOutcome:
    text: str
    handled: bool = False       # consumed: nothing is sent to the model
    source: Source | None = None


class InputTransform(Protocol):
    """Runs on each user input before the turn, chained; `handled` stops the chain and the turn.
    `source` says where the input came from: interactive | cli | rpc | script | queue."""

    priority: int

    async def transform(self, text: str, source: str = "interactive") -> InputOutcome: ...


class SystemFragment(Protocol):
    """Adds text to the system prompt at `before_agent_start`; fragments are joined in order.
    A failure drops that fragment and is reported."""

    priority: int

    async def fragment(self, facts: dict[str, Any]) -> str | None: ...


class TextTransform(Protocol):
    """Changes assistant text at `message_end` (redact, truncate), chained."""

    priority: int

    def transform_text(self, text: str) -> str: ...


class TurnGuard(Protocol):
    """Runs at each `turn_start`, after the event and before the model is called, in priority
    order. The first verdict returned stops the run: the turn ends, its reason is shown to the user
    and the run ends with stop_reason "blocked". A handler that raises is reported and ignored
    (script intercepts apply their own `on_error` and return a verdict instead)."""

    priority: int

    async def before_turn(self, step: int) -> Verdict | None: ...


class MessageTransform(Protocol):
    """Changes the assistant's text at `message_end`, after the TextTransforms, chained in priority
    order; "" hides it. Unlike a TextTransform it may wait (a script's round trip). A handler that
    raises leaves the text unchanged and is reported."""

    priority: int

    async def transform_message(self, text: str) -> str: ...


class SwitchGuard(Protocol):
    """Runs before the session is switched (`/new`, `/sessions`, rpc `clear`), in priority order.
    The first verdict returned cancels the switch and its reason is shown; a failure is decided
    by the handler's own `on_error` (a script's intercept returns a deny verdict)."""

    priority: int

    async def before_switch(self, fields: dict[str, Any]) -> Verdict | None: ...


@dataclass
class CompactAnswer:
    """What a compaction hook decided: `cancel` (a verdict: the compaction does not happen) or
    `summary` (used instead of asking the model); both None (false): compact as usual."""

    cancel: Verdict | None = None
    summary: str | None = None

    def __bool__(self) -> bool:
        return self.cancel is not None or self.summary is not None


class CompactHook(Protocol):
    """Runs before a compaction, in priority order, with what would be summarised. The first
    answer that cancels or gives a summary decides; a failure is decided by its `on_error`."""

    priority: int

    async def before_compact(self, fields: dict[str, Any]) -> CompactAnswer | None: ...


class Observer(Protocol):
    """Sees every event named in `events` after it is emitted, in the background. Observers run in
    registration order per event and cannot change or block anything; a failure is reported."""

    events: tuple[str, ...]

    async def observe(self, event: dict[str, Any], notify: Callable[[str, str, str], None]) -> None: ...


class Services:
    """What an observer is handed besides the event: call it to notify (`services(level, text,
    source)`, as observers always have), or `send_message` a user message into the session (a
    YAML hook's `send`). The session sets `sender` when it starts; before that, and where there
    is no session, sending is refused with a clear error."""

    def __init__(self, notify: Callable[..., None]) -> None:
        self.notify = notify
        self.sender: Callable[[str, bool, str], str] | None = None

    def __call__(self, level: str, text: str, source: str = "zot", *more: Any) -> None:
        self.notify(level, text, source, *more)      # more: a YAML `block` hook's style

    def send_message(self, text: str, trigger: bool, origin: str) -> str:
        if self.sender is None:
            raise RuntimeError("there is no session here to send a message to")
        return self.sender(text, trigger, origin)


@dataclass
class Hooks:
    rewriters: list[Rewriter] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    result_transforms: list[ResultTransform] = field(default_factory=list)
    input_transforms: list[InputTransform] = field(default_factory=list)
    system_fragments: list[SystemFragment] = field(default_factory=list)
    text_transforms: list[TextTransform] = field(default_factory=list)
    observers: list[Observer] = field(default_factory=list)
    turn_guards: list[TurnGuard] = field(default_factory=list)
    message_transforms: list[MessageTransform] = field(default_factory=list)
    switch_guards: list[SwitchGuard] = field(default_factory=list)
    compact_hooks: list[CompactHook] = field(default_factory=list)
    confirm: ConfirmFn | None = None     # set when there is a UI that can ask

    SORTED = ("rewriters", "guards", "result_transforms", "input_transforms", "system_fragments",
              "text_transforms", "turn_guards", "message_transforms", "switch_guards", "compact_hooks")

    use_index = True     # False: ask every guard of the tool, even one written like a guard that
                         # did not match (the index's tests compare both ways)

    def guards_for(self, tool: str, args: dict[str, Any], call: CallInfo | None = None) -> list[Guard]:
        """The guards that can have an opinion on this call, in order: an index by tool name, then
        (given the call) by what each rule needs to match (zot.ext.guard_index): a program the
        shell line runs, a string in an argument, a path the call writes. Skipping is only an
        optimisation: a skipped guard could not have matched."""
        chosen = self._for_tool("guards", tool)
        if call is not None and self.use_index:
            return self._index("guards", tool, chosen).candidates(call)
        command = args.get("command") if tool == "bash" else None
        if not isinstance(command, str) or not any(getattr(g, "programs", None) for g in chosen):
            return chosen
        from zot.ext.shell import parse_command_line

        line = parse_command_line(command)
        if line.error or any(c.unknown is not None or c.hidden is not None for c in line.commands):
            return chosen     # a program named at run time, or hidden code: any guard may match
        running = set(line.programs())
        return [g for g in chosen if not getattr(g, "programs", None) or g.programs & running]

    def rewriters_for(self, call: CallInfo) -> Any:
        """The rewriters that may apply, in order, selected again for the new arguments after
        each rewrite (the index of `guards_for`)."""
        chosen = self._for_tool("rewriters", call.tool)
        if not self.use_index:
            return iter(chosen)
        return self._index("rewriters", call.tool, chosen).chain(call)

    def _for_tool(self, name: str, tool: str) -> list:
        """The handlers of one list that apply to a tool (no `tools`, or a name or glob in it)."""
        index = self._cache(name)
        chosen = index.get(tool)
        if chosen is None:
            import fnmatch

            chosen = [g for g in getattr(self, name)
                      if not getattr(g, "tools", None) or any(fnmatch.fnmatchcase(tool, p) for p in g.tools)]
            index[tool] = chosen
        return chosen

    def _index(self, name: str, tool: str, chosen: list) -> Any:
        index = self._cache(name)
        key = ("index", tool)
        found = index.get(key)
        if found is None:
            from zot.ext.guard_index import RuleIndex

            found = index[key] = RuleIndex(chosen)
        return found

    def _cache(self, name: str) -> dict:
        """Per-list caches, dropped when a handler was added, or the list replaced (`add`,
        `remove`, a reload)."""
        index = self.__dict__.setdefault(f"_by_tool_{name}", {})
        handlers = getattr(self, name)
        if index.get("_size") != len(handlers) or index.get("_list") is not handlers:
            index.clear()
            index["_size"], index["_list"] = len(handlers), handlers
        return index

    def sort(self) -> None:
        """Higher priority first, then load order (scope, then extension name); the sort is
        stable, so the order rules are written in breaks the remaining ties."""
        for name in self.SORTED:
            getattr(self, name).sort(key=hook_order)
        for key in [k for k in self.__dict__ if k.startswith("_by_tool_")]:
            del self.__dict__[key]      # the per-tool lists and indexes hold the old order

    def add(self, name: str, *handlers: Any) -> None:
        """Add handlers to one list while the agent runs: a new sorted list replaces the old one,
        so a loop iterating the old list (a tool call in progress) is not disturbed."""
        items = [*getattr(self, name), *handlers]
        setattr(self, name, sorted(items, key=hook_order) if name in self.SORTED else items)

    def remove(self, name: str, drop: Callable[[Any], bool]) -> None:
        setattr(self, name, [h for h in getattr(self, name) if not drop(h)])


def hook_order(handler: Any) -> tuple[int, int]:
    """(higher priority first, then load order). Manifest rules know their extension's order
    (`ext.order`), script adapters their own (`order`); a handler with neither goes last."""
    order = getattr(handler, "order", None)
    if not isinstance(order, int):
        order = getattr(getattr(handler, "ext", None), "order", None)
    return (-int(getattr(handler, "priority", 0) or 0), order if isinstance(order, int) else 1 << 30)


async def first_answer(handlers: list[Any], ask: Callable[[Any], Awaitable[Any]],
                       report: Callable[[str], None], what: str) -> Any:
    """The first true answer of `ask(handler)` over the handlers, in order (turn guards, switch
    guards, compaction hooks: the first that has something to say decides); None when none has.
    A handler that raises is reported as "a WHAT hook failed: ..." and skipped."""
    for handler in handlers:
        try:
            answer = await ask(handler)
        except Exception as exc:
            report(f"a {what} hook failed: {exc}")
            continue
        if answer:
            return answer
    return None
