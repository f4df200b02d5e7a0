"""The loop that serves an `Extension` to zot: start-up, dispatch, and running the handlers.

The main thread only reads frames. Each command, tool call and intercept runs in its own worker
thread; events run one at a time in arrival order on one worker, and the keys of each panel one
at a time on that panel's worker. So a handler may block (on `ctx.confirm`, `ctx.kv`, a slow
API) while the reader keeps delivering the replies it waits for, and keys are never reordered.

Failure: a handler's exception is logged with its traceback (a `ToolError` without one) and
becomes the error form of its reply: `action: error`, `is_error: true`, or for an intercept
its `on_error` (block unless the author asked for allow: intercepts fail closed). Observers and panel keys have no
reply: they are logged (a panel key also notifies the user). A reply that cannot be sent (not
JSON, over 4 MiB) is replaced by an error reply. Unknown frames are ignored.
"""
from __future__ import annotations

import json
import os
import queue
import sys
import threading

from . import results as R
from .context import Context, FileKV, Host, HostKV
from .wire import HostGone, Wire

SHUTDOWN_GRACE = 1.5  # seconds the on_shutdown hooks get before shutdown_ack (zot waits 2 s)
LANE_GRACE = 1.0      # seconds the observers and panel keys already received get at shutdown


class Server:
    def __init__(self, ext) -> None:
        self.ext = ext
        self.lanes: dict = {}

    # ------------------------------------------------------------------ the loop

    def serve(self, inp=None, out=None) -> int:
        ext = self.ext
        if inp is None:
            inp = sys.stdin.buffer
        if out is None:
            out = claim_stdout()
        ext._wire = wire = Wire(inp, out, ext.log)
        try:
            wire.send(self.hello())
        except HostGone:
            return 0
        started = False
        for frame in wire.frames():
            kind = frame["type"]
            if kind == "shutdown":
                wire.close(writing=True)  # no new requests: nobody would read their answers
                self.drain_lanes()        # events and keys that came before shutdown are handled
                self.run_hooks("shutdown")
                ext._send({"type": "shutdown_ack"})
                break
            if not started:
                if kind == "hello_ack":
                    started = True
                    self.accept(frame)
                    threading.Thread(target=self.start, name="start", daemon=True).start()
                continue
            self.dispatch(frame)
        else:
            wire.close()
            self.run_hooks("shutdown")
        wire.close()
        return 0

    def hello(self) -> dict:
        """`hello`: the name, the version, and what the extension uses and the SDK speaks."""
        ext = self.ext
        caps = [c for c, used in (("commands", ext._commands), ("tools", ext._tools),
                                  ("events", ext._observers), ("intercept", ext._intercepts),
                                  ("panels", ext._panel_keys or ext._panel_closed)) if used]
        caps += ["ui", "kv", "ready"]       # ready: this script always sends `ready` (wait for it)
        caps += [c for c, used in (("register_guard", ext._guards),
                                   ("register_widget", ext._widgets),
                                   ("tool_renderer", ext._renderers),
                                   ("editor", ext._editor is not None),
                                   ("intercept_tool_result", "tool_result" in ext._intercepts),
                                   ("intercept_input", "input" in ext._intercepts)) if used]
        caps += [c for c in ext.extra_capabilities if c not in caps]
        hello = {"type": "hello", "name": ext.name, "version": ext.version, "capabilities": caps}
        if ext.min_protocol:
            hello["min_protocol"] = ext.min_protocol
        return hello

    def accept(self, ack: dict) -> None:
        ext = self.ext
        ext.host = Host(ack)
        if ext.host.offers("kv"):
            ext.kv = HostKV(ext._wire)
        else:
            ext.kv = FileKV(os.path.join(ext.data_dir, "kv.json"))

    def start(self) -> None:
        """Setup hooks, every registration, subscribe, ready, then the ready hooks."""
        ext = self.ext
        self.run_hooks("setup")
        for name, (description, _) in list(ext._commands.items()):
            ext._send({"type": "register_command", "name": name, "description": description})
        for name, (description, schema, _) in list(ext._tools.items()):
            ext._send({"type": "register_tool", "name": name, "description": description,
                       "schema": schema})
        for name in list(ext._guards):
            ext._send_guard(name)
        for name in list(ext._widgets):
            ext._send_widget(name)
        ext._send_ui_registrations()
        if ext._observers or ext._intercepts:
            ext._send({"type": "subscribe", "events": sorted(ext._observers),
                       "intercept": sorted(ext._intercepts)})
        ext._registered = True
        ext._send({"type": "ready"})
        self.run_hooks("ready")

    def dispatch(self, frame: dict) -> None:
        kind, ext = frame["type"], self.ext
        if kind in ("ui_response", "kv_result", "host_result") or (kind == "error" and "id" in frame):
            if not ext._wire.deliver(frame) and kind == "error":
                ext.log(f"zot reported: {frame.get('message')}")
        elif kind == "command_invoked":
            spawn(self.run_command, frame)
        elif kind == "tool_call":
            spawn(self.run_tool, frame)
        elif kind == "event_intercept":
            spawn(self.run_intercept, frame)
        elif kind == "event":
            self.lane("events").put(self.run_event, frame)
        elif kind in ("panel_key", "panel_close"):
            self.lane(f"panel:{frame.get('panel_id')}").put(self.run_panel, frame)
        elif kind == "render_request":
            spawn(self.run_render, frame)
        elif kind == "editor_key":                      # one at a time, in order
            self.lane("editor").put(self.run_editor_key, frame)
        elif kind == "error":
            ext.log(f"zot reported: {frame.get('message')}")
        elif kind not in ext._said:  # a newer zot's frame: ignored, logged once
            ext._said.add(kind)
            ext.log(f"ignoring {kind} frames")

    def drain_lanes(self) -> None:
        """Let the event and panel lanes finish what they were given (up to LANE_GRACE in all),
        so an observer of the last event (an agent_end at the end of `zot -p`) still runs."""
        import time

        deadline = time.monotonic() + LANE_GRACE
        for lane in list(self.lanes.values()):
            lane.drain(max(0.0, deadline - time.monotonic()))

    def lane(self, name: str) -> "Lane":
        lane = self.lanes.get(name)
        if lane is None:
            lane = self.lanes[name] = Lane(name)
        return lane

    # ------------------------------------------------------------------ handlers

    def run_command(self, frame: dict) -> None:
        ext = self.ext
        name = str(frame.get("name") or "").lstrip("/")
        entry = ext._commands.get(name) or ext._commands.get(name.rpartition(":")[2])
        reply = {"type": "command_response", "id": frame.get("id")}
        ctx = Context(ext, frame, "command")
        try:
            if entry is None:
                raise R.ToolError(f"{ext.name} has no command {name!r}")
            value = call(entry[1], str(frame.get("args") or ""), ctx)
            fields = R.command_reply(value)
            if ctx._pending_panel is not None and ctx._pending_panel is not value:
                ext._send({"type": "open_panel", "panel": ctx._pending_panel.fields()})
        except Exception as exc:
            fields = {"action": "error", "error": ext._failure(f"/{name}", exc)}
        self.reply(dict(reply, **fields), lambda msg: dict(reply, action="error", error=msg))

    def run_tool(self, frame: dict) -> None:
        ext = self.ext
        name = str(frame.get("name") or "")
        args = frame.get("args")
        if isinstance(args, str):  # some hosts send the arguments JSON-encoded
            try:
                args = json.loads(args or "{}")
            except ValueError:
                pass
        reply = {"type": "tool_result", "id": frame.get("id")}
        try:
            entry = ext._tools.get(name)
            if entry is None:
                raise R.ToolError(f"{ext.name} has no tool {name!r}")
            value = call(entry[2], {} if args is None else args, Context(ext, frame, "tool"))
            content, is_error = R.tool_content(value), False
        except Exception as exc:
            content, is_error = [R.text(ext._failure(f"tool {name}", exc))], True
        self.reply(dict(reply, content=content, is_error=is_error),
                   lambda msg: dict(reply, content=[R.text(msg)], is_error=True))

    def run_intercept(self, frame: dict) -> None:
        ext = self.ext
        event = payload(frame)
        handlers = ext._intercepts.get(frame.get("event"), [])
        ctx = Context(ext, frame, "intercept")
        final = R.Decision()
        for fn, on_error in handlers:
            try:
                decision = R.intercept_reply(call(fn, event, ctx))
            except Exception as exc:
                message = ext._failure(f"{frame.get('event')} intercept", exc)
                decision = R.block(message) if on_error == "block" else R.Decision()
            if decision.block:
                final = decision
                break
            if decision.modified_args is not None:
                final.modified_args = event["tool_args"] = decision.modified_args
            if decision.replace_text is not None:
                final.replace_text = event["text"] = decision.replace_text
            if decision.is_error is not None:
                final.is_error = event["is_error"] = decision.is_error
            if decision.summary is not None:
                final.summary = event["summary"] = decision.summary
            final.reason = decision.reason or final.reason
        strict = any(on_error == "block" for _, on_error in handlers)
        reply = {"type": "event_intercept_response", "id": frame.get("id")}
        self.reply(dict(reply, **final.fields()),
                   lambda msg: dict(reply, block=strict, **({"reason": msg} if strict else {})))

    def run_event(self, frame: dict) -> None:
        event, ctx = payload(frame), Context(self.ext, frame, "event")
        for fn in self.ext._observers.get(frame.get("event"), []):
            try:
                call(fn, event, ctx)
            except Exception as exc:
                self.ext._failure(f"{frame.get('event')} observer", exc)

    def run_panel(self, frame: dict) -> None:
        ext, kind, pid = self.ext, frame["type"], frame.get("panel_id")
        table = ext._panel_keys if kind == "panel_key" else ext._panel_closed
        if kind == "panel_close":
            ext._panels.pop(pid, None)
        fn = table.get(pid) or table.get(None)
        if fn is None:
            return
        event = payload(frame)
        if event.get("key") == "rune":   # a typed character (zot's and the Go zot's form): key is the character
            event["key"] = str(event.get("text") or "")
        try:
            value = call(fn, event, Context(ext, frame, kind))
            if isinstance(value, R.Panel):
                ext.render_panel(value.id, value.title, value.lines, value.footer)
        except Exception as exc:
            ext.notify(ext._failure(f"panel {pid}", exc), "error")

    def run_render(self, frame: dict) -> None:
        from .ui import render_reply

        ext, tool = self.ext, str(frame.get("tool") or "")
        reply = {"type": "render_response", "id": frame.get("id")}
        entry = ext._renderers.get(tool)
        try:
            fields = render_reply(call(entry[0], payload(frame), Context(ext, frame, "render")) if entry else None)
        except Exception as exc:
            ext._failure(f"renderer {tool}", exc)
            fields = {"header": None, "body": None}
        self.reply(dict(reply, **fields), lambda msg: dict(reply, header=None, body=None))

    def run_editor_key(self, frame: dict) -> None:
        from .ui import editor_reply

        ext = self.ext
        reply = {"type": "editor_key_response", "id": frame.get("id")}
        try:
            fields = editor_reply(call(ext._editor[0], payload(frame), Context(ext, frame, "editor"))
                                  if ext._editor else None)
        except Exception as exc:
            ext._failure("editor interceptor", exc)
            fields = {"action": "passthrough"}
        self.reply(dict(reply, **fields), lambda msg: dict(reply, action="passthrough"))

    def run_hooks(self, which: str) -> None:
        """setup and ready hooks run in turn; each shutdown hook gets SHUTDOWN_GRACE seconds."""
        ctx = Context(self.ext, None, which)
        for fn in self.ext._hooks[which]:
            if which != "shutdown":
                self.guarded(fn, ctx, which)
                continue
            worker = threading.Thread(target=self.guarded, args=(fn, ctx, which), daemon=True)
            worker.start()
            worker.join(SHUTDOWN_GRACE)

    def guarded(self, fn, ctx, which: str) -> None:
        try:
            fn(ctx)
        except Exception as exc:
            self.ext._failure(f"{which} hook {getattr(fn, '__name__', fn)}", exc)

    def reply(self, frame: dict, fallback) -> None:
        """Send a reply; when it is too large or not JSON, send `fallback(message)` instead."""
        ext = self.ext
        try:
            ext._wire.send(frame)
        except HostGone:
            pass
        except (ValueError, TypeError) as exc:  # FrameTooLarge is a ValueError
            message = f"{ext.name}: the reply could not be sent: {exc}"
            ext.log(message)
            ext._send(fallback(message))


