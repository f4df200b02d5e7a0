"""A script's tools, commands and widgets as zot sees them.

- `ScriptTool` is a zot Tool: `tool_call` out, `tool_result` back within `timeouts.tool`.
  Text blocks become the content the model reads; an image becomes a short `[image MIME, N
  bytes]` line there, and its data, kept in `details["images"]`, reaches the model in a user
  message right after the tool results (zot.agent.loop.tool_images). No answer in time, a crash or
  an `error` frame is an error result; the loop goes on.
- `ScriptCommand` behaves like a manifest Command in the CommandTable: `command_invoked` out,
  `command_response` back within `timeouts.command`, its action mapped to a command Outcome.
- `ScriptWidget` is text the script sets (`register_widget`, `widget_update`; styled with
  `set_widget` / `remove_widget`, zot/ext/script/ui_frames.py).
They exist while their script runs: a failed script's are withdrawn until it restarts.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zot.ext.compile.commands import Outcome
from zot.ext.script import protocol
from zot.ext.script.process import ScriptDown, ScriptTimeout
from zot.ext.script.ui import Panel
from zot.tools.base import ToolContext, ToolResult

if TYPE_CHECKING:
    from zot.ext.script.extension import ScriptExtension

EMPTY_PARAMS: dict[str, Any] = {"type": "object", "properties": {}}


def image_size(data: str) -> int:
    try:
        return len(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        return len(data)


def tool_result(frame: dict[str, Any]) -> ToolResult:
    """`tool_result.content` blocks -> a ToolResult (text for the model, images in details)."""
    texts: list[str] = []
    images: list[dict[str, Any]] = []
    content = frame.get("content")
    if isinstance(content, str):      # lenient: a bare string is one text block
        content = [{"type": "text", "text": content}]
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "image":
            data = protocol.text(block, "data")
            mime = protocol.text(block, "mime_type", protocol.text(block, "mimeType", "image"))
            images.append({"mime_type": mime, "data": data})
            texts.append(f"[image {mime}, {image_size(data)} bytes]")
        elif "text" in block:
            texts.append(protocol.text(block, "text"))
    details = {"images": images} if images else {}
    return ToolResult("\n".join(texts), protocol.flag(frame, "is_error"), details=details)


@dataclass
class ScriptTool:
    ext: "ScriptExtension"
    name: str
    description: str
    parameters: dict[str, Any] = field(default_factory=lambda: dict(EMPTY_PARAMS))

    @property
    def source(self) -> str:
        return f"ext:{self.ext.name} ({self.ext.spec.label})"

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> ToolResult:
        """Never raises: every failure is an error result the model can read."""
        timeout = self.ext.spec.timeouts.tool
        request = self.ext.request({"type": "tool_call", "name": self.name, "args": args}, timeout)
        try:
            frame = await _unless_cancelled(request, ctx)
        except ScriptTimeout:
            return ToolResult(f"the {self.name} tool (extension {self.ext.name}) did not answer within "
                              f"{timeout:g}s", True)
        except (ScriptDown, protocol.FrameError) as exc:
            return ToolResult(f"the {self.name} tool failed: extension {self.ext.name} is not running ({exc})", True)
        if frame is None:
            return ToolResult("cancelled by the user while the tool ran", True)
        if frame["type"] == "error":
            return ToolResult(f"the {self.name} tool failed: {protocol.text(frame, 'message', 'an error')}", True)
        return tool_result(frame)


async def _unless_cancelled(request, ctx: ToolContext) -> dict[str, Any] | None:
    """The request's answer, or None when the user cancels first (the late answer is dropped)."""
    task = asyncio.ensure_future(request)
    cancel = asyncio.ensure_future(ctx.cancel.wait())
    try:
        done, _ = await asyncio.wait({task, cancel}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        cancel.cancel()
    if task in done:
        return task.result()
    task.cancel()
    return None


@dataclass
class ScriptCommand:
    """What CommandTable and the modes use of a Command: name, ext.name, qualified, description,
    usage(), completions(), invoke()."""

    ext: "ScriptExtension"
    name: str
    description: str = ""
    args: list[dict] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{self.ext.name}:{self.name}"

    def usage(self) -> str:
        return f"/{self.name} [text]"

    def completions(self, position: int) -> list[str]:
        return []

    async def invoke(self, text: str, cwd: Path, facts: dict[str, Any] | None = None) -> Outcome:
        """Never raises: a timeout, a dead script or an `error` answer is an error outcome."""
        timeout = self.ext.spec.timeouts.command
        try:
            frame = await self.ext.request({"type": "command_invoked", "name": self.name, "args": text}, timeout)
        except ScriptTimeout:
            return Outcome("error", f"/{self.qualified} did not answer within {timeout:g}s", True)
        except (ScriptDown, protocol.FrameError) as exc:
            return Outcome("error", f"/{self.qualified} failed: extension {self.ext.name} is not running ({exc})",
                           True)
        if frame["type"] == "error":
            return Outcome("error", f"/{self.qualified} failed: {protocol.text(frame, 'message', 'an error')}", True)
        return await command_outcome(self.ext, self.qualified, frame)


async def command_outcome(ext: "ScriptExtension", qualified: str, frame: dict[str, Any]) -> Outcome:
    """prompt / insert / display -> the same Outcome; open_panel -> the UI (no UI: a notify
    outcome with the panel's text); noop -> display ""; error -> an error outcome. A non-empty
    `error` field is an error outcome whatever the action (the Go zot's usage errors are
    `action: noop` with `error`), so `-p` exits 1 and the action is not carried out."""
    action = protocol.text(frame, "action", "noop")
    failure = protocol.text(frame, "error").strip()
    if failure:
        return Outcome("error", f"/{qualified}: {failure}", True)
    if action in ("prompt", "insert", "display"):
        return Outcome(action, protocol.text(frame, action))
    if action == "open_panel":
        # the panel as an object (`open_panel` or `panel`), or its fields on the response itself
        node = protocol.mapping(frame, "open_panel") or protocol.mapping(frame, "panel") or frame
        panel = Panel.from_frame(node, ext.name)
        if await ext.show_panel(panel):
            return Outcome("display", "")
        return Outcome("notify", f"/{qualified} opened a panel, which needs the interactive UI:\n{panel.as_text()}")
    if action == "error":
        return Outcome("error", f"/{qualified}: failed", True)
    if action == "noop":
        return Outcome("display", "")
    return Outcome("error", f"/{qualified} answered with an unknown action `{action}`", True)


@dataclass
class ScriptWidget:
    """Looks like a manifest Widget to the UI; its text is whatever the script last sent."""

    ext: "ScriptExtension"
    name: str
    placement: str = "status"
    last: str = ""
    order: int = 0
    events: tuple[str, ...] = ()
    every: float | None = None
    error: str | None = None
    # styled widgets (ui_frames.py): how the text is drawn
    format: str = "text"
    style: dict = field(default_factory=dict)
    priority: int = 0
    max_height: int = 10

    @property
    def qualified(self) -> str:
        return f"{self.ext.name}:{self.name}"

    def due(self, now: float | None = None) -> bool:
        return False

    async def refresh(self, cwd: Path, facts: dict[str, Any] | None = None) -> str:
        return self.last
