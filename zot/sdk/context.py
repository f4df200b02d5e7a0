"""What a handler can reach: `ctx.host`, `ctx.kv`, notifications, panels and UI requests."""
from __future__ import annotations

import json
import os
import threading

from .results import Answer, Panel
from .ui import ContextUI
from .wire import HostGone

__all__ = ["Context", "FileKV", "Host", "HostKV", "KVError"]

LEVELS = {"info": "info", "warn": "warn", "warning": "warn", "error": "error", "success": "success"}


class Host:
    """The `hello_ack` zot sent: who is running this extension and what it offers.

    Attributes: protocol_version, zot_version, provider, model, cwd, extension_dir, data_dir,
    project_data_dir (strings, "" when zot did not say), capabilities (a frozenset of names) and raw (the frame).
    """

    def __init__(self, ack: dict | None = None) -> None:
        ack = ack or {}
        self.raw = dict(ack)
        self.protocol_version = ack.get("protocol_version", 1)
        for key in ("zot_version", "provider", "model", "cwd", "extension_dir", "data_dir", "project_data_dir"):
            setattr(self, key, str(ack.get(key) or ""))
        caps = ack.get("capabilities") or ()
        if isinstance(caps, dict):  # tolerate {name: true}
            caps = [k for k, v in caps.items() if v]
        elif isinstance(caps, str):
            caps = [caps]
        self.capabilities = frozenset(c for c in caps if isinstance(c, str))

    def offers(self, capability: str) -> bool:
        """True when zot offered `capability` (ui, kv, register_guard, ...) in hello_ack."""
        return capability in self.capabilities

    def __repr__(self) -> str:
        return (f"Host(zot {self.zot_version or '?'}, protocol {self.protocol_version}, "
                f"capabilities {sorted(self.capabilities)})")


class KVError(RuntimeError):
    """The key-value store refused or failed (zot's `kv_result.error`, a timeout, zot gone)."""


def _json_value(value):
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        raise KVError(f"kv values must be JSON: {exc}") from None


class HostKV:
    """The store zot keeps for this extension (capability `kv`): JSON values by string key."""

    def __init__(self, wire, timeout: float = 10.0) -> None:
        self._wire = wire
        self._timeout = timeout

    def _ask(self, frame: dict) -> dict:
        try:
            reply = self._wire.request(frame, self._timeout)
        except (TimeoutError, HostGone) as exc:
            raise KVError(str(exc)) from None
        if reply.get("type") == "error" or reply.get("error"):
            raise KVError(str(reply.get("error") or reply.get("message") or "kv failed"))
        return reply

    def get(self, key: str, default=None):
        """The value stored under `key`, or `default` when there is none."""
        value = self._ask({"type": "kv_get", "key": str(key)}).get("value")
        return default if value is None else value

    def set(self, key: str, value) -> None:
        """Store a JSON value (dict, list, str, number, bool) under `key`."""
        self._ask({"type": "kv_set", "key": str(key), "value": _json_value(value)})

    def delete(self, key: str) -> None:
        """Forget `key` (no error when it is absent)."""
        self._ask({"type": "kv_delete", "key": str(key)})

    def list(self, prefix: str = "") -> list:
        """The keys that start with `prefix`, sorted."""
        keys = self._ask({"type": "kv_list", "prefix": str(prefix)}).get("keys") or []
        return sorted(str(k) for k in keys)


