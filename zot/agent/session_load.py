"""Read a session file back, repairing what a crash can leave behind.

"Nothing is lost": a damaged line costs that line only (with a warning naming file and line),
a missing header costs the header only, and a tool call that never got its result gets a
synthetic "interrupted" result so the history is valid to send to a model again.
"""
from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from zot.diagnostics import Diagnostic

from .session_store import INTERRUPTED_NOTE, SESSION_VERSION, repair_record

_KEPT = "the rest of the session loaded; the damaged line is left in the file untouched"
SUMMARY_PREFIX = "The conversation before this point was compacted into this summary:"


@dataclass(frozen=True)
class Repair:
    """A synthetic tool result added on load; `index` is its position in `LoadedSession.messages`."""

    tool_call_id: str
    note: str
    index: int

    def to_record(self) -> dict:
        """The `repair` record a continuing session appends, so the file explains the gap."""
        return repair_record(self.tool_call_id, self.note)


@dataclass
class LoadedSession:
    """Everything recoverable from one session file.

    `messages` is the full, repaired history; `context_messages()` is what the model should see.
    `usage` sums the numeric usage fields of every message record; `cost` is None when no
    message carried a cost.
    """

    path: Path
    header: dict = field(default_factory=dict)        # {} when missing or damaged
    records: list[dict] = field(default_factory=list)  # every readable record, header included
    messages: list[dict] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)  # repairs not yet recorded in the file
    warnings: list[Diagnostic] = field(default_factory=list)
    model: str | None = None
    usage: dict[str, int | float] = field(default_factory=dict)
    cost: float | None = None
    compaction: dict | None = None                     # the last valid compaction record
    # each message with its JSON exactly as the file holds it, so a request can reuse the text
    message_json: list[tuple[dict, bytes]] = field(default_factory=list, repr=False)

    @property
    def id(self) -> str:
        """The header's id, or the short id from the file name when the header is lost."""
        return self.header.get("id") or self.path.stem.rsplit("-", 1)[-1]

    def context_messages(self) -> list[dict]:
        """The history as the model should see it: the last compaction applied.

        Messages before `first_kept` become one user message holding the summary. If
        `first_kept` points into a block of tool results, the cut moves back to the assistant
        message that made those calls, so no tool result is sent without its call.
        """
        if self.compaction is None:
            return list(self.messages)
        first = min(max(self.compaction["first_kept"], 0), len(self.messages))
        while 0 < first < len(self.messages) and self.messages[first].get("role") == "tool":
            first -= 1
        summary = {"role": "user", "content": f"{SUMMARY_PREFIX}\n\n{self.compaction['summary']}"}
        return [summary, *self.messages[first:]]


def _warn(path: Path, line: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(str(path), line, 0, "warning", code, message, hint)


def _parse_lines(path: Path, data: bytes, out: LoadedSession) -> list[int]:
    """Fill `out.records`; return the line number of each record. Damaged lines are skipped."""
    lines = data.split(b"\n")
    linenos: list[int] = []

    def skip(i: int, why: str) -> None:
        out.warnings.append(_warn(path, i, "session-damaged-line",
                                  f"skipped a damaged line (line {i} of {path.name}): {why}", _KEPT))

    for i, raw in enumerate(lines, 1):
        padded = b"\x00" in raw
        if padded:  # zeroed blocks from a crash; JSON never holds a raw NUL, so strip them
            raw = raw.strip(b"\x00")
            if not raw.strip():
                skip(i, "only NUL bytes (zot or the machine stopped while writing)")
                continue
        if not raw or raw.isspace():
            continue
        try:
            rec = _decode(raw, out.message_json)
        except (ValueError, RecursionError):
            if i == len(lines):  # no newline after it: the write was cut short
                skip(i, "the last line was cut off mid-write")
            else:
                skip(i, "NUL bytes and no valid JSON" if padded else "it is not valid JSON")
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("type"), str):
            skip(i, 'not a session record (no "type")')
            continue
        if padded:
            out.warnings.append(_warn(path, i, "session-nul-padding",
                                      f"recovered line {i} of {path.name} from between NUL bytes"))
        out.records.append(rec)
        linenos.append(i)
    return linenos


_MESSAGE_LINE = b'{"type":"message","ts":"'
_MESSAGE_KEY = '","message":'
_decoder = json.JSONDecoder()


def _decode(raw: bytes, message_json: list[tuple[dict, bytes]]) -> object:
    """One line's record. A message record as zot writes it (`type`, `ts`, then `message`) is
    decoded in two parts, the message and the rest, so the message's own JSON is kept as well:
    resuming a long session sends it without encoding the history again. (Decoding text rather
    than bytes also makes this quicker than one `json.loads` of the line.) Any other line, or
    one whose parts do not decode, is decoded whole."""
    if not raw.startswith(_MESSAGE_LINE):
        return json.loads(raw)
    text = raw.decode("utf-8")
    key = text.find(_MESSAGE_KEY, len(_MESSAGE_LINE))
    ts = text[len(_MESSAGE_LINE):key]
    if key < 0 or '"' in ts or "\\" in ts:
        return json.loads(text)
    start = key + len(_MESSAGE_KEY)
    try:
        message, end = _decoder.raw_decode(text, start)
        rest = json.loads("{" + text[end + 1:]) if text.startswith(",", end) else None
    except ValueError:
        return json.loads(text)
    if not isinstance(message, dict) or not isinstance(rest, dict) or "message" in rest:
        return json.loads(text)
    message_json.append((message, text[start:end].encode("utf-8")))
    return {"type": "message", "ts": ts, "message": message, **rest}


