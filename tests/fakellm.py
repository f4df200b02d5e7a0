"""A local OpenAI-compatible chat server that replays scripted responses.

Tests never reach the internet and never need an API key, yet litellm, HTTP streaming and
tool-call assembly must be exercised for real. So the tests start this server on 127.0.0.1
(port 0), point a `ModelConfig` at `server.url`, `enqueue` the replies the "model" should give,
and afterwards inspect `server.requests` (the JSON bodies the client sent).

    server.enqueue(text("hello", chunks=3))
    server.enqueue(tool_calls([call("read", {"path": "a.py"})], pieces=8))
    server.enqueue(error(500, "boom"))
    server.enqueue(lambda body: text("you said " + body["messages"][-1]["content"]))

A scripted reply is a `Reply`; the helpers below build the common ones. Streamed requests get
SSE (`data: {...}` chunks, then `data: [DONE]`); other requests get one JSON object built from
the same chunks. When the queue is empty the server answers 500 with a message that says so.

The same server speaks Anthropic's Messages API at `POST /v1/messages` (give a model
`server.anthropic_url` as its base): the same scripted replies, rendered by
`tests/fakellm_anthropic.py`.
"""
from __future__ import annotations

import json
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator, Union

import pytest

from tests import fakellm_anthropic as anthropic

__all__ = [
    "FakeLLMServer", "Reply", "call", "chunks", "drop", "error", "llm_server", "stall", "text",
    "tool_calls", "usage",
]


# --------------------------------------------------------------------------- scripted replies


@dataclass
class Reply:
    """One scripted answer.

    `deltas` are the `choices[0].delta` objects of the streamed chunks, in order. `usage` is
    sent in a final chunk with empty `choices` (what OpenAI does with `include_usage`), or on
    the finishing chunk when `usage_on_finish_chunk`. `status` != 200 makes it an HTTP error
    with `error_body`. `stall_after` stops sending after that many chunks for `stall_seconds`
    (the server gives up early when the client hangs up or the server stops). `drop_after`
    closes the connection abruptly after that many chunks (0 = before any response).
    `first_byte_delay` waits before sending anything at all (not even headers).
    """

    deltas: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str | None = "stop"
    usage: dict[str, Any] | None = None
    usage_on_finish_chunk: bool = False
    status: int = 200
    error_body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stall_after: int | None = None
    stall_seconds: float = 30.0
    drop_after: int | None = None
    first_byte_delay: float = 0.0


Scripted = Union[Reply, Callable[[dict[str, Any]], Reply]]


def usage(prompt: int = 10, completion: int = 5, cached: int | None = None) -> dict[str, Any]:
    """An OpenAI usage object; `cached` fills `prompt_tokens_details.cached_tokens`."""
    u: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if cached is not None:
        u["prompt_tokens_details"] = {"cached_tokens": cached}
    return u


def _split(s: str, n: int) -> list[str]:
    """Split `s` into `n` nearly equal, non-empty pieces (fewer if `s` is shorter)."""
    n = max(1, min(n, len(s))) if s else 1
    size, extra = divmod(len(s), n)
    out, pos = [], 0
    for i in range(n):
        step = size + (1 if i < extra else 0)
        out.append(s[pos:pos + step])
        pos += step
    return out


def text(
    content: str,
    chunks: int = 1,
    *,
    usage: dict[str, Any] | None = None,
    delay: float = 0.0,
    finish_reason: str = "stop",
    role_chunk: bool = True,
) -> Reply:
    """A plain text answer streamed in `chunks` pieces (after a role-only chunk, like OpenAI)."""
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}] if role_chunk else []
    deltas += [{"content": piece} for piece in _split(content, chunks)]
    return Reply(deltas=deltas, usage=usage, delay=delay, finish_reason=finish_reason)


def chunks(deltas: list[dict[str, Any]], **kw: Any) -> Reply:
    """Full control: stream exactly these deltas (plus finish and usage chunks)."""
    return Reply(deltas=list(deltas), **kw)


def call(name: str, arguments: dict[str, Any] | str, id: str | None = None) -> dict[str, Any]:
    """One tool call for `tool_calls`; a str `arguments` is sent verbatim (bad JSON, concatenated)."""
    return {"name": name, "arguments": arguments, "id": id}


