"""Line-delimited JSON on a pair of byte streams, and requests the extension makes of zot.

One `Wire` per process. `send` may be called from any thread (a lock keeps frames whole).
`frames()` is read by one thread only, the reader loop. `request` sends a frame with a fresh id
and blocks the calling (worker) thread until the reader loop hands over the reply with that id
(`deliver`), the timeout passes, or the stream ends (`close`): the reader never waits on a handler.
"""
from __future__ import annotations

import json
import sys
import threading

MAX_FRAME = 4 * 1024 * 1024  # bytes per line, both directions (docs/protocol.md)


class FrameTooLarge(ValueError):
    """A frame would be over `MAX_FRAME` bytes."""


class HostGone(RuntimeError):
    """zot closed the pipe (or never answered); no reply will come."""


class Wire:
    def __init__(self, inp, out, log) -> None:
        self._inp = inp
        self._out = out
        self._log = log
        self._lock = threading.Lock()
        self._pending: dict = {}
        self._next = 0
        self._reader = None
        self.closed = False
        self.stopping = False  # shutdown received: no new requests (nobody would read the reply)

    # ---------------------------------------------------------------- writing

    def send(self, frame: dict) -> None:
        """Write one frame. Raises FrameTooLarge (nothing written) or HostGone."""
        line = json.dumps(frame, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        if len(line) > MAX_FRAME:
            raise FrameTooLarge(f"a {frame.get('type')} frame of {len(line)} bytes is over the "
                                f"{MAX_FRAME} byte limit")
        with self._lock:
            if self.closed:
                raise HostGone("zot has gone")
            try:
                self._out.write(line)
                self._out.flush()
            except (BrokenPipeError, OSError, ValueError) as exc:
                self.closed = True
                raise HostGone(f"cannot write to zot: {exc}") from None

    # ---------------------------------------------------------------- reading

    def frames(self):
        """Yield each frame (a dict with a str `type`) until end of input.

        A line that is not a JSON object with a `type`, or is over the size limit, is logged,
        answered with an `error` frame and skipped.
        """
        self._reader = threading.current_thread()
        while True:
            try:
                line = self._inp.readline(MAX_FRAME + 1)
            except (OSError, ValueError):
                return
            if not line:
                return
            if len(line) > MAX_FRAME and not line.endswith(b"\n"):
                self._skip_rest()
                self._complain(f"a frame over {MAX_FRAME} bytes was skipped")
                continue
            line = line.strip()
            if not line:
                continue
            try:
                frame = json.loads(line)
            except ValueError as exc:
                self._complain(f"a frame is not JSON ({exc}): {line[:80]!r}")
                continue
            if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                self._complain(f"a frame has no type: {line[:80]!r}")
                continue
            yield frame

    def _skip_rest(self) -> None:
        while True:
            chunk = self._inp.readline(MAX_FRAME + 1)
            if not chunk or chunk.endswith(b"\n"):
                return

    def _complain(self, message: str) -> None:
        self._log(message)
        try:
            self.send({"type": "error", "message": message})
        except (HostGone, FrameTooLarge):
            pass

    # ---------------------------------------------------------------- requests

    def request(self, frame: dict, timeout: float | None = None) -> dict:
        """Send `frame` with a fresh `id` and wait for the frame that answers it.

        Raises HostGone when the stream ends first and TimeoutError after `timeout` seconds.
        """
        if threading.current_thread() is self._reader:
            raise RuntimeError("a request from the reader thread would wait for itself; "
                               "ask from a handler")
        slot = [threading.Event(), None]
        with self._lock:
            if self.closed or self.stopping:
                raise HostGone("zot is shutting down")
            self._next += 1
            rid = f"x{self._next}"
            self._pending[rid] = slot
        try:
            self.send(dict(frame, id=rid))
            if not slot[0].wait(timeout):
                raise TimeoutError(f"zot did not answer {frame.get('type')} in {timeout:g}s")
        finally:
            with self._lock:
                self._pending.pop(rid, None)
        if slot[1] is None:
            raise HostGone("zot has gone")
        return slot[1]

    def deliver(self, frame: dict) -> bool:
        """Hand a reply to the request waiting for its id; False when nobody waits for it."""
        with self._lock:
            slot = self._pending.pop(str(frame.get("id")), None)
        if slot is None:
            return False
        slot[1] = frame
        slot[0].set()
        return True

    def close(self, writing: bool = False) -> None:
        """The input ended (or zot asked to shut down): wake every waiting request (they raise
        HostGone) and refuse new ones. `writing` keeps sending possible (for shutdown_ack)."""
        with self._lock:
            self.stopping = True
            self.closed = self.closed or not writing
            slots = list(self._pending.values())
            self._pending.clear()
        for slot in slots:
            slot[0].set()


def stderr_log(prefix: str):
    """A logger that writes `prefix: message` lines to stderr (zot keeps them in ext-NAME.log)."""
    lock = threading.Lock()

    def log(message: str) -> None:
        with lock:
            try:
                sys.stderr.write(f"{prefix}: {message}\n")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
    return log
