"""Turn whatever litellm, openai, httpx or the OS raised into one `LLMError` with a kind.

litellm's exception classes are a good start but not enough on their own: a refused or
dropped connection reaches us as `InternalServerError` (status 500) with the real cause only
in the exception chain, and a context-length overflow from an OpenAI-compatible server is a
plain `BadRequestError` unless litellm recognised the wording. So the classifier looks at the
class names along the whole chain, the HTTP status and the provider's own message, in that
order. Classes are compared by name, so this module never imports litellm.
"""
from __future__ import annotations

import ast
import json
import re
from typing import Any, Iterator

from zot.llm.types import ErrorKind, LLMError

__all__ = ["classify", "retry_after"]

_CONTEXT_PATTERNS = re.compile(
    r"context[ _-]?(length|window)|maximum context|context_length_exceeded|too many tokens"
    r"|prompt is too long|input is too long|exceeds? the (model's )?(maximum|context)"
    r"|reduce the length of the messages|token limit",
    re.IGNORECASE,
)

_AUTH_PATTERNS = re.compile(
    r"missing credentials|missing .{0,40}api.?key|api.?key (must be set|is required|is missing)"
    r"|no api.?key|invalid api.?key|incorrect api.?key",
    re.IGNORECASE,
)

_CONNECTION_CLASSES = {
    "APIConnectionError", "ConnectError", "ReadError", "WriteError", "RemoteProtocolError",
    "ServerDisconnectedError", "ClientConnectorError", "ClientOSError", "ClientConnectionError",
    "ClientPayloadError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
    "ConnectionAbortedError", "BrokenPipeError", "NetworkError", "ProtocolError",
}
_TIMEOUT_CLASSES = {"Timeout", "APITimeoutError", "TimeoutException", "ReadTimeout",
                    "ConnectTimeout", "PoolTimeout", "WriteTimeout", "SocketTimeoutError",
                    "ServerTimeoutError", "TimeoutError"}
_CONFIG_CLASSES = {"UnsupportedParamsError", "LiteLLMUnknownProvider", "NotFoundError"}
_BAD_REQUEST_CLASSES = {"BadRequestError", "UnprocessableEntityError", "ContentPolicyViolationError"}
_SERVER_CLASSES = {"ServiceUnavailableError", "InternalServerError", "BadGatewayError", "APIError",
                   "APIStatusError"}

_PREFIX = re.compile(
    r"^\s*(litellm\.)?[A-Za-z]*(Error|Exception)\s*(:|-)\s*|^\s*[A-Za-z]+Exception\s*-\s*"
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, each once."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def _names(exc: BaseException) -> set[str]:
    """Class names of every exception in the chain, with their bases."""
    return {cls.__name__ for e in _chain(exc) for cls in type(e).__mro__}


def _status(exc: BaseException) -> int | None:
    for e in _chain(exc):
        status = getattr(e, "status_code", None)
        if isinstance(status, int) and status > 0:
            return status
    return None


def provider_message(exc: BaseException) -> str:
    """The provider's own words, without litellm's `litellm.XError: XError: OpenAIException -`."""
    for e in _chain(exc):
        body = getattr(e, "body", None)
        if isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]:
            return _one_line(body["message"])
    text = str(getattr(exc, "message", None) or exc)
    found = _json_message(text)
    if found:
        return _one_line(found)
    previous = None
    while previous != text:
        previous, text = text, _PREFIX.sub("", text, count=1)
    return _one_line(text) or type(exc).__name__


_BYTES_LITERAL = re.compile(r"""b(['"])\{.*\}\1""", re.DOTALL)


def _json_message(text: str) -> str | None:
    """`error.message` of a JSON body quoted in `text`."""
    inner = _json_error(text)
    if inner is not None and isinstance(inner.get("message"), str) and inner["message"]:
        return inner["message"]
    return None


#: Anthropic's error types, for errors whose status litellm lost (it reports them as 500s).
_ERROR_TYPE_STATUS = {"invalid_request_error": 400, "authentication_error": 401, "permission_error": 403,
                      "not_found_error": 404, "request_too_large": 413, "rate_limit_error": 429,
                      "overloaded_error": 529}


