#!/usr/bin/env python3
"""Watch a file; what is written into it becomes a message to the model, and the file is emptied.

The file is this project's `.zot/data/file-trigger/inbox.md`, or $ZOT_TRIGGER_FILE. Another
program (a test runner, an editor macro, `echo "fix the build" >> ...`) writes into it; the
watcher notices within half a second, sends the text with `send_message` (a turn starts at once
when zot is idle, after the current one when it is busy) and empties the file. /trigger shows
the path and what was sent so far.
"""
import os
import threading
import time

from zot.sdk import Extension, HostError

ext = Extension("file-trigger", version="1.0.0")
POLL = 0.5
sent = []


def path() -> str:
    return os.environ.get("ZOT_TRIGGER_FILE") or os.path.join(ext.project_data_dir or ext.data_dir, "inbox.md")


def take(target: str) -> str:
    """The file's text, and the file emptied (so nothing is sent twice)."""
    try:
        with open(target, "r+", encoding="utf-8") as fh:
            text = fh.read()
            if text.strip():
                fh.seek(0)
                fh.truncate()
            return text.strip()
    except FileNotFoundError:
        return ""


def watch() -> None:
    target = path()
    while True:
        try:
            text = take(target)
            if text:
                status = ext.send_message(text)
                sent.append(text)
                ext.log(f"sent {len(text)} characters from {target} ({status})")
        except (OSError, HostError) as exc:
            ext.log(f"could not send what {target} holds: {exc}")
        time.sleep(POLL)


@ext.command("trigger", description="Where the watched file is, and what it sent")
def trigger(args: str, ctx):
    lines = [f"watching {path()}"]
    lines += [f"sent: {text.splitlines()[0][:60]}" for text in sent[-5:]] or ["nothing sent yet"]
    return "\n".join(lines)


@ext.setup
def create(ctx):
    """The inbox exists once the extension is ready, so a writer can append to it at once."""
    target = path()
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if not os.path.exists(target):
        open(target, "a", encoding="utf-8").close()


@ext.on_ready
def start(ctx):
    threading.Thread(target=watch, name="watch", daemon=True).start()


if __name__ == "__main__":
    ext.run()
