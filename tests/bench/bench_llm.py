"""Issue 15: how fast zot answers, and how cheap a turn stays as the session grows.

Run: `.venv/bin/python tests/bench/bench_llm.py [runs]` (runs defaults to 7). Prints figures,
ratios measured in the same run, and whether each target is met; benchmarks never assert. The
model is the local fake server (tests/fakellm.py); bytecode is written, as in a normal install.

(a) `zot -p` on a 2-turn task (one bash call, then the answer) through zot's own client, the same
    task with `ZOT_LLM=litellm`, and `python -c "import litellm"`; runs alternate; median wall
    time and peak resident memory. Targets: lean < 0.5 s, >= 4x faster than the litellm path,
    < 80 MiB.
(b) The REPL in a pseudo-terminal: a question typed as soon as the prompt shows, from launch to
    the answer on the screen (target < 0.7 s), then its resident memory when idle (< 80 MiB).
(c) Per-request cost at 1,000 / 10,000 / 100,000 messages: `stream_chat` (each turn adds two
    messages, as a conversation does) against a plain httpx POST of the same body to the same
    server, already encoded (the floor: transport and the server's own parsing); the litellm
    path at 1,000 and 10,000. Target: within 2x of the plain POST.
(d) Resuming a 100,000-message session: `zot -c -p` end to end (target < 2 s), `load_session`
    alone, and one run through litellm.
"""
from __future__ import annotations

import asyncio
import gc
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
sys.path[:0] = [str(REPO), str(HERE)]

from bench_session_resume import generate  # noqa: E402

from tests.fakellm import FakeLLMServer, call, text, tool_calls, usage  # noqa: E402
from tests.ui.term import Term, project as _project  # noqa: E402

BIN = Path(sys.executable).parent
ZOT = BIN / "zot"
MiB = 1024 * 1024


def git_project(where: Path) -> Path:
    where.mkdir(parents=True)
    return _project(where)


def verdict(ok: bool) -> str:
    return "target met" if ok else "TARGET MISSED"


TIME = Path("/usr/bin/time")


CPU: dict[str, list[float]] = {}     # CPU seconds (user + system) of each measured run, by label


