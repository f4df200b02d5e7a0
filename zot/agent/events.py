"""Every event the agent emits: frozen dataclasses, one closed union.

Every mode (REPL, `-p`, `--json`, `rpc`) drives the same loop and only listens to these. `--json`
is one `to_json()` dump per event. Extensions hook the same names.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Union


@dataclass(frozen=True)
class _Event:
    type: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass(frozen=True)
class SessionStart(_Event):
    type: ClassVar[str] = "session_start"
    session_id: str
    cwd: str
    model: str
    session_path: str | None = None


@dataclass(frozen=True)
class Input(_Event):
    type: ClassVar[str] = "input"
    text: str
    source: str = "interactive"   # interactive | cli | rpc | script | queue


@dataclass(frozen=True)
class BeforeAgentStart(_Event):
    type: ClassVar[str] = "before_agent_start"
    prompt: str


@dataclass(frozen=True)
class AgentStart(_Event):
    type: ClassVar[str] = "agent_start"
    model: str


@dataclass(frozen=True)
class TurnStart(_Event):
    type: ClassVar[str] = "turn_start"
    turn: int


@dataclass(frozen=True)
class MessageStart(_Event):
    type: ClassVar[str] = "message_start"
    role: str = "assistant"


@dataclass(frozen=True)
class MessageUpdate(_Event):
    type: ClassVar[str] = "message_update"
    delta: str


@dataclass(frozen=True)
class MessageEnd(_Event):
    type: ClassVar[str] = "message_end"
    message: dict[str, Any]
    usage: dict[str, Any] = field(default_factory=dict)
    stop_reason: str = ""      # the provider's finish reason: stop, tool_calls, length, ...


@dataclass(frozen=True)
class ToolCall(_Event):
    type: ClassVar[str] = "tool_call"
    id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolExecutionStart(_Event):
    type: ClassVar[str] = "tool_execution_start"
    id: str
    name: str
    args: dict[str, Any]
    original_args: dict[str, Any] | None = None


@dataclass(frozen=True)
class ToolProgress(_Event):
    """A running tool says it is still at work. `text` is a status line (how long, how much
    output), never the output itself: the output reaches anyone only through `tool_result`, after
    the result hooks (redaction) have run."""

    type: ClassVar[str] = "tool_progress"
    id: str
    name: str
    text: str


@dataclass(frozen=True)
class ToolExecutionEnd(_Event):
    type: ClassVar[str] = "tool_execution_end"
    id: str
    name: str
    is_error: bool
    duration: float


@dataclass(frozen=True)
class ToolResultEvent(_Event):
    type: ClassVar[str] = "tool_result"
    id: str
    name: str
    args: dict[str, Any]
    content: str
    is_error: bool
    blocked: bool = False
    display: str | None = None
    decision: dict[str, Any] | None = None


@dataclass(frozen=True)
class TurnEnd(_Event):
    type: ClassVar[str] = "turn_end"
    turn: int
    tool_calls: int
    # why the turn ended, in the Go zot's words: end_turn | tool_use | length | aborted | error | blocked
    stop: str = "end_turn"
    error: str | None = None


@dataclass(frozen=True)
class AgentEnd(_Event):
    type: ClassVar[str] = "agent_end"
    answer: str
    stop_reason: str           # stop | handled | max_steps | blocked | error | cancelled
    usage: dict[str, Any]
    error: str | None = None
    # the tool calls of this run that did not run: {id, tool, args, decision, answered, reason, rules}
    refused: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ModelChange(_Event):
    type: ClassVar[str] = "model_change"
    model: str
    previous: str | None


@dataclass(frozen=True)
class BeforeCompact(_Event):
    type: ClassVar[str] = "before_compact"
    messages: int
    reason: str                # threshold | overflow | manual


@dataclass(frozen=True)
class SessionShutdown(_Event):
    type: ClassVar[str] = "session_shutdown"
    session_id: str


@dataclass(frozen=True)
class Notice(_Event):
    """Not a pipeline event: a message for the user (warnings, extension notifications)."""

    type: ClassVar[str] = "notice"
    level: str                 # info | warning | error
    text: str
    source: str = "zot"
    block: dict[str, Any] | None = None   # drawn as a styled block: {format, style, subtitle}

    def to_json(self) -> dict[str, Any]:
        return _without_empty_block(super().to_json())


@dataclass(frozen=True)
class CommandOutput(_Event):
    """Not a pipeline event: what a slash command produced (display, notify, insert, error)."""

    type: ClassVar[str] = "command_output"
    command: str
    action: str                # display | notify | insert | prompt | error | block | clear | exit
    text: str
    is_error: bool = False
    block: dict[str, Any] | None = None   # with action `block`: {format, style, subtitle}

    def to_json(self) -> dict[str, Any]:
        return _without_empty_block(super().to_json())


def _without_empty_block(data: dict[str, Any]) -> dict[str, Any]:
    """`block` appears in --json and rpc only when there is one (older readers see no change)."""
    if data.get("block") is None:
        data.pop("block", None)
    return data


Event = Union[SessionStart, Input, BeforeAgentStart, AgentStart, TurnStart, MessageStart, MessageUpdate,
              MessageEnd, ToolCall, ToolExecutionStart, ToolProgress, ToolExecutionEnd, ToolResultEvent, TurnEnd, AgentEnd,
              ModelChange, BeforeCompact, SessionShutdown, Notice, CommandOutput]

EVENT_NAMES = ("session_start", "input", "before_agent_start", "agent_start", "turn_start", "message_start",
               "message_update", "message_end", "tool_call", "tool_execution_start", "tool_execution_end",
               "tool_result", "turn_end", "agent_end", "model_change", "before_compact", "session_shutdown")
