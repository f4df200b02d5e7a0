"""A small MCP server for the tests, written with the official SDK (MCPServer).

    python server.py                 # stdio
    python server.py --http          # streamable HTTP on 127.0.0.1, port printed on stdout

Every tool call is appended to the file named by $MCP_RECORD as one JSON line {"tool", "args"},
so a test can tell what reached the server (and what never did). $MCP_START_DELAY (seconds)
makes it slow to start; $MCP_FAIL_START makes it exit at once with a message on stderr;
$MCP_PIDFILE gets its process id.
"""
from __future__ import annotations

import base64
import json
import os
import socket
import sys
import time

if os.environ.get("MCP_FAIL_START"):
    print("demo server: refusing to start (MCP_FAIL_START)", file=sys.stderr)
    sys.exit(2)
if os.environ.get("MCP_PIDFILE"):
    with open(os.environ["MCP_PIDFILE"], "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")
time.sleep(float(os.environ.get("MCP_START_DELAY") or 0))

from mcp.server.mcpserver import MCPServer  # noqa: E402
from mcp.server.mcpserver.utilities.types import Image  # noqa: E402

# a 1x1 PNG
DOT = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
server = MCPServer("demo")


def record(tool: str, **args) -> None:
    path = os.environ.get("MCP_RECORD")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"tool": tool, "args": args}) + "\n")


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    record("echo", text=text)
    return f"echo: {text}"


@server.tool()
def add(a: int, b: int) -> int:
    """Add two whole numbers."""
    record("add", a=a, b=b)
    return a + b


@server.tool()
def secret() -> str:
    """Return a configuration line."""
    record("secret")
    return "key=AKIAABCDEFGHIJKLMNOP region=eu"


@server.tool()
def picture() -> Image:
    """Return a small picture."""
    record("picture")
    return Image(data=DOT, format="png")


@server.tool()
def weather(city: str) -> dict:
    """The weather in a city, as structured data."""
    record("weather", city=city)
    return {"city": city, "celsius": 21}


@server.tool()
def env(name: str) -> str:
    """The value of an environment variable of the server, or (unset)."""
    record("env", name=name)
    return os.environ.get(name, "(unset)")


@server.tool()
def crash() -> str:
    """Exit the server process at once."""
    record("crash")
    os._exit(3)


@server.tool()
def slow(seconds: float) -> str:
    """Wait, then answer."""
    record("slow", seconds=seconds)
    time.sleep(seconds)
    return "done waiting"


def serve_http() -> None:
    import anyio
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    inner = server.streamable_http_app(host="127.0.0.1")

    async def app(scope, receive, send):      # records the Authorization header of each request
        if scope["type"] == "http" and os.environ.get("MCP_RECORD"):
            auth = dict(scope["headers"]).get(b"authorization")
            if auth:
                with open(os.environ["MCP_RECORD"] + ".auth", "a", encoding="utf-8") as fh:
                    fh.write(auth.decode() + "\n")
        await inner(scope, receive, send)

    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    anyio.run(lambda: uvicorn.Server(config).serve(sockets=[sock]))


if __name__ == "__main__":
    if "--http" in sys.argv:
        serve_http()
    else:
        server.run()
