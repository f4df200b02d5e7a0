"""Request bodies built from JSON cached per message, so a turn does not walk the whole history.

The history only grows: a message, once sent, is sent again unchanged on every later turn. So
each message is serialised once, the bytes are kept (keyed by the message object, which is held
so its id cannot be reused), and a request body is the cached pieces joined. At 100,000 messages
that is a join of bytes instead of re-encoding tens of megabytes of JSON per turn.

A message changed in place after it was sent would be sent stale, so each hit checks that the
message still has the same content object and number of keys (a new content string or an added
key is seen; an edit inside a content list is not). The agent itself never edits a sent
message: it appends, or builds a new list on compaction and `/clear`.
"""
from __future__ import annotations

import gc
import json
from typing import Any, Callable

__all__ = ["MessageCache", "dumps"]


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; text that cannot be UTF-8 (a lone surrogate) is sent \\u-escaped."""
    try:
        return _COMPACT.encode(value).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode("ascii")


class MessageCache:
    """`get(message)` gives `encode(message)`, computed once per message object."""

    def __init__(self, encode: Callable[[dict[str, Any]], Any]) -> None:
        self._encode = encode
        self._map: dict[int, tuple[dict[str, Any], Any, int, Any]] = {}

    def get(self, message: dict[str, Any]) -> Any:
        hit = self._map.get(id(message))
        content = message.get("content")
        if hit is not None and hit[0] is message and hit[1] is content and hit[2] == len(message):
            return hit[3]
        value = self._encode(message)
        self.put(message, value)
        return value

    def put(self, message: dict[str, Any], value: Any) -> None:
        """Remember `value` as the encoding of `message` (JSON it is already known by)."""
        self._map[id(message)] = (message, message.get("content"), len(message), value)

    def all(self, messages: list[dict[str, Any]]) -> list[Any]:
        """`get` of each message, then forget messages no longer in the history (after a
        compaction or `/clear`) once they outnumber the live ones."""
        out = [self.get(m) for m in messages]
        if len(self._map) > 2 * len(messages) + 256:
            self._map = {id(m): self._map[id(m)] for m in messages}
        return out


def openai_json(message: dict[str, Any]) -> bytes:
    """A message as the OpenAI wire sends it: as zot holds it, less Anthropic's thinking blocks."""
    if "thinking_blocks" in message:
        message = {k: v for k, v in message.items() if k != "thinking_blocks"}
    return dumps(message)


#: The OpenAI wire's cache. That wire sends messages as zot holds them, so JSON a message is
#: already known by (the line a session file stores it on) can go in as is.
OPENAI = MessageCache(openai_json)


def reuse(pairs: list[tuple[dict[str, Any], bytes]]) -> None:
    """Seed the OpenAI wire's cache with `(message, its JSON)` pairs (a resumed session's)."""
    was_enabled = gc.isenabled()
    gc.disable()          # 100,000 small tuples, no cycles: no collection walks while they are made
    try:
        OPENAI._map.update({id(m): (m, m.get("content"), len(m), data) for m, data in pairs
                            if "thinking_blocks" not in m})
    finally:
        if was_enabled:
            gc.enable()