class Lane:
    """One worker thread that runs its jobs in order."""

    def __init__(self, name: str) -> None:
        self._jobs = queue.SimpleQueue()
        threading.Thread(target=self._work, name=name, daemon=True).start()

    def put(self, fn, *args) -> None:
        self._jobs.put((fn, args))

    def drain(self, timeout: float) -> None:
        """Wait (up to `timeout`) until the jobs put so far have run."""
        done = threading.Event()
        self.put(done.set)
        done.wait(timeout)

    def _work(self) -> None:
        while True:
            fn, args = self._jobs.get()
            fn(*args)


def call(fn, first, ctx):
    """Call a handler with (first, ctx), or with (first) when it takes one argument."""
    code = getattr(fn, "__code__", None)
    if code is not None and not code.co_flags & 0x04:  # no *args
        wanted = code.co_argcount - (1 if getattr(fn, "__self__", None) is not None else 0)
        if wanted == 1:
            return fn(first)
        if wanted == 0:
            return fn()
    return fn(first, ctx)


def payload(frame: dict) -> dict:
    """An event frame as the handler sees it: without `type` and `id`, tool_args as a dict."""
    event = {k: v for k, v in frame.items() if k not in ("type", "id")}
    if isinstance(event.get("tool_args"), str):
        try:
            event["tool_args"] = json.loads(event["tool_args"])
        except ValueError:
            pass
    return event


def spawn(fn, frame: dict) -> None:
    threading.Thread(target=fn, args=(frame,), name=str(frame.get("type")), daemon=True).start()


def claim_stdout():
    """Keep the real stdout for frames and point fd 1 and `sys.stdout` at stderr, so a stray
    print() (or a child process) cannot corrupt the protocol."""
    try:
        sys.stdout.flush()
        fd = os.dup(1)
        os.dup2(2, 1)
    except (OSError, ValueError, AttributeError):
        return sys.stdout.buffer
    sys.stdout = sys.stderr
    return os.fdopen(fd, "wb")
