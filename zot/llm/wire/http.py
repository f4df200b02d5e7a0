"""HTTP for the lean wire: one pooled httpx client per event loop, a streamed POST that turns an
error status into a `ProviderError`, and server-sent events read with `httpx-sse`.

No timeouts are set on httpx: `zot.llm.stream`'s watchdog bounds every wait (connect, first
byte, each chunk) with the model's `idle_timeout` and reports which one it was. Proxies and
custom CA bundles come from the usual environment variables (`HTTPS_PROXY`, `SSL_CERT_FILE`),
as with litellm.
"""
from __future__ import annotations

import asyncio
import json
import threading
import weakref
from typing import Any, AsyncIterator

import httpx

from zot import __version__
from zot.llm.wire.base import ProviderError

__all__ = ["USER_AGENT", "events", "post", "read_json", "warm"]

USER_AGENT = f"zot/{__version__}"

_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[bool, httpx.AsyncClient]]" = (
    weakref.WeakKeyDictionary())
_ssl_lock = threading.Lock()
_ssl_context: Any = None


def _tls() -> Any:
    """The verifying TLS context, made once: loading the CA bundle costs ~20 ms."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = httpx.create_ssl_context()
        return _ssl_context


def warm(secure: bool = False) -> None:
    """Do ahead of the first request what it would wait for (called from `zot.llm.preload`):
    imports, reading the price map, and the TLS context when the model is reached over HTTPS."""
    import anyio._backends._asyncio  # noqa: F401 - what httpcore's first request would import
    import httpx_sse  # noqa: F401

    from zot.llm import prices

    httpx.AsyncClient(verify=False)    # the transport's own lazy imports
    prices.entry("")
    if secure:
        _tls()


def _client(url: str) -> httpx.AsyncClient:
    """The pooled client of the running loop (kept alive across turns: one TCP/TLS handshake)."""
    secure = url.startswith("https:")
    per_loop = _clients.setdefault(asyncio.get_running_loop(), {})
    client = per_loop.get(secure)
    if client is None:
        # a plain-HTTP client (a local server) needs no CA bundle at all
        client = httpx.AsyncClient(timeout=None, verify=_tls() if secure else False)
        per_loop[secure] = client
    return client


async def post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST `body` and return the streamed response once its headers are in.

    A status of 400 or more raises `ProviderError` with the provider's own message.
    """
    client = _client(url)
    request = client.build_request("POST", url, content=body, headers=headers)
    response = await client.send(request, stream=True)
    if response.status_code < 400:
        return response
    try:
        raw = await response.aread()
    finally:
        await response.aclose()
    raise ProviderError(response.status_code, error_message(raw, response.reason_phrase),
                        response.headers)


def error_message(raw: bytes, reason: str = "") -> str:
    """The message of an error body: `{"error": {"message": ...}}`, `{"message": ...}`, or text."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict):
        inner = data.get("error", data)
        if isinstance(inner, str) and inner:
            return inner
        if isinstance(inner, dict):
            for key in ("message", "detail", "error"):
                if isinstance(inner.get(key), str) and inner[key]:
                    return inner[key]
    text = raw.decode("utf-8", "replace").strip()
    return " ".join(text.split())[:300] or reason or "no details given"


def read_json(data: str) -> dict[str, Any] | None:
    """One event's JSON object, `None` for anything else (a stray comment, a keep-alive)."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


async def events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """`(event, data)` of every server-sent event; a JSON (not streamed) body is one `("json", body)`."""
    kind = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind == "application/json":
        yield "json", (await response.aread()).decode("utf-8", "replace")
        return
    if kind != "text/event-stream":
        raise ProviderError(None, f"expected a stream of server-sent events, got content-type {kind!r}")
    from httpx_sse import EventSource

    source = EventSource(response).aiter_sse()
    try:
        async for sse in source:
            yield sse.event, sse.data
    finally:
        await source.aclose()
