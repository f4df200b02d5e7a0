"""What a script intercept costs: one round trip over the persistent pipe against one Python
process spawned per decision.

Run: `.venv/bin/python tests/bench/bench_script.py [calls] [spawns]`. Prints figures only;
benchmarks never assert timings.

(a) a raw-protocol Python script (json + sys.stdin, no SDK) is started once through the real
    ScriptHost; each `tool_call` then goes through the script's intercept adapter
    (`ToolCallIntercept.rewrite`: event_intercept out, event_intercept_response back, a
    modified_args on every tenth call) — the target is p50 < 1 ms;
(b) the way hook-based agents decide: `python -c SCRIPT` per call, the call as JSON on stdin,
    the decision on stdout.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

from zot.ext.compile.commands import CommandTable  # noqa: E402
from zot.ext.hooks import CallInfo, Hooks  # noqa: E402
from zot.ext.script.host import Live, ScriptHost  # noqa: E402
from zot.ext.script.spec import spec_of  # noqa: E402

DECIDE = r"""
def decide(frame):
    command = frame["tool_args"].get("command", "")
    reply = {"type": "event_intercept_response", "id": frame.get("id")}
    if "rm -rf" in command:
        reply.update(block=True, reason="no recursive delete")
    elif command.endswith("0"):
        reply["modified_args"] = dict(frame["tool_args"], command=command + " # checked")
    return reply
"""

PIPE_SCRIPT = "import json, sys\n" + DECIDE + textwrap.dedent(r"""
    def send(frame):
        sys.stdout.write(json.dumps(frame) + "\n")
        sys.stdout.flush()
    send({"type": "hello", "name": "bench", "version": "1"})
    sys.stdin.readline()
    send({"type": "subscribe", "intercept": ["tool_call"]})
    send({"type": "ready"})
    for line in sys.stdin:
        frame = json.loads(line)
        if frame["type"] == "event_intercept":
            send(decide(frame))
        elif frame["type"] == "shutdown":
            send({"type": "shutdown_ack"})
            break
""")

SPAWN_SCRIPT = "import json, sys\n" + DECIDE + "print(json.dumps(decide(json.load(sys.stdin))))\n"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def pipe(calls: int, folder: Path) -> list[float]:
    (folder / "main.py").write_text(PIPE_SCRIPT)
    spec = spec_of("bench", folder, {"exec": sys.executable, "args": ["main.py"]})
    hooks = Hooks()
    host = ScriptHost([spec], Live({}, CommandTable(), hooks), folder, {"model": "openai/fake"})
    await host.start()
    [intercept] = hooks.rewriters
    times: list[float] = []
    try:
        for i in range(calls + 20):
            args = {"command": f"ls -la build/{i}"}
            call = CallInfo(f"c{i}", "bash", args, dict(args), str(folder), str(folder))
            started = time.perf_counter()
            await intercept.rewrite(call)
            if i >= 20:                     # warm-up
                times.append(time.perf_counter() - started)
    finally:
        await host.shutdown()
    return times


async def spawn(calls: int) -> list[float]:
    import json

    times: list[float] = []
    for i in range(calls):
        frame = {"id": str(i), "tool_name": "bash", "tool_args": {"command": f"ls -la build/{i}"}}
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SPAWN_SCRIPT, stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE)
        out, _ = await proc.communicate(json.dumps(frame).encode())
        json.loads(out)
        times.append(time.perf_counter() - started)
    return times


async def main(calls: int, spawns: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ZOT_HOME"] = str(Path(tmp) / "zot-home")   # logs and data stay in the temporary folder
        piped = await pipe(calls, Path(tmp))
    spawned = await spawn(spawns)
    p50, p99 = pct(piped, 0.50) * 1e3, pct(piped, 0.99) * 1e3
    s50 = statistics.median(spawned) * 1e3
    print(f"persistent pipe: {len(piped)} intercepts, p50 {p50:.3f} ms, p99 {p99:.3f} ms "
          f"(target p50 < 1 ms: {'met' if p50 < 1 else 'MISSED'})")
    print(f"spawn per call : {len(spawned)} decisions, p50 {s50:.1f} ms")
    print(f"ratio          : the pipe is {s50 / p50:.0f}x faster at p50")


if __name__ == "__main__":
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    spawns = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    asyncio.run(main(calls, spawns))
