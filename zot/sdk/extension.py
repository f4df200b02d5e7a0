"""`Extension`: decorators that collect handlers, and what handlers may send from any thread.

The loop that serves the handlers to zot is in `serve.py`.
"""
from __future__ import annotations

import os
import sys

from . import results as R
from .context import LEVELS, Host, KVError
from .serve import Server
from .session import SessionCalls
from .ui import UIMixin      # presentation: widgets, blocks, renderers, overlays, the editor
from .wire import FrameTooLarge, HostGone, stderr_log

__all__ = ["Extension"]


class _NoKV:
    """`ext.kv` before zot has answered hello: every use says when it becomes available."""

    def __getattr__(self, name):
        raise KVError("the kv store is available once the extension runs (in handlers and "
                      "setup hooks), not at import time")


class Extension(UIMixin, SessionCalls):
    """A script extension. Decorate handlers, then call `run()`.

        ext = Extension("todo", version="1.0.0")

        @ext.command("todo", description="show the todo panel")
        def todo(args: str, ctx): ...

        ext.run()

    Handlers take `(value, ctx)` (or only `value`): a command gets the text after its name, a
    tool its arguments (a dict), an observer, intercept or panel-key handler the event (a dict
    with the protocol's field names). See the decorators for what each may return, and
    `serve.py` for when handlers run and what a failure does.
    """

    # results, so handlers can write `return ext.prompt(...)` without more imports
    prompt = staticmethod(R.prompt)
    insert = staticmethod(R.insert)
    display = staticmethod(R.display)
    noop = staticmethod(R.noop)
    error = staticmethod(R.error)
    image = staticmethod(R.image)
    text = staticmethod(R.text)
    allow = staticmethod(R.allow)
    block = staticmethod(R.block)
    modify = staticmethod(R.modify)
    replace_text = staticmethod(R.replace_text)
    change_result = staticmethod(R.change_result)
    summary = staticmethod(R.summary)

    def __init__(self, name: str, version: str = "0.1.0", *, capabilities=(),
                 min_protocol: int | None = None) -> None:
        self.name = name
        self.version = version
        self.extra_capabilities = list(capabilities)
        self.min_protocol = min_protocol
        self.host = Host()
        self.kv = _NoKV()
        self.log = stderr_log(name)
        self._commands: dict = {}
        self._tools: dict = {}
        self._observers: dict = {}
        self._intercepts: dict = {}
        self._panel_keys: dict = {}
        self._panel_closed: dict = {}
        self._guards: dict = {}
        self._widgets: dict = {}
        self._hooks: dict = {"setup": [], "ready": [], "shutdown": []}
        self._panels: dict = {}
        self._said: set = set()
        self._wire = None
        self._registered = False
        self._ui_init()

    # ------------------------------------------------------------------ decorators

    def command(self, name=None, description: str = ""):
        """Register `/name`. The handler gets the text after the name and returns a str
        (displayed), `ext.prompt(text)`, `ext.insert(text)`, `ext.display(text)`,
        `ext.error(message)`, `ctx.open_panel(...)` or None (noop). An exception (or
        `ToolError`) answers `action: error`."""
        if callable(name):
            return self.command()(name)

        def add(fn):
            self._commands[name or fn.__name__.replace("_", "-")] = (description or _doc(fn), fn)
            return fn
        return add

    def tool(self, name=None, description: str = "", schema: dict | None = None):
        """Register a tool the model can call; `schema` is the JSON Schema of its arguments.
        The handler gets the arguments (a dict) and returns a str, `ext.image(bytes, mime)`, a
        list of those, or any JSON value (sent as JSON text). `raise ToolError(msg)` (or any
        exception) answers `is_error: true`."""
        if callable(name):
            return self.tool()(name)

        def add(fn):
            self._tools[name or fn.__name__] = (
                description or _doc(fn), schema or {"type": "object", "properties": {}}, fn)
            return fn
        return add

    def on(self, *events: str):
        """Observe events (`turn_end`, `tool_result`, ...). Handlers run one at a time in
        arrival order; their return value is ignored and an exception is only logged."""
        def add(fn):
            for event in events:
                self._observers.setdefault(event, []).append(fn)
            return fn
        return add

    def intercept(self, *events: str, on_error: str = "block"):
        """Decide on events before they happen (`tool_call`, `turn_start`,
        `assistant_message`; with zot's capabilities also `tool_result` and `input`). Return
        None (allow), `ext.block(reason)`, `ext.modify(args)` or `ext.replace_text(text)`.
        Several handlers of one event run in registration order: each sees the arguments the
        previous one modified, and the first block wins. When a handler raises or returns
        something else, `on_error` decides: "block" (the default: every intercept can block, so
        it fails closed, like a manifest guard) or "allow"."""
        if on_error not in ("allow", "block"):
            raise ValueError('on_error must be "allow" or "block"')

        def add(fn):
            for event in events:
                self._intercepts.setdefault(event, []).append((fn, on_error))
            return fn
        return add

    def panel_key(self, panel_id: str | None = None):
        """Handle the keys pressed in a panel (all panels when `panel_id` is None). The event
        has `panel_id`, `key` (up, down, enter, esc, ... or the character typed: zot's `rune`
        key is handed over as its character) and `text`. zot closes the panel itself on Esc. Keys of one
        panel are handled one at a time, in order. Returning a `Panel` redraws it; an exception
        is logged and shown as an error notification."""
        def add(fn):
            self._panel_keys[panel_id] = fn
            return fn
        return add

    def panel_closed(self, panel_id: str | None = None):
        """Run when the user closes a panel (zot's `panel_close`)."""
        def add(fn):
            self._panel_closed[panel_id] = fn
            return fn
        return add

    def setup(self, fn):
        """Run `fn(ctx)` once zot answered hello, before the registrations are sent: it may
        read `ctx.host` and add commands, tools, guards and widgets conditionally."""
        self._hooks["setup"].append(fn)
        return fn

    def on_ready(self, fn):
        """Run `fn(ctx)` after `ready` was sent (e.g. a first `widget_update`)."""
        self._hooks["ready"].append(fn)
        return fn

    def on_shutdown(self, fn):
        """Run `fn(ctx)` when zot shuts the extension down or closes its input. zot is going
        away: notifications may not arrive and questions and zot's kv are refused, so keep
        state as it changes; each hook gets 1.5 s."""
        self._hooks["shutdown"].append(fn)
        return fn

    # ------------------------------------------------------------------ zot's additions

    def guard(self, name: str, guard: dict) -> None:
        """Register a guard written exactly as in extension.yaml (capability `register_guard`;
        skipped with a log line when zot does not offer it)."""
        self._guards[name] = dict(guard)
        if self._registered:
            self._send_guard(name)

    def widget(self, name: str, text: str = "", placement: str = "status") -> None:
        """Register a widget (capability `register_widget`); change it with `widget_update`."""
        self._widgets[name] = (placement, text)
        if self._registered:
            self._send_widget(name)

    def widget_update(self, name: str, text: str) -> bool:
        """Set a widget's text; False (and a log line, once) when zot does not offer widgets."""
        if not self._offered("register_widget", "widget_update"):
            return False
        return self._send({"type": "widget_update", "name": name, "text": str(text)})

    def _send_guard(self, name: str) -> None:
        if self._offered("register_guard", f"guard {name}"):
            self._send({"type": "register_guard", "name": name, "guard": self._guards[name]})

    def _send_widget(self, name: str) -> None:
        placement, text = self._widgets[name]
        if self._offered("register_widget", f"widget {name}"):
            self._send({"type": "register_widget", "name": name, "placement": placement,
                        "text": str(text)})

    # ------------------------------------------------------------------ output, any thread

    def notify(self, message: str, level: str = "info") -> bool:
        """A one-line notification: level info, warn, error or success."""
        return self._send({"type": "notify", "level": LEVELS.get(level, "info"),
                           "message": str(message)})

    def render_panel(self, id: str, title=None, lines=None, footer=None) -> bool:
        """Redraw an open panel; fields left as None keep their last value."""
        old = self._panels.get(id) or R.Panel(id)
        panel = R.Panel(id, old.title if title is None else title,
                        old.lines if lines is None else lines,
                        old.footer if footer is None else footer)
        self._panels[id] = panel
        return self._send({"type": "panel_render", "panel_id": id, "title": panel.title,
                           "lines": panel.lines, "footer": panel.footer})

    def close_panel(self, id: str) -> bool:
        """Close a panel this extension opened."""
        self._panels.pop(id, None)
        return self._send({"type": "panel_close", "panel_id": id})

    @property
    def data_dir(self) -> str:
        """Where the extension may keep files (created on first use): $ZOT_DATA_DIR, else zot's
        `data_dir`, else $ZOT_HOME/data/NAME (~/.zot/data/NAME)."""
        found = os.environ.get("ZOT_DATA_DIR") or self.host.data_dir
        if not found:
            home = os.environ.get("ZOT_HOME") or os.path.join(os.path.expanduser("~"), ".zot")
            found = os.path.join(home, "data", self.name)
        try:
            os.makedirs(found, exist_ok=True)
        except OSError as exc:
            self.log(f"cannot create the data folder {found}: {exc}")
        return found

    @property
    def project_data_dir(self) -> str:
        """Where the extension may keep this project's files: `<project>/.zot/data/NAME`
        ($ZOT_PROJECT_DATA_DIR, else zot's `project_data_dir`; "" outside zot). Trust does not
        hash it, so writing there never makes the project untrusted. Created on first use."""
        found = os.environ.get("ZOT_PROJECT_DATA_DIR") or self.host.project_data_dir
        if found:
            try:
                os.makedirs(found, exist_ok=True)
            except OSError as exc:
                self.log(f"cannot create the project data folder {found}: {exc}")
        return found

    # ------------------------------------------------------------------ running

    def run(self) -> None:
        """Serve zot on stdin/stdout until `shutdown` or the end of stdin, then exit 0.

        stdout belongs to the protocol: from here on `print()` (and any child process that
        inherits stdout) writes to stderr, which zot keeps in the extension's log."""
        sys.exit(self.serve())

    def serve(self, inp=None, out=None) -> int:
        """The loop of `run()` on any pair of byte streams; returns the exit code."""
        return Server(self).serve(inp, out)

    # ------------------------------------------------------------------ plumbing

    def _failure(self, what: str, exc: Exception) -> str:
        """Log a handler's exception (with its traceback unless it is a ToolError) and return
        the message the user or model sees."""
        if isinstance(exc, R.ToolError):
            self.log(f"{what}: {exc}")
            return str(exc)
        import traceback
        self.log(f"{what} failed:\n{traceback.format_exc().rstrip()}")
        return f"{what} failed: {type(exc).__name__}: {exc}"

    def _send(self, frame: dict) -> bool:
        """Send a frame from any thread; False (logged) when it cannot be sent."""
        if self._wire is None:
            self.log(f"not running yet; {frame.get('type')} not sent")
            return False
        try:
            self._wire.send(frame)
            return True
        except HostGone:
            return False
        except (FrameTooLarge, TypeError, ValueError) as exc:
            self.log(f"{frame.get('type')} not sent: {exc}")
            return False

    def _offered(self, capability: str, what: str) -> bool:
        if self.host.offers(capability):
            return True
        if (capability, what) not in self._said:
            self._said.add((capability, what))
            self.log(f"zot does not offer {capability}; {what} skipped")
        return False

    def _ui(self, fields: dict, timeout) -> object:
        """Ask the user (capability `ui`); None when not offered, cancelled, or zot is gone."""
        answer = self._ask(fields, timeout)
        return None if answer.cancelled else answer.value

    def _ask(self, fields: dict, timeout) -> R.Answer:
        """The `ui_response` as an Answer: cancelled (and why) or the value."""
        if not self._offered("ui", f"{fields['kind']} questions"):
            return R.Answer(cancelled=True, no_ui=True)
        try:
            reply = self._wire.request(dict(fields, type="ui_request"), timeout)
        except (TimeoutError, HostGone):
            return R.Answer(cancelled=True)
        if reply.get("type") == "error" or reply.get("cancelled"):
            return R.Answer(cancelled=True, no_ui=bool(reply.get("no_ui")))
        return R.Answer(reply.get("value"))

    def _remember_panel(self, panel) -> None:
        self._panels[panel.id] = panel


def _doc(fn) -> str:
    return (fn.__doc__ or "").strip().split("\n")[0]
