"""What a quiet script extension (one that never sends `ready`, like the Go zot docs' quick-start
and its `clock` example) adds to zot's start-up. Target: < 0.5 s (before, such a script was
killed after 3 s and added those 3 s to every start).

Run: `.venv/bin/python tests/bench/bench_quiet_script.py [runs]`. Prints figures only; benchmarks
never assert timings.

Each run is the console script as a user starts it, `zot -p --no-ext [-e FOLDER] /help` (a
command that needs no model but waits for the scripts like every start does), in a fresh
temporary HOME. Compared: no extension (the baseline), the quick-start script (quiet), the same
script sending `ready` after its registration, and, when node is installed, a Node script
shaped like the `clock` example (quiet).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ZOT = Path(sys.executable).with_name("zot")

QUICK_START = '''#!/usr/bin/env python3
import json, sys

def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\\n")
    sys.stdout.flush()

emit({"type":"hello","name":"%(name)s","version":"1.0.0","capabilities":["commands"]})
emit({"type":"register_command","name":"hellopy","description":"say hi (python)"})
%(ready)s
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "command_invoked":
        emit({"type":"command_response","id":msg["id"],"action":"display","display":"hi"})
    elif msg["type"] == "shutdown":
        emit({"type":"shutdown_ack"})
        break
'''

CLOCK = '''import { createInterface } from "node:readline";
const send = (o) => process.stdout.write(JSON.stringify(o) + "\\n");
send({ type: "hello", name: "clock", version: "1.0.0", capabilities: ["commands"] });
send({ type: "register_command", name: "now", description: "the time" });
const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const f = JSON.parse(line);
  if (f.type === "shutdown") { send({ type: "shutdown_ack" }); rl.close(); }
});
rl.on("close", () => process.exit(0));
'''


def folder(root: Path, name: str, files: dict[str, str], manifest: dict) -> Path:
    path = root / name
    path.mkdir(parents=True)
    for file, body in files.items():
        (path / file).write_text(body)
        (path / file).chmod(0o755)
    (path / "extension.json").write_text(json.dumps({"name": name, **manifest}))
    return path


def start_up(extension: Path | None, root: Path) -> float:
    home = Path(tempfile.mkdtemp(dir=root))
    env = {**os.environ, "HOME": str(home), "ZOT_HOME": str(home / ".zot")}
    args = [str(ZOT), "-p", "--no-ext", *(["-e", str(extension)] if extension else []), "/help"]
    started = time.perf_counter()
    out = subprocess.run(args, cwd=home, env=env, capture_output=True, text=True, timeout=60)
    took = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"zot failed: {out.stderr}")
    return took


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    root = Path(tempfile.mkdtemp(prefix="zot-bench-quiet-"))
    try:
        cases: dict[str, Path | None] = {
            "no extension": None,
            "quick-start, quiet (no ready)": folder(root, "quiet", {"hello.py": QUICK_START % {
                "name": "quiet", "ready": ""}}, {"exec": "./hello.py"}),
            "quick-start + ready": folder(root, "ready", {"hello.py": QUICK_START % {
                "name": "ready", "ready": 'emit({"type": "ready"})'}}, {"exec": "./hello.py"}),
        }
        if shutil.which("node"):
            clock = folder(root, "clock", {"index.js": CLOCK}, {"exec": "node", "args": ["index.js"]})
            (clock / "package.json").write_text('{"type": "module"}')
            cases["clock (node), quiet"] = clock
        start_up(None, root)                    # warm the caches (bytecode, the manifest cache)
        medians: dict[str, float] = {}
        for label, extension in cases.items():
            times = [start_up(extension, root) for _ in range(runs)]
            medians[label] = statistics.median(times)
        base = medians["no extension"]
        print(f"zot -p --no-ext [-e EXT] /help, median of {runs} runs:")
        for label, median in medians.items():
            extra = "" if label == "no extension" else f"   adds {median - base:+.3f} s ({median / base:.2f}x)"
            print(f"  {label:<32} {median:.3f} s{extra}")
        quiet = medians["quick-start, quiet (no ready)"] - base
        print(f"a quiet extension adds {quiet:.3f} s to start-up (target < 0.5 s; it was 3 s + its own start)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
