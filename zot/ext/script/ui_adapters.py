"""A script's tool renderer and editor interceptor as zot uses them (ui_frames.py registers them).

- `ScriptRenderer` renders one tool's results: `render_request` out, `render_response {header,
  body}` back within `RENDER_TIMEOUT`. No answer in time, an error or a dead script: (None, None),
  which the REPL draws its own way; the failure is reported once per script process.
- `EditorInterceptor` gets the editor's keys: `editor_key` out, `editor_key_response {action, key,
  text, render}` back within `EDITOR_TIMEOUT`; on timeout or failure the key passes through (the
  person keeps typing), reported once. `keys` limits which keys make the round trip (None: all).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zot.ext.script import protocol
from zot.ext.script.process import ScriptDown, ScriptTimeout

if TYPE_CHECKING:
    from zot.ext.script.extension import ScriptExtension

RENDER_TIMEOUT = 0.5          # seconds a script gets to render a tool result before zot draws it
EDITOR_TIMEOUT = 0.25         # seconds a key waits for the interceptor before it passes through
EDITOR_ACTIONS = ("passthrough", "consumed", "remap", "submit")
PASS = {"action": "passthrough"}


@dataclass
class ScriptRenderer:
    ext: "ScriptExtension"
    tool: str
    display_name: str = ""
    format: str = "text"
    collapsed: int = 3
    colors: dict = field(default_factory=dict)
    displaced: Any = None        # the manifest renderer this one stands in for, back when the script stops
    error: str | None = None

    @property
    def source(self) -> str:
        return f"{self.ext.name} (script)"

    def header(self, args: dict[str, Any]) -> str | None:
        return None              # the live line is zot's own; the printed block asks the script

    async def render(self, args: dict[str, Any], result: str, is_error: bool,
                     width: int) -> tuple[str | None, str | None]:
        frame = {"type": "render_request", "tool": self.tool, "args": args, "result": result,
                 "is_error": is_error, "width": width}
        try:
            answer = await self.ext.request(frame, RENDER_TIMEOUT)
        except ScriptTimeout:
            self.ext.report_once("render", f"did not render a `{self.tool}` result within {RENDER_TIMEOUT:g}s; "
                                 "zot drew it")
            return None, None
        except (ScriptDown, protocol.FrameError):
            return None, None
        if answer.get("type") == "error":
            self.error = protocol.text(answer, "message", "an error")
            return None, None
        header, body = answer.get("header"), answer.get("body")
        return (header if isinstance(header, str) and header.strip() else None,
                body if isinstance(body, str) and body.strip() else None)


def publish_renderer(live: Any, renderer: ScriptRenderer) -> None:
    current = live.renderers.get(renderer.tool)
    if current is not None and getattr(current, "ext", None) is not renderer.ext:
        renderer.displaced = current if not isinstance(current, ScriptRenderer) else current.displaced
    live.renderers[renderer.tool] = renderer


def withdraw_renderers(live: Any, ext: Any) -> None:
    """A stopped script's renderers go; the manifest renderers they stood in for come back."""
    for tool, renderer in list(live.renderers.items()):
        if isinstance(renderer, ScriptRenderer) and renderer.ext is ext:
            if renderer.displaced is not None:
                live.renderers[tool] = renderer.displaced
            else:
                del live.renderers[tool]


@dataclass
class EditorInterceptor:
    """KIT's editor interceptor over the script pipe. `render` is the wrapper: `mode` (a mode line
    above the input), `prompt` (instead of `› `), `below` (a line under the input), `style`."""

    ext: "ScriptExtension"
    keys: frozenset[str] | None = None
    render: dict = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.ext.name

    def wants(self, key: str) -> bool:
        return self.keys is None or key in self.keys

    async def key(self, key: str, text: str, cursor: int) -> dict[str, Any]:
        """What to do with `key`: {action, key, text, render} (passthrough when unsure)."""
        frame = {"type": "editor_key", "key": key, "text": text, "cursor": cursor}
        try:
            answer = await self.ext.request(frame, EDITOR_TIMEOUT)
        except ScriptTimeout:
            self.ext.report_once("editor", f"did not answer a key within {EDITOR_TIMEOUT * 1000:g} ms; "
                                 "keys pass through while it is slow")
            return PASS
        except (ScriptDown, protocol.FrameError):
            return PASS
        action = protocol.text(answer, "action", "passthrough")
        if answer.get("type") == "error" or action not in EDITOR_ACTIONS:
            return PASS
        if isinstance(answer.get("render"), dict):
            self.render = dict(answer["render"])
        out: dict[str, Any] = {"action": action}
        if action == "remap":
            out["key"] = protocol.text(answer, "key")
        if action == "submit" and isinstance(answer.get("text"), str):
            out["text"] = answer["text"]
        return out
