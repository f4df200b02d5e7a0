#!/usr/bin/env python3
"""A modal editor for zot's input, like KIT's custom-editor example, over the script pipe.

NORMAL mode: h/l/j/k move, w/b jump words, 0/$ go to the start/end of the line, x deletes,
dd clears the line, i/a/I/A switch to INSERT, Enter sends. INSERT mode: everything is typed as
usual; Esc goes back to NORMAL. The mode shows in a line above the input, and the prompt says
N or I. /vim turns the modal editor off and on.
"""
import pathlib
import sys
import threading

try:
    from zot.sdk import Extension
except ImportError:  # this python3 has no zot installed: use the zot this extension ships inside
    sys.path += [str(p) for p in pathlib.Path(__file__).resolve().parents if (p / "zot/sdk").is_dir()][:1]
    from zot.sdk import Extension

ext = Extension("vim", version="1.0.0")
NORMAL = {"mode": " NORMAL ", "prompt": "N› ", "style": {"background": "accent", "color": "#000000", "bold": True}}
INSERT = {"mode": " INSERT ", "prompt": "I› ", "style": {"background": "success", "color": "#000000", "bold": True}}
MOVES = {"h": "left", "l": "right", "j": "down", "k": "up", "w": "alt+f", "b": "alt+b", "0": "home", "$": "end",
         "x": "delete"}
state = {"mode": "normal", "pending": "", "on": True}
lock = threading.Lock()


@ext.editor(render=NORMAL)
def key(event, ctx):
    k = event["key"]
    with lock:
        if state["mode"] == "insert":
            if k == "esc":
                state["mode"] = "normal"
                return ext.consumed(render=NORMAL)
            return ext.passthrough()
        if k == "enter":
            return ext.submit() if event["text"].strip() else ext.consumed()
        if k in MOVES:
            state["pending"] = ""
            return ext.remap(MOVES[k])
        if k in ("i", "a", "I", "A"):
            state["mode"] = "insert"
            move = {"a": "right", "I": "home", "A": "end"}.get(k)
            return ext.remap(move, render=INSERT) if move else ext.consumed(render=INSERT)
        if k == "d":
            if state["pending"] == "d":
                state["pending"] = ""
                ctx.set_editor_text("")
            else:
                state["pending"] = "d"
            return ext.consumed()
        if len(k) == 1 or k in ("space", "esc"):
            return ext.consumed()      # NORMAL mode types nothing
        return ext.passthrough()       # arrows, ctrl+..., backspace work as usual


@ext.command("vim", description="Turn the modal editor off (or on again)")
def toggle(args, ctx):
    with lock:
        state["on"] = not state["on"]
        state["mode"] = "normal"
    if state["on"]:
        ext.editor(render=NORMAL)(key)
        return "modal editing on (NORMAL mode: i to type, esc to come back)"
    ext.reset_editor()
    return "modal editing off"


ext.run()
