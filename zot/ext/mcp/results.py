"""An MCP `CallToolResult` (in its wire shape: plain JSON) as zot's ToolResult.

What the model reads: every text block; a resource's text; structured content as JSON when the
result has no text (a server sends both as the same data, the text for older clients); one `[image MIME, N bytes]` line per image, whose data goes in
`details["images"]` (the loop sends those images to the model after the tool results, as it does
for a script's). Audio and binary resources are named, not sent. Text past MAX_TEXT characters
is cut with a note, so one answer cannot fill the context.
"""
from __future__ import annotations

import json
from typing import Any

from zot.tools.base import ToolResult

MAX_TEXT = 100_000


def _size(data: str) -> int:
    return len(data) * 3 // 4 - data[-2:].count("=") if data else 0


def _block(block: dict[str, Any], texts: list[str], images: list[dict[str, Any]]) -> None:
    kind = block.get("type")
    if kind == "text":
        texts.append(str(block.get("text", "")))
    elif kind == "image":
        mime, data = str(block.get("mimeType") or "image"), str(block.get("data") or "")
        images.append({"mime_type": mime, "data": data})
        texts.append(f"[image {mime}, {_size(data)} bytes]")
    elif kind == "audio":
        texts.append(f"[audio {block.get('mimeType') or 'audio'}, {_size(str(block.get('data') or ''))} bytes, "
                     "not shown to the model]")
    elif kind == "resource":
        resource = block.get("resource") if isinstance(block.get("resource"), dict) else {}
        if "text" in resource:
            texts.append(str(resource["text"]))
        else:
            texts.append(f"[resource {resource.get('uri', '?')} ({resource.get('mimeType') or 'binary'}), "
                         f"{_size(str(resource.get('blob') or ''))} bytes, not shown to the model]")
    elif kind == "resource_link":
        what = block.get("description") or block.get("name") or ""
        texts.append(f"[resource link {block.get('uri', '?')}" + (f": {what}" if what else "") + "]")


def to_tool_result(result: dict[str, Any]) -> ToolResult:
    texts: list[str] = []
    images: list[dict[str, Any]] = []
    for block in result.get("content") or []:
        if isinstance(block, dict):
            _block(block, texts, images)
    structured = result.get("structuredContent")
    if structured is not None and not any(block.get("type") == "text" for block in result.get("content") or []
                                          if isinstance(block, dict)):
        texts.append(json.dumps(structured, ensure_ascii=False, indent=2))
    text = "\n".join(texts)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + f"\n[... {len(text) - MAX_TEXT} more characters cut by zot]"
    details: dict[str, Any] = {"images": images} if images else {}
    if structured is not None:
        details["structured"] = structured
    return ToolResult(text or "(the tool returned nothing)", bool(result.get("isError")), details=details)
