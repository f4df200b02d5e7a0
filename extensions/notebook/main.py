#!/usr/bin/env python3
"""Notes that outlive the session: /jot TEXT, /jots [words], /unjot N, and a `recall` tool.

Each note is one key in the extension's key-value store (`note/000001` ...), so listing uses
`kv_list` with a prefix. zot keeps the store in $ZOT_HOME/data/notebook/kv.json; under a zot that
does not offer `kv` (the Go zot) the SDK keeps the same file itself.
"""
import threading
import time

from zot.sdk import Extension, ToolError

ext = Extension("notebook", version="1.0.0")
PREFIX = "note/"
lock = threading.Lock()  # commands run in parallel threads; numbering must not race


def notes(kv, query: str = "") -> list:
    """(number, note) pairs, oldest first, whose text contains every word of `query`."""
    words = query.lower().split()
    found = []
    for key in kv.list(PREFIX):
        note = kv.get(key)
        if isinstance(note, dict) and all(w in note.get("text", "").lower() for w in words):
            found.append((int(key[len(PREFIX):]), note))
    return found


def line(number: int, note: dict) -> str:
    return f"#{number} ({note.get('date', '?')}, {note.get('by', '?')}) {note.get('text', '')}"


def add(kv, text: str, by: str) -> int:
    with lock:
        number = int(kv.get("next", 1))
        kv.set(f"{PREFIX}{number:06d}", {"text": text, "by": by, "date": time.strftime("%Y-%m-%d")})
        kv.set("next", number + 1)
    return number


@ext.command("jot", description="Keep a note for later sessions: /jot TEXT")
def jot(args: str, ctx):
    text = " ".join(args.split())
    if not text:
        return ext.error("usage: /jot TEXT")
    number = add(ctx.kv, text, "you")
    ctx.notify(f"noted #{number}", "success")
    return None


@ext.command("jots", description="List your notes, or those containing every word: /jots [words]")
def jots(args: str, ctx):
    found = notes(ctx.kv, args)
    if not found:
        return "No notes match." if args.strip() else "No notes yet: /jot TEXT keeps one."
    return "\n".join(line(n, note) for n, note in found)


@ext.command("unjot", description="Forget a note: /unjot NUMBER")
def unjot(args: str, ctx):
    key = f"{PREFIX}{args.strip().lstrip('#').zfill(6)}"
    if not args.strip().lstrip("#").isdigit() or ctx.kv.get(key) is None:
        return ext.error(f"no note {args.strip() or '(give its number)'}; /jots lists them")
    ctx.kv.delete(key)
    return f"Forgot note #{int(key[len(PREFIX):])}."


@ext.tool("recall", description=(
    "Search the notes the user (and you) kept in earlier sessions: decisions, conventions, "
    "reminders. Give `query` words to filter; leave it out to get the latest notes. Use `jot` "
    "to keep a new note."), schema={
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "Words every returned note must contain"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        },
        "additionalProperties": False,
    })
def recall(args: dict, ctx):
    limit = args.get("limit", 20)
    if not isinstance(limit, int) or limit < 1:
        raise ToolError("`limit` must be a positive integer")
    found = notes(ctx.kv, str(args.get("query") or ""))[-limit:]
    if not found:
        return "No notes match." if args.get("query") else "There are no notes yet."
    return "\n".join(line(n, note) for n, note in found)


@ext.tool("jot", description="Keep a short note for later sessions (a decision, a convention, a gotcha).",
          schema={"type": "object", "properties": {"text": {"type": "string"}},
                  "required": ["text"], "additionalProperties": False})
def jot_tool(args: dict, ctx):
    text = " ".join(str(args.get("text") or "").split())
    if not text:
        raise ToolError("`text` is empty")
    return f"Kept note #{add(ctx.kv, text, 'model')}."


if __name__ == "__main__":
    ext.run()
