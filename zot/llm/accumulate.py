"""Assemble streamed tool-call fragments into whole `ToolCall`s.

Providers stream a tool call as many deltas: the first usually carries `id` and
`function.name`, the rest carry slices of the argument JSON, some are empty, some servers omit
`index`, and a few models pack several calls into one argument string (`{"a":1}{"b":2}`).
litellm passes these fragments through as it receives them, so zot assembles them itself, in
one pure place that is easy to test with tables. Nothing here imports litellm: deltas may be
dicts or litellm objects with the same attribute names.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any, Iterable

from zot.llm.types import ToolCall

__all__ = ["ToolCallAccumulator", "parse_arguments", "split_json_objects"]


def _get(obj: Any, key: str) -> Any:
    """Read `key` from a dict or an attribute of an object; `None` when absent."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


@dataclass
class _Slot:
    """The fragments received so far for one call."""

    index: int
    seq: int  # arrival order, to keep calls that share an index apart
    id: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)

    def complete(self) -> bool:
        """True when the argument text so far is empty or whole JSON (a call could end here)."""
        text = "".join(self.parts)
        return not text.strip() or split_json_objects(text) is not None


class ToolCallAccumulator:
    """Collects tool-call deltas of one streamed response; `result()` gives the calls.

    Calls are keyed by `index`. The first non-empty `id` and `name` of a call are kept (some
    providers repeat them, some send them once). Empty argument fragments are ignored.

    Two cases need more than the index. A delta without `index` belongs to the call whose `id`
    it repeats, else starts a new call when it brings a new `id`, else continues the most recent
    call. And servers that omit `index` reach us through litellm with every call numbered 0; so a
    delta that brings a different `id` *and* a name, arriving when the current call's arguments
    are already complete JSON, starts a new call rather than overwriting nothing and appending.
    """

    def __init__(self) -> None:
        self._slots: list[_Slot] = []
        self._by_index: dict[int, _Slot] = {}  # the current call of each index
        self._last: _Slot | None = None

    def __bool__(self) -> bool:
        return bool(self._slots)

    def add(self, deltas: Iterable[Any] | None) -> None:
        """Feed the `tool_calls` list of one streamed delta (dicts or litellm objects)."""
        for delta in deltas or ():
            self._add_one(delta)

    def _new(self, index: int) -> _Slot:
        slot = _Slot(index=index, seq=len(self._slots))
        self._slots.append(slot)
        self._by_index[index] = slot
        return slot

    def _slot_for(self, index: Any, call_id: str, name: str) -> _Slot:
        if isinstance(index, str) and index.isdigit():
            index = int(index)
        if isinstance(index, int) and not isinstance(index, bool):
            slot = self._by_index.get(index)
            if slot is None:
                return self._new(index)
            if call_id and slot.id and call_id != slot.id and name and slot.complete():
                return self._new(index)  # a second call under the same index
            return slot
        if call_id:
            for slot in self._slots:
                if slot.id == call_id:
                    return slot
        if self._last is not None and not (call_id and self._last.id):
            return self._last
        return self._new(max(self._by_index, default=-1) + 1)

    def _add_one(self, delta: Any) -> None:
        call_id = str(_get(delta, "id") or "")
        fn = _get(delta, "function")
        name = str(_get(fn, "name") or "")
        args = _get(fn, "arguments")
        slot = self._slot_for(_get(delta, "index"), call_id, name)
        self._last = slot
        if call_id and not slot.id:
            slot.id = call_id
        if name and not slot.name:
            slot.name = name
        if isinstance(args, (dict, list)):  # a few providers send arguments already parsed
            args = json.dumps(args)
        if args:
            slot.parts.append(str(args))

    def result(self, truncated: bool = False) -> list[ToolCall]:
        """The finished calls, in index order (then arrival order).

        `truncated` (the response stopped at the output limit) is mentioned in the error of a
        call whose arguments do not parse, because that is then the likely cause.
        """
        calls: list[ToolCall] = []
        for slot in sorted(self._slots, key=lambda s: (s.index, s.seq)):
            calls.extend(_finish(slot, truncated))
        return calls


def _finish(slot: _Slot, truncated: bool) -> list[ToolCall]:
    """Turn one slot into one call, or several when its text holds concatenated objects."""
    raw = "".join(slot.parts)
    call_id = slot.id or f"call_{secrets.token_hex(6)}"
    missing_name = None if slot.name else "the tool call has no tool name"
    parts = split_json_objects(raw)
    if parts is not None and len(parts) > 1:
        return [
            ToolCall(id=call_id if n == 0 else f"{call_id}_{n}", name=slot.name, arguments=obj,
                     raw_arguments=text, error=missing_name)
            for n, (obj, text) in enumerate(parts)
        ]
    arguments, error = parse_arguments(raw)
    if error and truncated:
        error += " (the response hit the output token limit, so the arguments are cut off)"
    return [ToolCall(id=call_id, name=slot.name, arguments=arguments, raw_arguments=raw,
                     error=missing_name or error)]


def parse_arguments(raw: str) -> tuple[dict[str, Any], str | None]:
    """Parse argument text into a JSON object: `(arguments, None)` or `({}, why_not)`.

    Empty (or blank) text means no arguments, `{}`. Anything else must be one JSON object.
    """
    if not raw.strip():
        return {}, None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        return {}, (f"the arguments are not valid JSON ({e.msg} at line {e.lineno} column "
                    f"{e.colno}); send one JSON object")
    except RecursionError:
        return {}, "the arguments are nested too deeply to parse; send one flat JSON object"
    if not isinstance(value, dict):
        return {}, f"the arguments must be a JSON object, not {_json_type(value)}"
    return value, None


def split_json_objects(raw: str) -> list[tuple[dict[str, Any], str]] | None:
    """Split `{"a":1}{"b":2}` (optionally whitespace-separated) into its objects.

    Returns `[(object, text), ...]` when the whole text is a sequence of JSON objects, else
    `None` (a single object also gives a one-item list).
    """
    decoder = json.JSONDecoder()
    out: list[tuple[dict[str, Any], str]] = []
    pos, end = 0, len(raw)
    while True:
        while pos < end and raw[pos].isspace():
            pos += 1
        if pos >= end:
            return out or None
        try:
            value, stop = decoder.raw_decode(raw, pos)
        except (json.JSONDecodeError, RecursionError):
            return None
        if not isinstance(value, dict):
            return None
        out.append((value, raw[pos:stop]))
        pos = stop


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
