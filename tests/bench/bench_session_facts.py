"""Benchmark: the `session` facts (counters read from the history) that every tool call and widget
refresh computes, for histories of 200 to 20,000 messages.

    .venv/bin/python tests/bench/bench_session_facts.py

It prints figures only: microseconds for the first count of a history (a resumed session), for
each later tool call (the counters carry forward), and the ratio against copying the usage alone
(what the facts cost before the counters). Counting from the history keeps the counters
right after compaction and `--continue`; this shows what that costs per call.
"""
from __future__ import annotations

import time
from dataclasses import asdict

from zot.ext.facts import session_facts
from zot.llm.types import Usage


def history(n: int) -> list[dict]:
    out: list[dict] = []
    for i in range(n // 2):
        out.append({"role": "assistant", "content": None,
                    "tool_calls": [{"id": f"c{i}", "function": {"name": ("bash", "read", "edit")[i % 3]}}]})
        out.append({"role": "tool", "tool_call_id": f"c{i}", "content": "x"})
    return out


def per_call(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    usage = Usage(1000, 200, cost=0.01)
    tools = ["bash", "read", "write", "edit", "ls", "grep", "find"]
    for n in (200, 2_000, 20_000):
        fresh = [history(n) for _ in range(5)]
        start = time.perf_counter()
        for listed in fresh:
            session_facts(listed, usage, tools)
        first = (time.perf_counter() - start) / len(fresh) * 1e6
        messages = history(n)
        session_facts(messages, usage, tools)

        def one_more_call() -> None:      # what a session does: two messages, then the facts again
            messages.extend(history(2))
            session_facts(messages, usage, tools)
        steady = per_call(one_more_call, 2000)
        baseline = per_call(lambda: {"usage": asdict(usage), "cost": usage.cost, "messages": len(messages)}, 2000)
        print(f"{n:>6} messages: first count {first:8.1f} µs; each later call {steady:5.1f} µs, "
              f"usage alone {baseline:4.1f} µs (ratio {steady / baseline:4.1f}x)")


if __name__ == "__main__":
    main()
