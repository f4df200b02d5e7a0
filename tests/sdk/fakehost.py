"""A tiny zot stand-in that speaks the script protocol (docs/protocol.md) over real pipes.

    host = FakeHost.for_extension(EXTENSIONS / "calc", capabilities=["kv"])
    host.start()                       # hello -> hello_ack -> registrations until ready
    reply = host.call_tool("calc", {"expression": "1 + 2"})
    host.shutdown()                    # shutdown -> shutdown_ack, exit code 0

Every frame the script sends is kept in `host.frames` (in order); `expect` waits for the next
one that matches and leaves the others for later `expect`s. When `kv` is offered, kv_* requests
are answered from `host.kv` (a dict) by the reader thread, like zot would; every read of a reply
has a timeout, so a script that hangs fails the test instead of hanging it.
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 10.0


class HostError(AssertionError):
    pass


def script_argv(ext_dir: Path) -> list[str]:
    """The argv of an extension's `script:` section, with python3 meaning this interpreter."""
    from ruamel.yaml import YAML

    spec = YAML(typ="safe").load((ext_dir / "extension.yaml").read_text())["script"]
    program = spec["exec"]
    if program in ("python", "python3"):
        program = sys.executable
    return [program, *spec.get("args", [])]


class FakeHost:
    def __init__(self, argv, cwd=None, capabilities=(), env=None, data_dir=None, ack=None):
        self.argv = [str(a) for a in argv]
        self.cwd = str(cwd) if cwd else None
        self.capabilities = list(capabilities)
        self.data_dir = str(data_dir) if data_dir else None
        self.extra_env = dict(env or {})
        self.ack_extra = dict(ack or {})
        self.frames: list[dict] = []       # everything received, in order
        self.raw_lines: list[bytes] = []
        self.kv: dict = {}
        self.kv_log: list[dict] = []
        self.hello: dict | None = None
        self.commands: dict = {}
        self.tools: dict = {}
        self.subscribed: dict = {"events": [], "intercept": []}
        self.guards: dict = {}
        self.widgets: dict = {}
        self.presentation: list[dict] = []     # set_editor, register_renderer, set_widget before ready
        self._unread: list[dict] = []
        self._cond = threading.Condition()
        self._eof = False
        self._ids = itertools.count(1)
        self._stderr: list[bytes] = []
        self._wlock = threading.Lock()
        self.proc: subprocess.Popen | None = None

    @classmethod
    def for_extension(cls, ext_dir: Path, **kw) -> "FakeHost":
        return cls(script_argv(ext_dir), cwd=ext_dir, **kw)

    @classmethod
    def for_source(cls, path: Path, **kw) -> "FakeHost":
        return cls([sys.executable, str(path)], cwd=path.parent, **kw)

    # ------------------------------------------------------------------ process

    def spawn(self) -> "FakeHost":
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        if self.data_dir:
            env["ZOT_DATA_DIR"] = self.data_dir
        env.update(self.extra_env)
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        return self

    def start(self) -> "FakeHost":
        """Spawn, answer hello, and collect the registrations until ready."""
        if self.proc is None:
            self.spawn()
        self.hello = self.expect("hello")
        ack = {"type": "hello_ack", "protocol_version": 1, "zot_version": "0.1.0-test",
               "provider": "fake", "model": "fake-model", "cwd": self.cwd or os.getcwd(),
               "extension_dir": self.cwd or "", "data_dir": self.data_dir or "",
               "capabilities": self.capabilities}
        ack.update(self.ack_extra)
        self.send(ack)
        while True:
            frame = self.expect()
            kind = frame["type"]
            if kind == "ready":
                return self
            if kind == "register_command":
                self.commands[frame["name"]] = frame
            elif kind == "register_tool":
                self.tools[frame["name"]] = frame
            elif kind == "register_guard":
                self.guards[frame["name"]] = frame
            elif kind == "register_widget":
                self.widgets[frame["name"]] = frame
            elif kind in ("set_editor", "register_renderer", "set_widget"):
                self.presentation.append(frame)
            elif kind == "subscribe":
                self.subscribed = {"events": frame.get("events") or [],
                                   "intercept": frame.get("intercept") or []}
            else:
                raise HostError(f"unexpected {kind} frame before ready: {frame}")

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.raw_lines.append(line)
            try:
                frame = json.loads(line)
            except ValueError:
                frame = {"type": "<not json>", "line": line.decode("utf-8", "replace")}
            if frame.get("type", "").startswith("kv_") and "kv" in self.capabilities:
                self._answer_kv(frame)
            with self._cond:
                self.frames.append(frame)
                if not frame.get("type", "").startswith("kv_") or "kv" not in self.capabilities:
                    self._unread.append(frame)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self._stderr.append(line)

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    def stderr_has(self, text: str, timeout: float = TIMEOUT) -> bool:
        """Whether `text` shows up on the script's stderr within `timeout` (it is read by a
        thread of its own, so it can lag behind the frames)."""
        deadline = time.monotonic() + timeout
        while text not in self.stderr:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _answer_kv(self, frame: dict) -> None:
        self.kv_log.append(frame)
        kind, key = frame["type"], frame.get("key")
        reply = {"type": "kv_result", "id": frame.get("id")}
        if kind == "kv_get":
            reply["value"] = self.kv.get(key)
        elif kind == "kv_set":
            self.kv[key] = frame.get("value")
        elif kind == "kv_delete":
            self.kv.pop(key, None)
        elif kind == "kv_list":
            reply["keys"] = sorted(k for k in self.kv if k.startswith(frame.get("prefix") or ""))
        else:
            reply["error"] = f"unknown kv request {kind}"
        self.send(reply)

    # ------------------------------------------------------------------ frames

    def send(self, frame: dict) -> None:
        self.send_raw((json.dumps(frame) + "\n").encode())

    def send_raw(self, data: bytes) -> None:
        with self._wlock:  # the reader thread answers kv requests too
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def expect(self, type=None, timeout: float = TIMEOUT, **fields) -> dict:
        """The next unread frame of this type (any type when None) with these field values."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, frame in enumerate(self._unread):
                    if (type is None or frame.get("type") == type) and all(
                            frame.get(k) == v for k, v in fields.items()):
                        return self._unread.pop(i)
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    raise HostError(f"no {type or 'frame'} {fields or ''} within {timeout}s "
                                    f"(eof={self._eof}); unread: {self._unread}; "
                                    f"stderr:\n{self.stderr}")
                self._cond.wait(left)

    def quiet(self, seconds: float = 0.3) -> list[dict]:
        """Wait a moment; the frames that arrived and nobody expected."""
        time.sleep(seconds)
        with self._cond:
            return list(self._unread)

    def next_id(self) -> str:
        return f"h{next(self._ids)}"

    def request(self, frame: dict, reply_type: str, timeout: float = TIMEOUT) -> dict:
        rid = self.next_id()
        self.send(dict(frame, id=rid))
        return self.expect(reply_type, timeout=timeout, id=rid)

    # ------------------------------------------------------------------ conveniences

    def invoke(self, name: str, args: str = "", **kw) -> dict:
        return self.request({"type": "command_invoked", "name": name, "args": args},
                            "command_response", **kw)

    def call_tool(self, name: str, args: dict, **kw) -> dict:
        return self.request({"type": "tool_call", "name": name, "args": args}, "tool_result", **kw)

    def intercept(self, event: str, **fields) -> dict:
        return self.request(dict({"type": "event_intercept", "event": event}, **fields),
                            "event_intercept_response")

    def event(self, event: str, **fields) -> None:
        self.send(dict({"type": "event", "event": event}, **fields))

    def key(self, panel_id: str, key: str, text: str = "") -> None:
        self.send({"type": "panel_key", "panel_id": panel_id, "key": key, "text": text or key})

    def answer_ui(self, value=None, cancelled: bool = False, **match) -> dict:
        """Wait for a ui_request and answer it; returns the request."""
        req = self.expect("ui_request", **match)
        self.send({"type": "ui_response", "id": req["id"], "value": value, "cancelled": cancelled})
        return req

    def shutdown(self, timeout: float = TIMEOUT) -> int:
        self.send({"type": "shutdown"})
        self.expect("shutdown_ack", timeout=timeout)
        return self.wait(timeout)

    def close_stdin(self, timeout: float = TIMEOUT) -> int:
        self.proc.stdin.close()
        return self.wait(timeout)

    def wait(self, timeout: float = TIMEOUT) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise HostError(f"the script did not exit in {timeout}s; stderr:\n{self.stderr}") from None

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr) if self.proc else ():
            try:
                stream.close()
            except (OSError, ValueError):
                pass

    def __enter__(self) -> "FakeHost":
        return self

    def __exit__(self, *exc) -> None:
        self.kill()
