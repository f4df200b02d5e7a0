"""compile_renderers: `renderers:` entries say how the REPL shows calls of one tool.

A renderer has a display name, a header template over the arguments (`args`, `tool`,
`params`), a body template over the result (also `result` and `is_error`) drawn as text,
Markdown or a diff, colours for success and error, and how many body lines show before the
rest is collapsed. It only changes what the screen shows: the model and the session see the
tool's result as it was. A template that fails (or renders nothing) makes the REPL draw that
part its own way, so a broken renderer never hides a result; the error is kept for `/ext`.

Several extensions may render one tool: the nearest extension's renderer is used (the same order
as everything else: -e, project, global, shipped) and `zot ext validate` warns about the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zot.ext import templates
from zot.ext.compile.context import ExtCtx

DEFAULT_COLLAPSED = 3


@dataclass
class ToolRenderer:
    tool: str
    ext: ExtCtx
    display_name: str = ""
    header_template: str | None = None
    body_template: str | None = None
    format: str = "text"
    collapsed: int = DEFAULT_COLLAPSED
    colors: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def source(self) -> str:
        return f"{self.ext.name}:renderers.{self.tool}"

    def header(self, args: dict[str, Any]) -> str | None:
        """The header line, or None (zot's own) when there is no template or it fails."""
        text = self._render(self.header_template, {"args": args})
        return " ".join(text.split()) if text else None

    def body(self, args: dict[str, Any], result: str, is_error: bool) -> str | None:
        """The body, or None (zot's own rendering) when there is no template, it fails or is empty."""
        text = self._render(self.body_template, {"args": args, "result": result, "is_error": is_error})
        return text.rstrip("\n") if text and text.strip() else None

    def _render(self, source: str | None, names: dict[str, Any]) -> str | None:
        if not source:
            return None
        try:
            return templates.render(source, {"tool": self.tool, "params": self.ext.params, **names})
        except Exception as exc:   # shown as zot's own rendering; /ext says why
            self.error = f"{self.source}: {exc}"
            return None


def compile_renderer(tool: str, node: dict, ext: ExtCtx) -> ToolRenderer:
    return ToolRenderer(tool, ext, str(node.get("display_name") or ""), node.get("header"), node.get("body"),
                        node.get("format", "text"), int(node.get("collapsed", DEFAULT_COLLAPSED)),
                        dict(node.get("colors") or {}))


def compile_renderers(section: dict, ext: ExtCtx) -> list[ToolRenderer]:
    return [compile_renderer(str(tool), node or {}, ext) for tool, node in (section or {}).items()]
