"""How long resuming a 10,000-message session takes (load + repair + context, and the listing).

Run: `.venv/bin/python tests/bench/bench_session_resume.py [messages]`. Prints figures only;
benchmarks never assert timings. The file is generated with the writer's own encoder but without
an fsync per line, so generating it is quick; reading is what is measured.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from zot.agent.session import SessionWriter, compaction_record, list_sessions, load_session, message_record
from zot.agent.session_store import encode_record


def generate(project: Path, n: int) -> Path:
    with SessionWriter.create(project, project, "openai/gpt-4o") as w:
        path = w.path
    lines = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            m = {"role": "user", "content": f"please look at module_{i}.py and fix the failing test " * 3}
        elif kind == 1:
            args = json.dumps({"path": f"src/module_{i}.py", "offset": i, "limit": 200})
            m = {"role": "assistant", "content": "Let me read the file.",
                 "tool_calls": [{"id": f"call_{i}", "type": "function",
                                 "function": {"name": "read", "arguments": args}}]}
        elif kind == 2:
            m = {"role": "tool", "tool_call_id": f"call_{i - 1}",
                 "content": "\n".join(f"{j:>4}  def f_{j}(x):  return x * {j}" for j in range(40))}
        else:
            m = {"role": "assistant", "content": "Fixed: the loop was off by one. " * 8}
        usage = {"prompt_tokens": 1200 + i, "completion_tokens": 80, "total_tokens": 1280 + i}
        lines.append(encode_record(message_record(m, usage=usage, cost=0.0012, model="openai/gpt-4o")))
        if i == n // 2:
            lines.append(encode_record(compaction_record("summary " * 200, first_kept=n // 4)))
    lines.append(b'{"type":"message","message":{"role":"user","content":"torn')  # a crash's leftover
    with open(path, "ab") as fh:
        fh.write(b"".join(lines))
    return path


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ZOT_HOME"] = str(Path(tmp) / "zot")
        project = Path(tmp) / "proj"
        project.mkdir()
        path = generate(project, n)
        size = path.stat().st_size / 1e6
        s = load_session(path)
        assert len(s.messages) == n, len(s.messages)
        load = best_of(lambda: load_session(path).context_messages())
        listing = best_of(lambda: list_sessions(project))
        print(f"session: {n} messages, {size:.1f} MB, {len(s.warnings)} warning(s)")
        print(f"load_session + context_messages: {load * 1000:.1f} ms (best of 5)")
        print(f"list_sessions (1 file):          {listing * 1000:.1f} ms (best of 5)")


if __name__ == "__main__":
    main()
