"""Keystroke echo with an editor interceptor script installed, while a reply streams.

Run: `.venv/bin/python tests/bench/bench_editor.py [keys]`. Prints figures only.

The shipped `vim` example (an SDK script that intercepts every key) is put in INSERT mode, so
each key makes the round trip zot -> script -> zot (`editor_key` / `editor_key_response`) and
is then typed. A reply streams at ~200 one-token chunks a second meanwhile. The time is from
writing a key to the pseudo-terminal to reading its echo back. The same is measured without the
interceptor in the same run, and the ratio printed. Target: median under 15 ms, p95 under 30 ms.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path[:0] = [str(REPO), str(HERE)]

from bench_repl import WORDS, _echo_times, ms, summary, words  # noqa: E402
from tests.fakellm import FakeLLMServer, text  # noqa: E402
from tests.ui.term import Term, project  # noqa: E402

KEYS = "ABCDEFGHIJLMNPQRSUVWXYZ"


def run(root: Path, name: str, interceptor: bool, rounds: int) -> tuple[list[float], bool]:
    home = root / f"home-{name}"
    home.mkdir()
    (root / name).mkdir()
    proj = project(root / name)
    tokens = 6000
    extra = ["-e", str(REPO / "extensions" / "vim")] if interceptor else []
    with FakeLLMServer() as server:
        server.enqueue(text(words(tokens), chunks=tokens, delay=0.005))
        term = Term(["--no-ext", *extra, "--model", "openai/fake", "--api-base", server.url, "--api-key", "t"],
                    proj, home, bytecode=True)
        term.ready(60)
        if interceptor:
            term.wait_for(" NORMAL", timeout=60, screen_only=True)
            term.send("i")
            term.wait_for(" INSERT", timeout=30, screen_only=True)
        term.type("stream please")
        term.wait_for("alpha beta gamma", timeout=60, screen_only=True)
        term.feed = False                     # time the echo, not the screen emulator
        times: list[float] = []
        for _ in range(rounds):
            times += _echo_times(term, KEYS, gap=0.05)
        mark = len(term.raw)
        term.settle(0.3)
        streaming = any(w in term.raw[mark:] for w in WORDS)
        term.send("\x1b")
        term.settle(0.5)
        term.close()
    return times, streaming


def main() -> None:
    rounds = max(1, int(sys.argv[1]) // len(KEYS)) if len(sys.argv) > 1 else 4
    with tempfile.TemporaryDirectory(prefix="zot-bench-editor-") as tmp:
        root = Path(tmp)
        plain, plain_streaming = run(root, "plain", False, rounds)
        hooked, hooked_streaming = run(root, "vim", True, rounds)
    ratio = statistics.median(hooked) / statistics.median(plain)
    print(f"keystroke echo while a reply streams, vim interceptor (every key a round trip to the script): "
          f"{summary(hooked)}{'' if hooked_streaming else ' (the stream ended before the last key)'}")
    print(f"the same without an interceptor: {summary(plain)}"
          f"{'' if plain_streaming else ' (the stream ended before the last key)'}")
    print(f"median ratio interceptor / none: {ratio:.2f} (+{ms(statistics.median(hooked) - statistics.median(plain))})")


if __name__ == "__main__":
    main()
