"""The REPL's responsiveness, measured in a real pseudo-terminal (pexpect + pyte).

Run: `.venv/bin/python tests/bench/bench_repl.py [runs]`. Prints figures only; benchmarks never
assert timings.

(a) start-up with 20 generated extensions (global scope: a command, a guard and a widget each):
    the time from spawning `zot` to the painted prompt (target < 300 ms), and to the extensions
    being loaded (the status bar shows their widgets); median of `runs` (default 5);
(b) keystroke echo while a reply streams at ~200 tokens/s (the local model sends one token per
    chunk, 5 ms apart): the time from writing a key to the pseudo-terminal to reading its echo
    back; and the same with the REPL idle, for comparison.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path[:0] = [str(REPO)]

from tests.fakellm import FakeLLMServer, text  # noqa: E402
from tests.ui.term import Term, project  # noqa: E402

EXTENSION = """\
schema: zot/extension/v1
name: gen{n}
version: 1.0.0
description: Generated extension {n}
commands:
  cmd{n}:
    description: Command {n}
    args: [{{name: mode, enum: [a, b], default: a}}]
    display: "mode {{{{ args.mode }}}}"
guards:
  no-secret-{n}:
    tool: bash
    when: {{shell: {{program: rm, flags: [r]}}}}
    action: deny
    reason: generated rule {n}
widgets:
  w{n}:
    placement: status
    text: "w{n}"
"""


WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta")   # lower case: keys typed are upper


def words(n: int) -> str:
    """n words of varied text (litellm stops a stream that repeats one chunk over and over)."""
    return " ".join(WORDS[i % len(WORDS)] for i in range(n)) + " "


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def make_extensions(home: Path, count: int = 20) -> None:
    for n in range(1, count + 1):
        folder = home / ".zot" / "extensions" / f"gen{n}"
        folder.mkdir(parents=True)
        (folder / "extension.yaml").write_text(EXTENSION.format(n=n))


def until(term: Term, check, timeout: float = 60) -> None:
    """Read the screen until `check(screen)` holds (no settling pause: this is a stopwatch)."""
    deadline = time.perf_counter() + timeout
    while not check(term.display()):
        if not term.pump(0.001) or time.perf_counter() > deadline:
            raise RuntimeError(f"zot did not get there; the screen:\n{term.display()}")


def startup(root: Path, runs: int) -> None:
    home = root / "home-start"
    home.mkdir()
    make_extensions(home)
    (root / "start").mkdir()
    proj = project(root / "start")
    prompt, loaded = [], []
    for _ in range(runs + 1):                 # the first run warms the disk cache; not counted
        t0 = time.perf_counter()
        term = Term([], proj, home, bytecode=True)
        until(term, lambda s: "›" in s)
        t1 = time.perf_counter()
        until(term, lambda s: "w1 " in s and "loading" not in s)
        t2 = time.perf_counter()
        term.close()
        prompt.append(t1 - t0)
        loaded.append(t2 - t0)
    prompt, loaded = prompt[1:], loaded[1:]
    print(f"(a) start-up with 20 extensions, median of {runs}: prompt painted {ms(statistics.median(prompt))} "
          f"(min {ms(min(prompt))}, max {ms(max(prompt))}); extensions loaded {ms(statistics.median(loaded))} "
          f"(min {ms(min(loaded))}, max {ms(max(loaded))})")


def _echo_times(term: Term, keys: str, gap: float = 0.15) -> list[float]:
    times = []
    for key in keys:
        mark = len(term.raw)
        t0 = time.perf_counter()
        term.send(key)
        while key not in term.raw[mark:]:
            if not term.pump(0.001):
                raise RuntimeError("zot exited")
            if time.perf_counter() - t0 > 5:
                break
        times.append(time.perf_counter() - t0)
        term.settle(gap)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {ms(statistics.median(times))}, p95 {ms(p95)}, max {ms(max(times))} ({len(times)} keys)"


def stream_rate(chunks: int = 400) -> float:
    """Chunks per second the local server really sends at 5 ms per chunk (its timer is coarse)."""
    import json
    import urllib.request

    with FakeLLMServer() as server:
        server.enqueue(text(words(chunks), chunks=chunks, delay=0.005))
        body = json.dumps({"model": "fake", "stream": True, "messages": []}).encode()
        request = urllib.request.Request(server.url + "/chat/completions", data=body,
                                         headers={"Content-Type": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request) as reply:
            for _ in reply:
                pass
        return chunks / (time.perf_counter() - started)


def echo(root: Path) -> None:
    home = root / "home-echo"
    home.mkdir()
    (root / "echo").mkdir()
    proj = project(root / "echo")
    tokens = 4000
    with FakeLLMServer() as server:
        server.enqueue(text(words(tokens), chunks=tokens, delay=0.005))
        term = Term(["--no-ext", "--model", "openai/fake", "--api-base", server.url, "--api-key", "t"], proj, home,
                     bytecode=True)
        term.ready(60)
        term.type("stream please")
        term.wait_for("alpha beta gamma", timeout=60, screen_only=True)
        term.feed = False                     # time the echo, not the screen emulator
        started = time.perf_counter()
        busy = _echo_times(term, "ABCDEFGHIJLMNPQRSUVWXYZ", gap=0.1)
        elapsed = time.perf_counter() - started
        mark = len(term.raw)
        term.settle(0.3)
        streaming = any(w in term.raw[mark:] for w in WORDS)
        term.send("\x1b")                     # interrupt the stream
        term.settle(1.0)
        for _ in range(20):
            term.send("\x7f")
        term.settle(0.5)
        idle = _echo_times(term, "QJZXKVWYBG")
        term.close()
    print(f"(b) keystroke echo while a reply streams (one-token chunks 5 ms apart: {stream_rate():.0f} tokens/s "
          "measured on this server): "
          f"{summary(busy)}; {'still streaming at the end' if streaming else 'the stream ended meanwhile'}, "
          f"measured over {elapsed:.1f} s")
    print(f"    keystroke echo, idle (for comparison): {summary(idle)}")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="zot-bench-repl-") as tmp:
        root = Path(tmp)
        startup(root, runs)
        echo(root)


if __name__ == "__main__":
    main()