_NUMBER = (int, float)   # exact types: a bool is not a count


def _add_usage(totals: dict[str, int | float], usage: object) -> None:
    if type(usage) is dict:
        for key, value in usage.items():
            if type(value) in _NUMBER:
                totals[key] = totals.get(key, 0) + value


def _interpret(path: Path, linenos: list[int],
               out: LoadedSession) -> tuple[list[dict], list[int], set[str]]:
    """Walk the records once: header, model, totals, compaction, raw messages, recorded repairs."""
    messages: list[dict] = []
    msg_lines: list[int] = []
    repaired: set[str] = set()
    cost = 0.0
    cost_known = False
    for rec, line in zip(out.records, linenos):
        kind = rec["type"]
        if kind == "message":
            msg = rec.get("message")
            if not isinstance(msg, dict) or not isinstance(msg.get("role"), str):
                out.warnings.append(_warn(path, line, "session-bad-record",
                                          f"skipped a message record on line {line}: it has no message"))
                continue
            messages.append(msg)
            msg_lines.append(line)
            _add_usage(out.usage, rec.get("usage"))
            if isinstance(rec.get("cost"), (int, float)) and not isinstance(rec["cost"], bool):
                cost += rec["cost"]
                cost_known = True
            if isinstance(rec.get("model"), str):
                out.model = rec["model"]
        elif kind == "session" and not out.header:
            out.header = rec
            if isinstance(rec.get("model"), str):
                out.model = rec["model"]
            if isinstance(rec.get("version"), int) and rec["version"] > SESSION_VERSION:
                out.warnings.append(_warn(path, line, "session-newer-version",
                                          f"session format version {rec['version']} is newer than "
                                          f"this zot ({SESSION_VERSION}); loading what it understands",
                                          "upgrade zot to read everything in this session"))
        elif kind == "model_change" and isinstance(rec.get("model"), str):
            out.model = rec["model"]
        elif kind == "compaction":
            if isinstance(rec.get("summary"), str) and isinstance(rec.get("first_kept"), int) \
                    and not isinstance(rec["first_kept"], bool):
                out.compaction = rec
            else:
                out.warnings.append(_warn(path, line, "session-bad-record",
                                          f"ignored a compaction record on line {line}: it needs "
                                          "a string summary and an integer first_kept"))
        elif kind == "repair" and isinstance(rec.get("tool_call_id"), str):
            repaired.add(rec["tool_call_id"])
    out.cost = cost if cost_known else None
    return messages, msg_lines, repaired


def _call_ids(msg: dict) -> list[str]:
    calls = msg.get("tool_calls") if msg.get("role") == "assistant" else None
    if not isinstance(calls, list):
        return []
    ids = (c.get("id") for c in calls if isinstance(c, dict))
    return list(dict.fromkeys(i for i in ids if isinstance(i, str) and i))


def _call_name(msg: dict, call_id: str) -> str:
    for call in msg.get("tool_calls") or ():
        if isinstance(call, dict) and call.get("id") == call_id:
            fn = call.get("function")
            if isinstance(fn, dict) and isinstance(fn.get("name"), str):
                return fn["name"]
    return "?"


def _repair(path: Path, raw: list[dict], lines: list[int], recorded: set[str],
            out: LoadedSession) -> None:
    """Give every tool call a result: missing ones get a synthetic "interrupted" result placed
    after the results that exist in the block following the assistant message."""
    messages = out.messages
    i, n = 0, len(raw)
    while i < n:
        msg, line = raw[i], lines[i]
        messages.append(msg)
        i += 1
        ids = _call_ids(msg)
        if not ids:
            continue
        answered: set[object] = set()
        while i < n and raw[i].get("role") == "tool":
            answered.add(raw[i].get("tool_call_id"))
            messages.append(raw[i])
            i += 1
        for call_id in ids:
            if call_id in answered:
                continue
            messages.append({"role": "tool", "tool_call_id": call_id, "content": INTERRUPTED_NOTE})
            if call_id in recorded:
                continue
            name = _call_name(msg, call_id)
            note = (f"added a synthetic result for tool call {call_id} ({name}): "
                    "zot stopped before it finished")
            out.repairs.append(Repair(call_id, note, len(messages) - 1))
            out.warnings.append(_warn(path, line, "session-dangling-tool-call",
                                      f"tool call {call_id} ({name}) on line {line} has no result; "
                                      "added one saying it was interrupted"))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing a big session makes millions of dicts and lists, none of them in a cycle; the
    garbage collector would walk the growing heap again and again meanwhile (two thirds of the
    time at 100,000 messages), and once more just after. The loaded history lives as long as
    the session, so it is frozen instead: later collections leave it alone (objects that die
    are still freed, by reference counting)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def load_session(path: Path | str) -> LoadedSession:
    """Load and repair a session file. Damage gives warnings, never an exception.

    Only a file that cannot be read at all (missing, no permission) raises `OSError`, because
    silently starting an empty session for a mistyped path would look like data loss.
    """
    path = Path(path)
    data = path.read_bytes()
    out = LoadedSession(path=path)
    with _collector_paused():
        linenos = _parse_lines(path, data, out)
        raw, msg_lines, recorded = _interpret(path, linenos, out)
        _repair(path, raw, msg_lines, recorded, out)
    if not data:
        out.warnings.append(_warn(path, 0, "session-empty", "the session file is empty; "
                                  "starting from an empty history"))
    elif not out.header:
        out.warnings.append(_warn(path, 1, "session-no-header",
                                  "the session header is missing or damaged; loaded the "
                                  f"{len(raw)} message(s) that remain"))
    return out
