#!/usr/bin/env python3
"""An interactive todo list in a panel: /todo opens it, /todo TEXT adds an item.

Keys in the panel: up/down (or k/j) move, space (or enter, x) toggles, a adds (asks with
ctx.input), d deletes, q closes (Esc too: zot closes a panel on Esc). The items live in the
extension's key-value store.
"""
import threading

from zot.sdk import Extension

ext = Extension("todo", version="1.0.0")
PANEL = "todo"
FOOTER = "↑/↓ move · space toggle · a add · d delete · esc close"
cursor = 0
lock = threading.Lock()  # /todo TEXT may run while a key is handled


def load(kv) -> list:
    items = kv.get("items", [])
    if not isinstance(items, list):
        return []
    return [{"text": str(i.get("text", "")), "done": bool(i.get("done"))}
            for i in items if isinstance(i, dict)]


def view(items: list, at: int):
    done = sum(1 for i in items if i["done"])
    title = f"Todo: {done}/{len(items)} done"
    lines = [f"{'›' if n == at else ' '} [{'x' if item['done'] else ' '}] {item['text']}"
             for n, item in enumerate(items)]
    return title, lines or ["  Nothing to do. Press a to add an item."]


@ext.command("todo", description="Open the todo panel, or add an item: /todo [TEXT]")
def todo(args: str, ctx):
    global cursor
    text = " ".join(args.split())
    with lock:
        items = load(ctx.kv)
        if text:
            items.append({"text": text, "done": False})
            ctx.kv.set("items", items)
            return f"Added “{text}” ({sum(1 for i in items if not i['done'])} open). /todo shows the list."
        cursor = max(0, min(cursor, len(items) - 1))
        title, lines = view(items, cursor)
    return ctx.open_panel(PANEL, title, lines, FOOTER)


@ext.panel_key(PANEL)
def key(event: dict, ctx):
    global cursor
    k = event.get("key")
    if k == "esc":  # zot closes the panel on Esc itself (as the Go zot does)
        return
    if k == "q":
        ctx.close_panel(PANEL)
        return
    if k == "a":  # ask before taking the lock: the user may take their time
        text = " ".join((ctx.input("New todo", placeholder="what needs doing?") or "").split())
        if not text:
            if not ctx.host.offers("ui"):
                ctx.notify("this zot cannot ask for text; add items with /todo TEXT", "warn")
            return
    with lock:
        items = load(ctx.kv)
        at = max(0, min(cursor, len(items) - 1))
        if k in ("up", "k"):
            at = max(at - 1, 0)
        elif k in ("down", "j"):
            at = min(at + 1, max(len(items) - 1, 0))
        elif k in (" ", "space", "enter", "x") and items:
            items[at]["done"] = not items[at]["done"]
            ctx.kv.set("items", items)
        elif k in ("d", "delete") and items:
            del items[at]
            at = max(0, min(at, len(items) - 1))
            ctx.kv.set("items", items)
        elif k == "a":
            items.append({"text": text, "done": False})
            at = len(items) - 1
            ctx.kv.set("items", items)
        else:
            return
        cursor = at
        title, lines = view(items, at)
    ctx.render_panel(PANEL, title, lines, FOOTER)


if __name__ == "__main__":
    ext.run()
