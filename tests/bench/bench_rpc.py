"""What `zot rpc` costs: start-up to the first answer, and per prompt on top of the session.

Run: `.venv/bin/python tests/bench/bench_rpc.py [prompts]`. Prints figures only; benchmarks
never assert timings. The model is the local fake server (tests/fakellm.py).

(a) `zot rpc` spawned, `ping` sent, until its `response`: median of 10 (no litellm import);
(b) one prompt to its `done` over the pipes, N times in one process, against the same prompts
    sent through `AgentSession.send` in this process (same server): medians and their ratio,
    i.e. what the protocol, the pipes and the JSON add per prompt.
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path[:0] = [str(REPO)]

from tests.fakellm import FakeLLMServer, text, usage  # noqa: E402

ZOT = Path(sys.executable).with_name("zot")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spawn(project: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([str(ZOT), "rpc", "--no-ext"], cwd=project, env=env, text=True, bufsize=1,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def until(proc: subprocess.Popen, kind: str) -> None:
    for line in proc.stdout:
        if json.loads(line).get("type") == kind:
            return
    raise RuntimeError(f"zot rpc ended before {kind}")


def startup(project: Path, env: dict[str, str], runs: int = 10) -> None:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = spawn(project, env)
        proc.stdin.write('{"id":"1","type":"ping"}\n')
        until(proc, "response")
        times.append(time.perf_counter() - t)
        proc.stdin.close()
        proc.wait()
    print(f"(a) zot rpc to the ping answer: median {ms(statistics.median(times))} over {runs} runs "
          f"(min {ms(min(times))}, max {ms(max(times))})")


def over_pipes(server: FakeLLMServer, project: Path, env: dict[str, str], prompts: int) -> list[float]:
    proc = spawn(project, env)
    times = []
    for i in range(-3, prompts):               # warm-up: litellm import, connection pool
        server.enqueue(text(f"answer {i}", chunks=3, usage=usage(100, 3)))
        t = time.perf_counter()
        proc.stdin.write(json.dumps({"id": str(i), "type": "prompt", "message": f"question {i}"}) + "\n")
        until(proc, "done")
        if i >= 0:
            times.append(time.perf_counter() - t)
        proc.stdin.write('{"type":"clear"}\n')
        until(proc, "response")
    proc.stdin.close()
    proc.wait()
    return times


def in_process(server: FakeLLMServer, project: Path, prompts: int) -> list[float]:
    from zot.agent.agent_session import AgentSession
    from zot.agent.options import Options

    os.chdir(project)
    opts = Options(model="openai/fake", api_base=server.url, api_key="test", no_session=True, no_ext=True)

    async def run() -> list[float]:
        session = AgentSession.create(opts)
        await session.start()
        times = []
        for i in range(-3, prompts):
            server.enqueue(text(f"answer {i}", chunks=3, usage=usage(100, 3)))
            t = time.perf_counter()
            await session.send(f"question {i}", "rpc")
            if i >= 0:
                times.append(time.perf_counter() - t)
            session.new()
        await session.close()
        return times

    return asyncio.run(run())


def main() -> None:
    prompts = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp, FakeLLMServer() as server:
        home, project = Path(tmp) / "home", Path(tmp) / "project"
        (home / ".zot").mkdir(parents=True)
        (project / ".git").mkdir(parents=True)
        (home / ".zot" / "settings.yaml").write_text(f"api_base: {server.url}\napi_key: test\n")
        env = {**os.environ, "HOME": str(home), "ZOT_HOME": str(home / ".zot"), "ZOT_MODEL": "openai/fake",
               "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        os.environ.update(HOME=env["HOME"], ZOT_HOME=env["ZOT_HOME"], LITELLM_LOCAL_MODEL_COST_MAP="True")
        startup(project, env)
        piped = statistics.median(over_pipes(server, project, env, prompts))
        direct = statistics.median(in_process(server, project, prompts))
        print(f"(b) a prompt to its done: over the pipes {ms(piped)}, AgentSession.send {ms(direct)}; "
              f"ratio {piped / direct:.2f} (median of {prompts})")


if __name__ == "__main__":
    main()