def _json_error(text: str) -> dict[str, Any] | None:
    """The `error` object of a JSON body quoted in `text`, as such or as a `b'...'` bytes repr
    (litellm's Anthropic errors arrive that way)."""
    literal = _BYTES_LITERAL.search(text)
    if literal:
        try:
            text = ast.literal_eval(literal.group(0)).decode("utf-8", "replace")
        except (ValueError, SyntaxError):
            pass
    start = text.find("{")
    if start < 0:
        return None
    try:
        data, _ = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return None
    inner = data.get("error", data) if isinstance(data, dict) else None
    return inner if isinstance(inner, dict) else None


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _kind(exc: BaseException, names: set[str], status: int | None, detail: str) -> ErrorKind | None:
    """The kind, or `None` when nothing about the exception is recognised."""
    if "ContextWindowExceededError" in names:
        return "context_window"
    if status in (400, 413, 422) and _CONTEXT_PATTERNS.search(detail + " " + str(exc)):
        return "context_window"
    if names & {"AuthenticationError", "PermissionDeniedError"} or status in (401, 403):
        return "auth"
    if status in (None, 500) and _AUTH_PATTERNS.search(detail):  # a client-side "no key" check
        return "auth"
    if "RateLimitError" in names or status == 429:
        return "rate_limit"
    if names & _TIMEOUT_CLASSES or status == 408:  # before connection: timeouts subclass it
        return "timeout"
    if names & _CONNECTION_CLASSES:
        return "connection"
    if status is not None and status >= 500:
        return "server"
    if names & _CONFIG_CLASSES or status == 404 or "LLM Provider NOT provided" in str(exc):
        return "config"
    if status is not None and 400 <= status < 500 or names & _BAD_REQUEST_CLASSES:
        return "bad_request"
    if names & _SERVER_CLASSES:
        return "server"
    return None


_LABELS: dict[str, str] = {
    "auth": "authentication failed",
    "context_window": "the conversation is longer than the model's context window",
    "rate_limit": "rate limited by the provider",
    "timeout": "the request timed out",
    "connection": "could not reach the model",
    "server": "the provider had an error",
    "bad_request": "the provider rejected the request",
    "config": "the model is not configured correctly",
}


def classify(exc: BaseException, model: str = "", api_base: str | None = None) -> LLMError:
    """Map any exception from a model call to an `LLMError` with a one-line message.

    The message names what the user can check: the model for auth, config and context
    errors, the `api_base` (when set) for connection problems and timeouts.
    """
    if isinstance(exc, LLMError):
        return exc
    names = _names(exc)
    status = _status(exc)
    if status in (None, 500):
        inner = _json_error(str(getattr(exc, "message", None) or exc))
        typed = _ERROR_TYPE_STATUS.get(str((inner or {}).get("type")))
        if typed is not None:   # the provider said what it was; litellm's class and status did not
            status, names = typed, names - _CONNECTION_CLASSES
    if names & _CONNECTION_CLASSES and status == 500:
        status = None  # litellm reports a refused or dropped connection as a made-up 500
    detail = provider_message(exc)
    kind = _kind(exc, names, status, detail)
    if kind == "auth" and status == 500:
        status = None  # a key missing on our side, reported by litellm as a made-up 500
    retryable: bool | None = None  # the kind decides
    if kind is None:  # not a provider error we recognise (a bug somewhere): report, never retry
        kind, retryable = "server", False
        detail = f"{type(exc).__name__}: {detail}"
    where = ""
    if model and kind in ("config", "auth", "context_window"):
        where = f" ({model})"
    elif api_base and kind in ("connection", "timeout"):
        where = f" at {api_base}"
    code = f" [{status}]" if status else ""
    err = LLMError(kind, f"{_LABELS[kind]}{where}{code}: {detail}", status=status,
                   retryable=retryable)
    err.__cause__ = exc
    return err


def retry_after(exc: BaseException) -> float | None:
    """Seconds the provider asked us to wait (`Retry-After`), when it said so."""
    for e in _chain(exc):
        for holder in (getattr(e, "response", None), e):
            headers: Any = getattr(holder, "headers", None)
            if not headers:
                continue
            try:
                value = headers.get("retry-after") or headers.get("Retry-After")
                if value is not None:
                    return max(0.0, float(value))
            except (TypeError, ValueError, AttributeError):
                continue
    return None