def tool_calls(
    calls: list[dict[str, Any]],
    *,
    pieces: int = 1,
    empty_deltas: bool = False,
    id_every_piece: bool = False,
    interleave: bool = False,
    omit_index: bool = False,
    content: str | None = None,
    usage: dict[str, Any] | None = None,
    delay: float = 0.0,
    finish_reason: str = "tool_calls",
) -> Reply:
    """Tool calls streamed the awkward ways real providers do.

    Each call's argument text is split into `pieces` fragments. The first fragment of a call
    carries `id`, `type` and `function.name` (with empty arguments, like OpenAI); the rest carry
    only `index` and an argument fragment, unless `id_every_piece`. `empty_deltas` inserts a
    delta with `arguments: ""` between fragments. Several calls are told apart by `index`;
    `interleave` alternates their fragments instead of sending one call after the other.
    `omit_index` leaves `index` out (some OpenAI-compatible servers do). `content` is streamed
    as text before the calls.
    """
    per_call: list[list[dict[str, Any]]] = []
    for i, c in enumerate(calls):
        args = c["arguments"]
        raw = args if isinstance(args, str) else json.dumps(args)
        cid = c.get("id") or f"call_{i}_fake"
        head: dict[str, Any] = {
            "index": i, "id": cid, "type": "function", "function": {"name": c["name"], "arguments": ""},
        }
        seq = [head]
        for piece in _split(raw, pieces) if raw else []:
            d: dict[str, Any] = {"index": i, "function": {"arguments": piece}}
            if id_every_piece:
                d.update(id=cid, type="function")
                d["function"]["name"] = c["name"]
            if empty_deltas:
                seq.append({"index": i, "function": {"arguments": ""}})
            seq.append(d)
        if omit_index:
            for d in seq:
                d.pop("index", None)
        per_call.append(seq)

    ordered: list[dict[str, Any]] = []
    if interleave:
        for k in range(max(len(s) for s in per_call)):
            ordered += [s[k] for s in per_call if k < len(s)]
    else:
        for s in per_call:
            ordered += s

    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": content}] if content else [
        {"role": "assistant", "content": None}
    ]
    deltas += [{"tool_calls": [d]} for d in ordered]
    return Reply(deltas=deltas, usage=usage, delay=delay, finish_reason=finish_reason)


def error(status: int, message: str, *, code: str | None = None, type: str | None = None,
          headers: dict[str, str] | None = None) -> Reply:
    """An HTTP error with an OpenAI-shaped body.

    A 400 whose message mentions the context length gets `code: context_length_exceeded`, as
    OpenAI sends it, unless `code` is given.
    """
    if code is None and status == 400 and "context length" in message.lower():
        code = "context_length_exceeded"
    if type is None:
        type = {400: "invalid_request_error", 401: "invalid_request_error",
                429: "rate_limit_exceeded"}.get(status, "server_error")
    body = {"error": {"message": message, "type": type, "param": None, "code": code}}
    return Reply(status=status, error_body=body, headers=dict(headers or {}))


def stall(after_chunks: int = 1, seconds: float = 30.0, content: str = "thinking...") -> Reply:
    """Stream `after_chunks` text chunks of `content`, then go silent for `seconds`."""
    r = text(content, chunks=max(after_chunks, 1), role_chunk=False)
    r.stall_after = after_chunks
    r.stall_seconds = seconds
    return r


def drop(after_chunks: int = 0, content: str = "partial") -> Reply:
    """Hang up: close the connection without a response (0) or after `after_chunks` chunks."""
    r = text(content, chunks=max(after_chunks, 1), role_chunk=False)
    r.drop_after = after_chunks
    return r


# --------------------------------------------------------------------------- the wire format


def _chunk(body_id: str, model: str, created: int, choices: list[dict[str, Any]],
           usage: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": body_id, "object": "chat.completion.chunk", "created": created, "model": model,
        "system_fingerprint": "fp_fake", "choices": choices,
    }
    if usage is not None:
        out["usage"] = usage
    return out


def _stream_events(reply: Reply, model: str, include_usage: bool) -> Iterator[dict[str, Any]]:
    """The chunk objects of a streamed reply, in order (without the final [DONE])."""
    cid, created = "chatcmpl-fake", int(time.time())
    for d in reply.deltas:
        yield _chunk(cid, model, created, [{"index": 0, "delta": d, "logprobs": None, "finish_reason": None}])
    if reply.finish_reason is not None:
        finish = [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": reply.finish_reason}]
        if reply.usage is not None and reply.usage_on_finish_chunk:
            yield _chunk(cid, model, created, finish, reply.usage)
            return
        yield _chunk(cid, model, created, finish, None)
    if reply.usage is not None and (include_usage or reply.usage_on_finish_chunk):
        yield _chunk(cid, model, created, [], reply.usage)


def _whole(reply: Reply, model: str) -> dict[str, Any]:
    """A non-streamed chat.completion made by merging the reply's deltas."""
    content: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    for d in reply.deltas:
        if d.get("content"):
            content.append(d["content"])
        for tc in d.get("tool_calls") or []:
            slot = calls.setdefault(tc.get("index", 0), {"id": None, "type": "function",
                                                         "function": {"name": "", "arguments": ""}})
            slot["id"] = slot["id"] or tc.get("id")
            fn = tc.get("function") or {}
            slot["function"]["name"] = slot["function"]["name"] or fn.get("name") or ""
            slot["function"]["arguments"] += fn.get("arguments") or ""
    message: dict[str, Any] = {"role": "assistant", "content": "".join(content) or None}
    if calls:
        message["tool_calls"] = [calls[k] for k in sorted(calls)]
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
        "model": model, "system_fingerprint": "fp_fake",
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": reply.finish_reason or "stop"}],
        "usage": reply.usage or usage(0, 0),
    }


