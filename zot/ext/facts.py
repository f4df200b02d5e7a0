"""What templates and expressions know about the session and the repository, in one place.

`session_facts` computes the `session` object every rule, hook, prompt and widget reads (usage,
cost, counters); the agent loop and the REPL call it, so a status line and a guard count the
same things. `SHAPES` says which attributes exist, so `zot ext validate` rejects
`{{ session.tool_calls_so_far }}` instead of the template failing at run time.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

ANY = "any"          # a mapping whose keys are data (per-tool counts): any key may be read
STR = "str"          # text: its methods may be called
LEAF = "leaf"        # a number or a flag

USAGE = {"input_tokens": LEAF, "output_tokens": LEAF, "cache_read_tokens": LEAF, "cache_write_tokens": LEAF,
         "cost": LEAF}
SESSION = {"usage": USAGE, "cost": LEAF, "tokens": LEAF, "messages": LEAF, "turns": LEAF, "tool_calls": LEAF,
           "tools": ANY}
GIT = {"branch": STR, "dirty": LEAF}
# roots whose attributes are known; the others (args, params, event, ...) are checked elsewhere or free
SHAPES: dict[str, Any] = {"session": SESSION, "git": GIT, "cwd": STR, "project": STR, "project_data_dir": STR,
                          "model": STR, "date": STR, "stdout": STR, "stderr": STR, "tool": STR, "text": STR}
MAPPING_METHODS = frozenset({"get", "keys", "values", "items"})


def session_facts(messages: list[dict[str, Any]], usage: Any, tools: Any = ()) -> dict[str, Any]:
    """The `session` object: usage and cost so far, and counters read from the history.

    `turns` counts the model's replies, `tool_calls` the calls that finished (ran or were
    refused) before the one being judged, `tools` the same per tool name (every known tool is
    there, at 0 until used). The history is the whole session (compaction keeps it), so the
    counters survive compaction and resuming."""
    count = _counted(messages)
    per_tool = {str(t): 0 for t in tools}
    per_tool.update(count.per_tool)
    turns, calls = count.turns, count.calls
    spent = asdict(usage) if usage is not None else {k: (None if k == "cost" else 0) for k in USAGE}
    return {"usage": spent, "cost": spent.get("cost"),
            "tokens": int(spent.get("input_tokens") or 0) + int(spent.get("output_tokens") or 0),
            "messages": len(messages), "turns": turns, "tool_calls": calls, "tools": per_tool}


class _Count:
    """Counters over a history, carried forward as it grows (the history only grows), so a long
    session pays for its new messages only."""

    def __init__(self, messages: list) -> None:
        self.messages, self.seen, self.turns, self.calls = messages, 0, 0, 0
        self.names: dict[str, str] = {}
        self.per_tool: dict[str, int] = {}

    def advance(self) -> "_Count":
        for message in self.messages[self.seen:]:
            role = message.get("role")
            if role == "assistant":
                self.turns += 1
                for call in message.get("tool_calls") or ():
                    self.names[call.get("id", "")] = str((call.get("function") or {}).get("name", ""))
            elif role == "tool":
                self.calls += 1
                name = self.names.get(message.get("tool_call_id", ""))
                if name:
                    self.per_tool[name] = self.per_tool.get(name, 0) + 1
        self.seen = len(self.messages)
        return self


_LAST: list[_Count] = []       # the last history counted (one session per process, as a rule)


def _counted(messages: list) -> _Count:
    last = _LAST[0] if _LAST else None
    if last is None or last.messages is not messages or len(messages) < last.seen:
        last = _Count(messages)
        _LAST[:] = [last]
    return last.advance()


def empty_session() -> dict[str, Any]:
    """The `session` of a check with no session (`zot ext explain`, examples, `zot ext widgets`):
    every counter at 0, so a rule or a widget that reads one works the same as in a new session."""
    return session_facts([], None)


def shape_problem(chain: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """For `session.usage.input_tokns`: (the dotted name that does not exist, what exists there)."""
    if not chain or chain[0] not in SHAPES:
        return None
    node: Any = SHAPES[chain[0]]
    for depth, part in enumerate(chain[1:], 1):
        if node in (ANY, LEAF):
            return None
        if node == STR:
            from zot.ext.templates import STR_METHODS

            if part in STR_METHODS:
                return None
            return ".".join(chain[:depth + 1]), sorted(STR_METHODS)
        if part in MAPPING_METHODS:
            return None
        if part not in node:
            return ".".join(chain[:depth + 1]), [".".join((*chain[:depth], k)) for k in node]
        node = node[part]
    return None