def run_measured(argv: list[str], cwd: Path, env: dict[str, str], label: str = "") -> tuple[float, float, str]:
    """(wall seconds, peak resident MiB, stdout) of one child process; its CPU time goes to
    `CPU[label]` (on a machine shared with other work, wall time grows and CPU time much less).

    The peak comes from /usr/bin/time when there is one: a child forked straight from this
    (large) process would count this process's memory in its own peak."""
    start = time.perf_counter()
    measured = [str(TIME), "-f", "%U %S %M", *argv] if TIME.exists() else argv
    proc = subprocess.run(measured, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    err = proc.stderr.decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {err[-500:]}")
    if TIME.exists():
        user, system, peak_kib = err.split()[-3:]
        CPU.setdefault(label, []).append(float(user) + float(system))
        return elapsed, float(peak_kib) / 1024, proc.stdout.decode()
    return elapsed, float("nan"), proc.stdout.decode()


def cpu(label: str) -> str:
    runs = CPU.get(label) or []
    return f", CPU {statistics.median(runs):.3f} s" if runs else ""


def two_turns(root: Path, env: dict[str, str], runs: int) -> None:
    proj = git_project(root / "a")
    kinds = {"lean": {}, "litellm": {"ZOT_LLM": "litellm"}, "import litellm": None}
    times: dict[str, list[float]] = {k: [] for k in kinds}
    rss: dict[str, list[float]] = {k: [] for k in kinds}
    with FakeLLMServer() as server:
        for n in range(runs + 1):                     # the first round warms caches; not counted
            for kind, extra in kinds.items():
                if extra is None:
                    argv = [str(BIN / "python"), "-c", "import litellm"]
                else:
                    server.enqueue(tool_calls([call("bash", {"command": "echo from-the-tool"})], usage=usage(300, 9)),
                                   text("Done: it printed from-the-tool.", chunks=4, usage=usage(340, 8)))
                    argv = [str(ZOT), "-p", "run echo", "--model", "openai/gpt-4o", "--api-base", server.url,
                            "--api-key", "test", "--yes"]
                elapsed, peak, out = run_measured(argv, proj, {**env, **(extra or {})}, kind if n else "")
                if extra is not None and "from-the-tool" not in out:
                    raise RuntimeError(f"{kind}: unexpected answer {out!r}")
                if n:
                    times[kind].append(elapsed)
                    rss[kind].append(peak)
    med = {k: statistics.median(v) for k, v in times.items()}
    mem = {k: statistics.median(v) for k, v in rss.items()}
    for kind in kinds:
        label = {"lean": "zot -p, zot's own client", "litellm": "zot -p, ZOT_LLM=litellm",
                 "import litellm": 'python -c "import litellm"'}[kind]
        print(f"(a) {label:<32} median {med[kind]:.3f} s (min {min(times[kind]):.3f}, max {max(times[kind]):.3f}), "
              f"peak RSS {mem[kind]:.0f} MiB{cpu(kind)}, n={runs}")
    ratio = med["litellm"] / med["lean"]
    print(f"    lean < 0.5 s: {verdict(med['lean'] < 0.5)}; litellm path / lean = {ratio:.1f}x "
          f"(>= 4x: {verdict(ratio >= 4)}); import litellm alone / lean = {med['import litellm'] / med['lean']:.1f}x; "
          f"lean peak RSS < 80 MiB: {verdict(mem['lean'] < 80)}")


def rss_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def repl(root: Path, runs: int) -> None:
    home = root / "home-repl"
    home.mkdir()
    proj = git_project(root / "b")
    answers, idle, answers_litellm, idle_litellm, after_enter = [], [], [], [], []
    with FakeLLMServer() as server:
        for n in range(runs + 1):
            for backend, times, memory in (("auto", answers, idle), ("litellm", answers_litellm, idle_litellm)):
                if backend == "litellm" and n > 2:
                    continue                          # a few runs are enough to compare
                server.enqueue(text("Hello from the model.", chunks=3))
                os.environ["ZOT_LLM"] = backend
                t0 = time.perf_counter()
                term = Term(["--model", "openai/fake", "--api-base", server.url, "--api-key", "t"], proj, home,
                            bytecode=True)
                term.wait_for("›", timeout=60, screen_only=True)
                term.send("hi there\r")               # typed as soon as the prompt shows
                sent = time.perf_counter()
                term.wait_for("Hello from the model.", timeout=60, screen_only=True)
                elapsed = time.perf_counter() - t0
                ticks = Path(f"/proc/{term.child.pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13]
                used = sum(int(t) for t in ticks) / os.sysconf("SC_CLK_TCK")
                after_enter.append(time.perf_counter() - sent) if backend == "auto" and n else None
                term.settle(1.0)
                resident = rss_of(term.child.pid)
                term.close()
                if n:
                    times.append(elapsed)
                    memory.append(resident)
                    CPU.setdefault("repl-" + backend, []).append(used)
    os.environ.pop("ZOT_LLM", None)
    print(f"(b) REPL, launch to the first answer on the screen: median {statistics.median(answers):.3f} s "
          f"(min {min(answers):.3f}, max {max(answers):.3f}{cpu('repl-auto')} in zot, n={runs}); "
          f"{verdict(statistics.median(answers) < 0.7)} "
          f"(< 0.7 s); Enter to answer {statistics.median(after_enter):.3f} s. With ZOT_LLM=litellm: launch to answer median "
          f"{statistics.median(answers_litellm):.3f} s (n={len(answers_litellm)})")
    print(f"    idle REPL resident memory after answering: median {statistics.median(idle):.0f} MiB "
          f"({verdict(statistics.median(idle) < 80)}, < 80 MiB); with litellm loaded "
          f"{statistics.median(idle_litellm):.0f} MiB")


def history(n: int) -> list[dict]:
    out: list[dict] = [{"role": "system", "content": "You are a coding agent. " * 40}]
    for i in range(n - 1):
        kind = i % 4
        if kind == 0:
            out.append({"role": "user", "content": f"please look at module_{i}.py and fix the failing test " * 3})
        elif kind == 1:
            out.append({"role": "assistant", "content": "Let me read the file.", "tool_calls": [
                {"id": f"call_{i}", "type": "function",
                 "function": {"name": "read", "arguments": json.dumps({"path": f"src/module_{i}.py"})}}]})
        elif kind == 2:
            out.append({"role": "tool", "tool_call_id": f"call_{i - 1}",
                        "content": "\n".join(f"{j:>4}  def f_{j}(x):  return x * {j}" for j in range(40))})
        else:
            out.append({"role": "assistant", "content": "Fixed: the loop was off by one. " * 8})
    return out


async def _per_request(server: FakeLLMServer, n: int, turns: int, litellm_too: bool) -> dict[str, float]:
    import httpx

    from zot.llm import ModelConfig, stream_chat

    messages = history(n)
    gc.freeze()                                       # a long-lived history, as zot keeps it
    lean = ModelConfig("openai/fake", api_base=server.url, api_key="test")
    slow = ModelConfig("openai/fake", api_base=server.url, api_key="test", backend="litellm")
    times: dict[str, list[float]] = {"lean": [], "plain": [], "litellm": []}
    async with httpx.AsyncClient(timeout=None) as client:
        for turn in range(turns + 1):                 # turn 0 warms up (encodes the history once)
            messages += [{"role": "user", "content": f"next step {turn}"},
                         {"role": "assistant", "content": f"done {turn}"}]
            server.enqueue(text("ok"))
            gc.collect()
            t = time.perf_counter()
            await stream_chat(lean, messages)
            lean_t = time.perf_counter() - t
            server.requests.clear()                   # the server keeps bodies; not 100,000 x turns
            body = json.dumps({"model": "fake", "messages": messages, "stream": True,
                               "stream_options": {"include_usage": True}}).encode()
            server.enqueue(text("ok"))
            gc.collect()
            t = time.perf_counter()
            async with client.stream("POST", server.url + "/chat/completions", content=body,
                                     headers={"Content-Type": "application/json"}) as reply:
                async for line in reply.aiter_lines():     # read up to [DONE], as any client does
                    if line.startswith("data: [DONE]"):
                        break
            plain_t = time.perf_counter() - t
            server.requests.clear()
            if turn:
                times["lean"].append(lean_t)
                times["plain"].append(plain_t)
        if litellm_too:
            for turn in range(2):
                server.enqueue(text("ok"))
                t = time.perf_counter()
                await stream_chat(slow, messages)
                server.requests.clear()
                if turn:
                    times["litellm"].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items() if v}


def per_request(turns: int) -> None:
    for n in (1_000, 10_000, 100_000):
        with FakeLLMServer() as server:
            med = asyncio.run(_per_request(server, n, turns if n < 100_000 else max(3, turns // 2), n <= 10_000))
        ratio = med["lean"] / med["plain"]
        slow = (f"; litellm path {med['litellm'] * 1000:.0f} ms ({med['litellm'] / med['lean']:.1f}x the lean one)"
                if "litellm" in med else "")
        print(f"(c) {n:>7,} messages: stream_chat {med['lean'] * 1000:.1f} ms, plain httpx POST of the same body "
              f"{med['plain'] * 1000:.1f} ms, ratio {ratio:.2f} ({verdict(ratio <= 2)}, <= 2x){slow}")


def resume(root: Path, env: dict[str, str], runs: int) -> None:
    from zot.agent.session import load_session

    proj = git_project(root / "d")
    os.environ["ZOT_HOME"] = env["ZOT_HOME"]
    path = generate(proj, 100_000)
    with open(path, "rb+") as fh:     # on disk before timing: zot's fsync on close must not write 72 MB
        os.fsync(fh.fileno())
    loads = []
    for _ in range(3):
        t = time.perf_counter()
        load_session(path)
        loads.append(time.perf_counter() - t)
    ends = []
    for n in range(runs + 1):
        with FakeLLMServer() as server:
            server.enqueue(text("continuing", usage=usage(90_000, 5)))
            elapsed, peak, out = run_measured([str(ZOT), "-c", "-p", "next step", "--model", "openai/fake",
                                               "--api-base", server.url, "--api-key", "test"], proj, env,
                                              "resume" if n else "")
            sent = len(server.requests[0]["messages"])
        if out.strip() != "continuing":
            raise RuntimeError(f"resume answered {out!r}")
        if n:
            ends.append(elapsed)
    with FakeLLMServer() as server:                  # once through litellm, for the comparison
        server.enqueue(text("continuing", usage=usage(90_000, 5)))
        slow, _, _ = run_measured([str(ZOT), "-c", "-p", "next step", "--model", "openai/fake",
                                   "--api-base", server.url, "--api-key", "test"], proj, {**env, "ZOT_LLM": "litellm"})
    med = statistics.median(ends)
    print(f"(d) resume a 100,000-message session ({path.stat().st_size / 1e6:.0f} MB, {sent:,} messages sent after "
          f"its compaction): zot -c -p median {med:.2f} s (min {min(ends):.2f}{cpu('resume')} in zot, n={runs}; "
          f"{verdict(med < 2)}, < 2 s); "
          f"load_session alone {statistics.median(loads):.2f} s; peak RSS {peak:.0f} MiB; through litellm (ZOT_LLM=litellm, "
          f"one run) {slow:.1f} s")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(prefix="zot-bench-llm-") as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "ZOT_MODEL", "ZOT_LLM", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                            "OPENAI_API_BASE", "ANTHROPIC_API_KEY")}
        env.update(HOME=tmp, ZOT_HOME=str(root / "zot"), LITELLM_LOCAL_MODEL_COST_MAP="True")
        os.environ.update(HOME=tmp, ZOT_HOME=env["ZOT_HOME"], LITELLM_LOCAL_MODEL_COST_MAP="True")
        os.environ.pop("ZOT_LLM", None)
        two_turns(root, env, runs)
        repl(root, runs)
        per_request(runs)
        resume(root, env, max(3, runs // 2))


if __name__ == "__main__":
    main()