# --------------------------------------------------------------------------- the server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_HTTPServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._send_json(404, {"error": {"message": f"fakellm: no GET {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        route = self.path.rstrip("/")
        is_anthropic = route.endswith("/v1/messages")
        if not (route.endswith("/chat/completions") or is_anthropic):
            self._send_json(404, {"error": {"message": f"fakellm: no route POST {self.path}",
                                            "type": "not_found"}})
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError as e:
            self._send_json(400, {"error": {"message": f"fakellm: body is not JSON: {e}",
                                            "type": "invalid_request_error"}})
            return
        fake = self.server.fake
        reply = fake._next_reply(body, {k.lower(): v for k, v in self.headers.items()})
        self._answer(reply, body, is_anthropic)

    # -- answering

    def _answer(self, reply: Reply, body: dict[str, Any], is_anthropic: bool = False) -> None:
        if reply.first_byte_delay and self._wait(reply.first_byte_delay):
            self.close_connection = True
            return
        if reply.drop_after == 0:
            self._hang_up(reset=True)
            return
        if reply.status != 200:
            error_body = reply.error_body or {"error": {"message": "error"}}
            if is_anthropic:
                error_body = anthropic.error_body(reply.status, error_body)
            self._send_json(reply.status, error_body, reply.headers)
            return
        model = str(body.get("model", "fake-model"))
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            if is_anthropic:
                self._stream(reply, anthropic.stream_steps(reply, model), b"")
            else:
                steps = (f"data: {json.dumps(e)}\n\n".encode() for e in _stream_events(reply, model, include_usage))
                self._stream(reply, steps, b"data: [DONE]\n\n")
        else:
            if reply.delay:
                self._wait(reply.delay * max(len(reply.deltas), 1))
            whole = anthropic.whole(reply, model) if is_anthropic else _whole(reply, model)
            self._send_json(200, whole, reply.headers)

    def _stream(self, reply: Reply, steps: Iterator[bytes], done: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.end_headers()
        try:
            for n, step in enumerate(steps):
                if reply.drop_after is not None and n >= reply.drop_after:
                    # let the client read what was sent: an EOF that arrives with the last data
                    # can make the HTTP client discard that data
                    self._wait(0.1)
                    self._hang_up()
                    return
                if reply.stall_after is not None and n >= reply.stall_after:
                    self._wait(reply.stall_seconds)
                    self._hang_up()
                    return
                if reply.delay and self._wait(reply.delay):
                    return
                if step:
                    self._write_chunk(step)
            if done:
                self._write_chunk(done)
            self._write_chunk(b"")
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _send_json(self, status: int, obj: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def _hang_up(self, reset: bool = False) -> None:
        """Close the connection like a dying upstream: a reset, or an EOF mid-response.

        A reset (RST) makes the client drop data it has not read yet, so it is only used
        before anything was sent; mid-stream the server just stops and closes (FIN).
        """
        self.close_connection = True
        try:
            self.wfile.flush()
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR if reset else socket.SHUT_WR)
        except OSError:
            pass

    def _wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; return True early if the server stops or the client hangs up."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.server.fake._closing.wait(min(left, 0.05)):
                return True
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                if readable and not self.connection.recv(1, socket.MSG_PEEK):
                    return True  # EOF: the client is gone
            except OSError:
                return True
        return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: "FakeLLMServer"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a cancelled stream, a process that exits with its connection
        open) is normal here; anything else is printed as usual."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class FakeLLMServer:
    """The server object tests talk to: `enqueue`, `requests`, `url`, `start`, `stop`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._httpd = _HTTPServer((host, 0), _Handler)
        self._httpd.fake = self
        self._queue: list[Scripted] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # request headers, names lower-cased
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}/v1"
        self.anthropic_url = f"http://{host}:{port}"

    def enqueue(self, *replies: Scripted) -> "FakeLLMServer":
        """Add scripted replies (or callables `body -> Reply`), consumed one per request."""
        with self._lock:
            self._queue.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """How many scripted replies have not been consumed yet."""
        with self._lock:
            return len(self._queue)

    def _next_reply(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            item = self._queue.pop(0) if self._queue else None
            n = len(self.requests)
        if item is None:
            return error(500, f"fakellm: no scripted response left for request #{n} "
                              f"(enqueue one more reply)", type="fakellm_queue_empty")
        if callable(item):
            try:
                return item(body)
            except Exception as e:  # a broken test callback should be loud, not a hang
                return error(500, f"fakellm: response callable raised {type(e).__name__}: {e}")
        return item

    def start(self) -> "FakeLLMServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fakellm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._thread is not None:
            self._httpd.shutdown()  # waits for serve_forever, so only when it runs
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FakeLLMServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def llm_server() -> Iterator[FakeLLMServer]:
    """A started `FakeLLMServer`, stopped after the test."""
    with FakeLLMServer() as server:
        yield server
