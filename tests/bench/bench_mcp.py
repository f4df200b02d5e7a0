"""What an MCP server costs: importing the SDK, starting a server, and one tool call.

Run: `.venv/bin/python tests/bench/bench_mcp.py [calls]`. Prints figures only; benchmarks never
assert timings. Uses the tests' SDK server (tests/mcp/server.py) over stdio, in a temporary
ZOT_HOME.

(a) `import mcp` in a fresh interpreter, against `import zot.cli` alone (what a session without
    MCP servers pays: nothing, the SDK is never imported);
(b) start: spawn the server, negotiate, list its tools (through zot's McpHost);
(c) one call of `echo` through the McpTool (zot's conversion included), against one call of the
    built-in `ls` tool in the same process: the ratio is MCP's overhead per call.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))
SERVER = REPO / "tests" / "mcp" / "server.py"


def fresh_import(module: str, runs: int = 3) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True).stdout) for _ in range(runs))


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


async def calls(n: int) -> None:
    from zot.ext.mcp.host import McpHost
    from zot.ext.mcp.spec import ServerSpec
    from zot.tools import builtin_tools
    from zot.tools.base import ToolContext

    folder = Path(tempfile.mkdtemp())
    spec = ServerSpec("bench", "demo", folder, folder, {"command": [sys.executable, str(SERVER)]})
    tools: dict = {}
    host = McpHost([spec], tools)
    host.attach(lambda level, text, source: print(f"  notice: {text}"))
    started = time.perf_counter()
    await host.start()
    print(f"(b) start + tools/list: {1000 * (time.perf_counter() - started):.0f} ms "
          f"({len(tools)} tools)")
    echo = tools["demo__echo"]
    ls = {t.name: t for t in builtin_tools()}["ls"]
    ctx = ToolContext(cwd=folder, project_root=folder)
    mcp_times, ls_times = [], []
    for i in range(n):
        t = time.perf_counter()
        await echo.run({"text": f"call {i}"}, ctx)
        mcp_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        await ls.run({}, ctx)
        ls_times.append(time.perf_counter() - t)
    await host.shutdown()
    mcp_ms = [1000 * x for x in mcp_times]
    ls_ms = [1000 * x for x in ls_times]
    ratio = statistics.median(mcp_ms) / statistics.median(ls_ms)
    print(f"(c) {n} calls: MCP echo p50 {statistics.median(mcp_ms):.2f} ms, p95 {p(mcp_ms, 0.95):.2f} ms; "
          f"built-in ls p50 {statistics.median(ls_ms):.2f} ms; ratio {ratio:.1f}x")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    home = tempfile.mkdtemp()
    os.environ.update(HOME=home, ZOT_HOME=str(Path(home) / ".zot"))
    sdk, cli = fresh_import("mcp"), fresh_import("zot.cli")
    print(f"(a) import mcp {1000 * sdk:.0f} ms; import zot.cli {1000 * cli:.0f} ms "
          f"(a session without MCP servers never imports mcp)")
    from zot.ext.mcp.client import load_sdk

    load_sdk()
    asyncio.run(calls(n))


if __name__ == "__main__":
    main()