class FileKV:
    """The same store kept by the extension itself in `DATA_DIR/kv.json`, for a zot that does
    not offer `kv` (the Go zot). zot keeps its own store in the same file, so nothing is lost
    when the extension moves between them. Writes are atomic (a temporary file, then rename)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data = None

    def _load(self) -> dict:
        if self._data is None:
            try:
                with open(self.path, encoding="utf-8") as f:
                    data = json.load(f)
                self._data = data if isinstance(data, dict) else {}
            except FileNotFoundError:
                self._data = {}
            except (OSError, ValueError) as exc:
                raise KVError(f"cannot read {self.path}: {exc}") from None
        return self._data

    def _save(self) -> None:
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        tmp = f"{self.path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self._data, f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")
        os.replace(tmp, self.path)

    def get(self, key: str, default=None):
        with self._lock:
            value = self._load().get(str(key))
        return default if value is None else json.loads(json.dumps(value))

    def set(self, key: str, value) -> None:
        value = _json_value(value)
        with self._lock:
            self._load()[str(key)] = value
            self._save()

    def delete(self, key: str) -> None:
        with self._lock:
            if self._load().pop(str(key), None) is not None:
                self._save()

    def list(self, prefix: str = "") -> list:
        with self._lock:
            return sorted(k for k in self._load() if k.startswith(str(prefix)))


class Context(ContextUI):
    """Passed to every handler as `ctx`. Safe to use from any thread.

    `ctx.request` is the frame being handled (empty for setup and ready hooks).
    """

    def __init__(self, ext, request: dict | None = None, kind: str = "") -> None:
        self.ext = ext
        self.request = request or {}
        self.kind = kind  # command, tool, event, intercept, panel_key, panel_close, setup, ready
        self._pending_panel = None

    # ---------------------------------------------------------------- facts

    @property
    def host(self) -> Host:
        return self.ext.host

    @property
    def kv(self):
        return self.ext.kv

    @property
    def data_dir(self) -> str:
        return self.ext.data_dir

    @property
    def project_data_dir(self) -> str:
        return self.ext.project_data_dir

    def log(self, message: str) -> None:
        """A line in the extension's log (stderr; `zot ext logs NAME`)."""
        self.ext.log(message)

    # ---------------------------------------------------------------- output

    def notify(self, message: str, level: str = "info") -> None:
        """A one-line notification: level info, warn, error or success."""
        self.ext.notify(message, level)

    def open_panel(self, id: str, title: str = "", lines=(), footer: str = "") -> Panel:
        """Open a panel; its keys go to the `@ext.panel_key(id)` handler.

        In a command handler, return the result to answer with `action: open_panel`; called
        anywhere else (or not returned) it sends an `open_panel` frame.
        """
        panel = Panel(id, title, lines, footer)
        self.ext._remember_panel(panel)
        if self.kind == "command":
            self._pending_panel = panel
        else:
            self.ext._send({"type": "open_panel", "panel": panel.fields()})
        return panel

    def render_panel(self, id: str, title: str | None = None, lines=None,
                     footer: str | None = None) -> None:
        """Redraw an open panel; what is left out (None) stays as it was."""
        self.ext.render_panel(id, title, lines, footer)

    def close_panel(self, id: str) -> None:
        """Close a panel this extension opened."""
        self.ext.close_panel(id)

    def widget_update(self, name: str, text: str) -> bool:
        """Change a registered widget's text (capability `register_widget`)."""
        return self.ext.widget_update(name, text)

    # ---------------------------------------------------------------- the session (zot.sdk.session)

    def send_message(self, text: str, trigger_turn: bool = True) -> str | None:
        """Send `text` as a user message; see `Extension.send_message`."""
        return self.ext.send_message(text, trigger_turn)

    def set_system_prompt(self, text: str | None) -> bool:
        return self.ext.set_system_prompt(text)

    def append_system_prompt(self, text: str) -> bool:
        return self.ext.append_system_prompt(text)

    def get_tools(self) -> list | None:
        return self.ext.get_tools()

    def set_active_tools(self, names) -> dict | None:
        return self.ext.set_active_tools(names)

    def set_model(self, model: str) -> str | None:
        return self.ext.set_model(model)

    def session_state(self) -> dict:
        return self.ext.session_state()

    @property
    def has_ui(self) -> bool:
        """Whether a person can be asked right now (a confirm, a panel)."""
        return self.ext.has_ui

    # ---------------------------------------------------------------- questions (capability ui)

    def confirm(self, title: str, message: str = "", default: bool = False,
                timeout: float | None = None) -> bool:
        """Ask yes or no. False when cancelled, with no UI, or when zot does not offer `ui`."""
        value = self.ext._ui({"kind": "confirm", "title": title, "message": message,
                              "default": bool(default)}, timeout)
        if value is None:
            return False
        if isinstance(value, str):
            return value.strip().lower() in ("y", "yes", "true", "1", "ok")
        return bool(value)

    def confirm_result(self, title: str, message: str = "", default: bool = False,
                       timeout: float | None = None) -> Answer:
        """Ask yes or no, and tell "no" from "cancelled": an `Answer` with `value` (True /
        False, None when cancelled), `cancelled` and `no_ui` (nobody could be asked)."""
        answer = self.ext._ask({"kind": "confirm", "title": title, "message": message,
                                "default": bool(default)}, timeout)
        if isinstance(answer.value, str):
            answer.value = answer.value.strip().lower() in ("y", "yes", "true", "1", "ok")
        elif answer.value is not None:
            answer.value = bool(answer.value)
        return answer

    def select(self, title: str, options, message: str = "", default: str | None = None,
               timeout: float | None = None) -> str | None:
        """Pick one of `options`; None when cancelled or without `ui`."""
        frame = {"kind": "select", "title": title, "message": message,
                 "options": [str(o) for o in options]}
        if default is not None:
            frame["default"] = str(default)
        value = self.ext._ui(frame, timeout)
        return None if value is None else str(value)

    def input(self, title: str, placeholder: str = "", default: str | None = None,
              message: str = "", timeout: float | None = None) -> str | None:
        """Ask for a line of text; None when cancelled or without `ui`."""
        frame = {"kind": "input", "title": title, "message": message, "placeholder": placeholder}
        if default is not None:
            frame["default"] = str(default)
        value = self.ext._ui(frame, timeout)
        return None if value is None else str(value)
