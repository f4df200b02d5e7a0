"""What the agent costs on top of the model: start-up, per-turn loop overhead, resuming a big session.

Run: `.venv/bin/python tests/bench/bench_agent.py [turns] [messages]`. Prints figures only;
benchmarks never assert timings. The model is the local fake server (tests/fakellm.py).

(a) `zot --version` start-up, median of 20 runs;
(b) the loop's added latency per turn: N turns of a short text answer through `run_agent`,
    interleaved with `zot.llm.stream_chat` called directly with exactly the messages and tools the
    loop sent for that turn, same server, same process; medians and their ratio (target < 1.10);
(c) resuming a session of 10,000 messages: `load_session`, and `zot -c -p` end to end with the
    server answering (target < 1 s for the load).
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

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path[:0] = [str(REPO), str(HERE)]

from bench_session_resume import generate  # noqa: E402

from tests.fakellm import FakeLLMServer, text, usage  # noqa: E402
from zot.agent.loop import AgentState, run_agent  # noqa: E402
from zot.agent.session import SessionWriter, load_session  # noqa: E402
from zot.llm import ModelConfig, stream_chat  # noqa: E402
from zot.tools import builtin_tools  # noqa: E402

ZOT = Path(sys.executable).with_name("zot")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def startup(runs: int = 20) -> None:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(ZOT), "--version"], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    print(f"(a) zot --version: median {ms(statistics.median(times))} over {runs} runs "
          f"(min {ms(min(times))}, max {ms(max(times))})")


async def _turns(server: FakeLLMServer, project: Path, turns: int, session: SessionWriter | None) -> tuple[list, list]:
    cfg = ModelConfig("openai/fake", api_base=server.url, api_key="test")
    state = AgentState(model=cfg, tools={t.name: t for t in builtin_tools()}, cwd=project, project_root=project,
                       session=session)
    loop_times, direct_times = [], []
    for i in range(-3, turns):           # three warm-up turns: litellm import, connection pool
        server.enqueue(text(f"answer {i}", chunks=3, usage=usage(100 + i, 3)))
        t = time.perf_counter()
        await run_agent(state, f"question {i}", lambda event: None)
        loop_t = time.perf_counter() - t
        body = server.requests[-1]
        server.enqueue(text(f"answer {i}", chunks=3, usage=usage(100 + i, 3)))
        t = time.perf_counter()
        await stream_chat(cfg, body["messages"], body.get("tools"), on_text=lambda piece: None)
        direct_t = time.perf_counter() - t
        if i >= 0:
            loop_times.append(loop_t)
            direct_times.append(direct_t)
    return loop_times, direct_times


def loop_overhead(project: Path, turns: int) -> None:
    for label, with_session in (("no session", False), ("with a session file", True)):
        with FakeLLMServer() as server:
            session = SessionWriter.create(project, project, "openai/fake") if with_session else None
            try:
                loop_times, direct_times = asyncio.run(_turns(server, project, turns, session))
            finally:
                if session:
                    session.close()
        loop_med, direct_med = statistics.median(loop_times), statistics.median(direct_times)
        print(f"(b) {turns} turns, {label}: run_agent median {ms(loop_med)}, stream_chat median "
              f"{ms(direct_med)}, ratio {loop_med / direct_med:.3f} (added {ms(loop_med - direct_med)} per turn)")


def resume(project: Path, messages: int) -> None:
    path = generate(project, messages)
    size = path.stat().st_size / 1e6
    loads = []
    for _ in range(5):
        t = time.perf_counter()
        loaded = load_session(path)
        loads.append(time.perf_counter() - t)
    print(f"(c) session of {len(loaded.messages)} messages ({size:.1f} MB): load_session median "
          f"{ms(statistics.median(loads))} over 5")
    with FakeLLMServer() as server:
        server.enqueue(text("continuing", usage=usage(90_000, 5)))   # real providers report usage
        t = time.perf_counter()
        out = subprocess.run([str(ZOT), "-c", "-p", "next step", "--model", "openai/fake", "--api-base", server.url,
                              "--api-key", "test"], cwd=project, capture_output=True, text=True)
        elapsed = time.perf_counter() - t
        sent = len(server.requests[0]["messages"]) if server.requests else 0
    status = "ok" if out.returncode == 0 and out.stdout.strip() == "continuing" else f"FAILED: {out.stderr.strip()}"
    print(f"(c) zot -c -p on that session, end to end: {elapsed:.2f} s ({status}; {sent} messages sent "
          f"after compaction)")


def main() -> None:
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(HOME=tmp, ZOT_HOME=str(Path(tmp) / "zot"), LITELLM_LOCAL_MODEL_COST_MAP="True")
        for var in ("ZOT_MODEL", "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL"):
            os.environ.pop(var, None)
        project = Path(tmp) / "project"
        (project / ".git").mkdir(parents=True)
        startup()
        loop_overhead(project, turns)
        resume(project, messages)


if __name__ == "__main__":
    main()
