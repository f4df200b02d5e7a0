"""The REPL's bus listener: agent events become transcript lines and live lines.

The REPL only listens (DESIGN: "every mode only listens"). Assistant text streams into a live
area below the transcript as it arrives; when the message ends, its final text (after any
redaction) is printed above as Markdown and the live copy disappears in the same step. Tool calls
are live spinner lines while they run and one compact printed block when their result comes.
A stream cut short (Esc, an error) is printed as it was, marked as interrupted.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from zot.ui import ansi, blocks, render
from zot.ui.toolline import ToolLines

if TYPE_CHECKING:   # the events module is imported by the agent after the first paint
    from zot.agent import events as ev

Fragments = list[tuple[str, str]]

STREAM_FPS = 30
NOTICE_MARK = {"info": "·", "warning": "⚠", "error": "✗"}


@dataclass(eq=False)
class Part:
    """One assistant message while it streams."""

    text: str = ""
    ended: bool = False


class Transcript:
    def __init__(self, printer: Any, tools: ToolLines, invalidate: Callable[[], None],
                 columns: Callable[[], int]) -> None:
        self.printer = printer
        self.tools = tools
        self.invalidate = invalidate
        self.columns = columns
        self.parts: list[Part] = []
        self.activity = ""
        self._redraw_due = False

    # ---------------------------------------------------------------- the listener

    def __call__(self, event: Any) -> None:
        handler = getattr(self, "on_" + event.type, None)
        if handler is not None:
            handler(event)
            if event.type == "message_update":
                self.invalidate_stream()
            else:
                self.invalidate()

    def invalidate_stream(self) -> None:
        """Redraw for streamed text at most `STREAM_FPS` times a second: a fast stream must not
        take the frames a keystroke needs."""
        if self._redraw_due:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.invalidate()
            return
        self._redraw_due = True
        loop.call_later(1 / STREAM_FPS, self._stream_redraw)

    def _stream_redraw(self) -> None:
        self._redraw_due = False
        self.invalidate()

    def on_agent_start(self, event: ev.AgentStart) -> None:
        self.activity = "thinking"

    def on_message_start(self, event: ev.MessageStart) -> None:
        self.parts.append(Part())
        self.activity = "thinking"

    def on_message_update(self, event: ev.MessageUpdate) -> None:
        if not self.parts or self.parts[-1].ended:
            self.parts.append(Part())
        self.parts[-1].text += event.delta
        self.activity = "writing"

    def on_message_end(self, event: ev.MessageEnd) -> None:
        part = next((p for p in reversed(self.parts) if not p.ended), None)
        content = event.message.get("content") if isinstance(event.message, dict) else None
        if part is None:
            part = Part()
            self.parts.append(part)
        part.ended = True
        if isinstance(content, str) and content.strip():
            self.printer.print(self.answer(content), after=lambda: self._drop(part))
        else:
            self._drop(part)

    def on_tool_call(self, event: ev.ToolCall) -> None:
        self.tools.call(event.id, event.name, event.args)
        self.activity = f"running {event.name}"

    def on_tool_execution_start(self, event: ev.ToolExecutionStart) -> None:
        self.tools.started(event.id, event.args)

    def on_tool_execution_end(self, event: ev.ToolExecutionEnd) -> None:
        self.tools.ended(event.id, event.duration)

    def on_tool_result(self, event: ev.ToolResultEvent) -> None:
        renderer = None if event.blocked else self.tools.renderer(event.name)
        if hasattr(renderer, "render"):       # a script renders it: keep its place, fill it when it answers
            slot = self.printer.reserve()
            asyncio.get_running_loop().create_task(self._render_later(slot, renderer, event))
        else:
            self.printer.print(self.tools.result(event, self.columns()))
        self.activity = "thinking"

    async def _render_later(self, slot: list, renderer: Any, event: ev.ToolResultEvent) -> None:
        """A script's rendering of a result (bounded by its timeout); zot's own when it gives none."""
        answer: tuple[str | None, str | None] = (None, None)
        try:
            args = event.args if isinstance(event.args, dict) else {}
            shown = event.display if event.display is not None else event.content
            answer = await renderer.render(args, shown or "", event.is_error, self.columns())
        except Exception:   # a renderer never loses a result
            pass
        finally:
            self.printer.fill(slot, self.tools.result(event, self.columns(), rendered_by=answer))

    def on_turn_end(self, event: ev.TurnEnd) -> None:
        self.flush_interrupted()

    def on_agent_end(self, event: ev.AgentEnd) -> None:
        self.flush_interrupted()
        self.tools.running.clear()
        self.activity = ""
        if event.error:
            self.printer.print([("class:notice.error", "✗ error: "), ("", event.error)])
        elif event.stop_reason == "cancelled":
            self.printer.print([("class:notice.warning", "⏹ interrupted")])
        elif event.stop_reason == "max_steps":
            self.printer.print([("class:notice.warning", "⏹ stopped: the step limit (--max-steps) was reached")])

    def on_before_compact(self, event: ev.BeforeCompact) -> None:
        self.activity = "compacting"
        self.printer.print([("class:muted", f"· compacting {event.messages} messages ({event.reason})…")])

    def on_model_change(self, event: ev.ModelChange) -> None:
        self.printer.print([("class:muted", "· model: "), ("class:status.model", event.model)])

    def on_notice(self, event: ev.Notice) -> None:
        if event.block is not None:
            self.block(event.text, event.block, event.source)
        else:
            self.notice(event.level, event.text, event.source)

    def on_command_output(self, event: ev.CommandOutput) -> None:
        if event.action == "error" or event.is_error:
            self.printer.print([("class:notice.error", f"✗ /{event.command}: "), ("", event.text or "failed")])
        elif event.action == "notify":   # an extension's command names its extension; zot's own do not
            self.notice("info", event.text, event.command.split(":")[0] if ":" in event.command else "zot")
        elif event.action == "display" and event.text:
            self.printer.print(ansi.fragments(event.text))
        elif event.action == "block":
            self.block(event.text, event.block or {}, event.command.split(":")[0] if ":" in event.command else "")

    # ---------------------------------------------------------------- helpers

    def notice(self, level: str, text: str, source: str = "zot") -> None:
        mark = NOTICE_MARK.get(level, "·")
        style = f"class:notice.{level if level in NOTICE_MARK else 'info'}"
        frags: Fragments = [(style, f"{mark} "), *ansi.fragments(text, style if level != "info" else "")]
        if source and source != "zot":
            frags.append(("class:muted", f"  ({source})"))
        self.printer.print(frags)

    def block(self, text: str, block: dict, source: str = "") -> None:
        """A styled block (a hook's or command's `block:`, a script's `print_block`)."""
        look = blocks.Look.of(block.get("style"))
        if look.border is None:
            look.border = "info"
        subtitle = str(block.get("subtitle") or "")
        self.printer.print(blocks.draw(text, str(block.get("format") or "text"), look, self.columns(),
                                       subtitle=subtitle))

    def answer(self, text: str) -> Fragments:
        return render.markdown(text, self.columns())

    def flush_interrupted(self) -> None:
        """Print streamed text whose message never ended (interrupted or failed), marked so."""
        for part in [p for p in self.parts if not p.ended]:
            part.ended = True
            if part.text.strip():
                frags = [("", part.text.rstrip() + " "), ("class:muted", "[interrupted]")]
                self.printer.print(frags, after=lambda part=part: self._drop(part))
            else:
                self._drop(part)

    def _drop(self, part: Part) -> None:
        if part in self.parts:
            self.parts.remove(part)
        self.invalidate()

    # ---------------------------------------------------------------- live area

    @property
    def streaming(self) -> bool:
        return any(p.text for p in self.parts)

    def live_text(self, max_lines: int, width: int = 80) -> str:
        """The tail of what is streaming (and not yet printed): at most `max_lines` lines and
        as many screens' worth of characters, so a long answer costs the same to draw as a short one."""
        text = "\n\n".join(p.text.rstrip("\n") for p in self.parts if p.text)
        width = max(width, 20)
        rows_left = max_lines
        kept: list[str] = []
        for line in reversed(text.split("\n")):
            rows = max(1, -(-len(line) // width))
            if rows >= rows_left:
                # cut whole screen rows off the front, so the rows on screen do not shift
                kept.append(line[(rows - rows_left) * width:])
                break
            kept.append(line)
            rows_left -= rows
        return "\n".join(reversed(kept))
