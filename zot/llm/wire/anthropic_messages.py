"""OpenAI-format messages and tools (what zot holds) in Anthropic's Messages API format.

* `system` messages become the top-level `system` text blocks;
* an assistant's `tool_calls` become `tool_use` blocks (arguments parsed into `input`);
* `tool` messages become `tool_result` blocks of a user turn; consecutive messages that end up
  with the same role are merged into one turn, as the API wants turns to alternate;
* `image_url` parts become `image` blocks (base64 data URLs or plain URLs);
* empty text is left out (the API rejects empty text blocks).

Prompt caching, as Claude Code and Pi do it: the system prompt (with the tools before it) and
the newest message carry a `cache_control` breakpoint, so each turn reads the conversation so
far from the cache and pays the full input price only for what is new.

Each message is translated and serialised once (`body.MessageCache`); a request joins the bytes.
"""
from __future__ import annotations

import json
from typing import Any

from zot.llm.wire.body import MessageCache, dumps

__all__ = ["messages_json", "system_blocks", "tools_json"]

CACHE = {"type": "ephemeral"}
_CACHE_TAIL = b',"cache_control":{"type":"ephemeral"}}'


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p.get("text", "") for p in value if isinstance(p, dict) and p.get("type") == "text")
    return "" if value is None else str(value)


def _image(part: dict[str, Any]) -> dict[str, Any] | None:
    source = part.get("image_url")
    url = source.get("url") if isinstance(source, dict) else source
    if not isinstance(url, str) or not url:
        return None
    if url.startswith("data:") and ";base64," in url:
        media, _, data = url[5:].partition(";base64,")
        return {"type": "image", "source": {"type": "base64", "media_type": media or "image/png", "data": data}}
    return {"type": "image", "source": {"type": "url", "url": url}}


def _content_blocks(content: Any) -> list[dict[str, Any]]:
    """User or tool content: a string, or OpenAI parts (text, image_url, or native blocks)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks: list[dict[str, Any]] = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "text":
            if part.get("text"):
                blocks.append({"type": "text", "text": part["text"]})
        elif kind == "image_url":
            image = _image(part)
            if image is not None:
                blocks.append(image)
        elif isinstance(kind, str):
            blocks.append(part)            # already an Anthropic block (image, document, ...)
    return blocks


def _input(arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return arguments
    try:
        value = json.loads(arguments or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _assistant_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [b for b in message.get("thinking_blocks") or [] if isinstance(b, dict)]
    text = _text(message.get("content"))
    if text:
        blocks.append({"type": "text", "text": text})
    for call in message.get("tool_calls") or []:
        fn = call.get("function") or {}
        blocks.append({"type": "tool_use", "id": call.get("id") or "", "name": fn.get("name") or "",
                       "input": _input(fn.get("arguments"))})
    return blocks


def _tool_result(message: dict[str, Any]) -> list[dict[str, Any]]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": message.get("tool_call_id") or ""}
    content = message.get("content")
    if isinstance(content, list):
        content = _content_blocks(content)
    if content:
        block["content"] = content
    return [block]


def _translate(message: dict[str, Any]) -> tuple[str, bytes]:
    """`(role, blocks)`: the role of the Anthropic turn and its blocks as comma-joined JSON."""
    role = message.get("role")
    if role == "assistant":
        blocks = _assistant_blocks(message)
    elif role == "tool":
        role, blocks = "user", _tool_result(message)
    else:
        role, blocks = "user", _content_blocks(message.get("content"))
    return str(role), b",".join(dumps(b) for b in blocks)


_turns = MessageCache(_translate)


def system_blocks(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text of every system message, the last one marked for caching."""
    blocks = [{"type": "text", "text": t} for m in messages if m.get("role") == "system"
              if (t := _text(m.get("content")))]
    if blocks:
        blocks[-1] = dict(blocks[-1], cache_control=CACHE)
    return blocks


def messages_json(messages: list[dict[str, Any]]) -> list[bytes]:
    """The `messages` array as pieces to join: alternating turns, the newest block marked for
    caching. Pieces, not one bytes object, so the history's bytes are copied once, by the caller."""
    out: list[bytes] = [b"["]
    role = ""
    for turn_role, blocks in _turns.all([m for m in messages if m.get("role") != "system"]):
        if not blocks:
            continue
        if turn_role == role:
            out += (b",", blocks)
            continue
        if not role and turn_role != "user":       # the API wants the user to speak first
            out.append(b'{"role":"user","content":[{"type":"text","text":"."}')
            role = "user"
        if role:
            out.append(b"]},")
        out += (b'{"role":"' + turn_role.encode() + b'","content":[', blocks)
        role = turn_role
    if role == "user" and out[-1].endswith(b"}"):
        out[-1] = out[-1][:-1] + _CACHE_TAIL
    out.append(b"]}]" if role else b"]")
    return out


def tools_json(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """OpenAI function tools as Anthropic tools."""
    out = []
    for tool in tools or []:
        fn = tool.get("function") if tool.get("type") == "function" else None
        if fn is None:
            out.append(tool)               # already Anthropic-shaped
            continue
        spec = {"name": fn.get("name"), "input_schema": fn.get("parameters") or {"type": "object", "properties": {}}}
        if fn.get("description"):
            spec["description"] = fn["description"]
        out.append(spec)
    return out
