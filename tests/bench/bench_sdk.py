"""Benchmark: the cost of `zot.sdk` to a script extension.

Run it directly (it is not part of the test suite):

    .venv/bin/python tests/bench/bench_sdk.py

It prints figures only:
- import time: the median of 20 `python -c "import zot.sdk"` runs minus the median of 20 bare
  `python -c pass` runs (target: under 100 ms; typically 10-20 ms);
- start-up: spawn extensions/calc until its `ready` frame, through the test suite's fake host;
- round trip: a `tool_call` to `tool_result` with calc, median of 500.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNS = 20


def _seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    return time.perf_counter() - started


def import_time() -> tuple[float, float]:
    _seconds("import zot.sdk")  # warm the file cache
    sdk = statistics.median(_seconds("import zot.sdk") for _ in range(RUNS))
    bare = statistics.median(_seconds("pass") for _ in range(RUNS))
    return sdk, bare


def calc_figures() -> tuple[float, float]:
    sys.path.insert(0, str(REPO))
    from tests.sdk.fakehost import FakeHost

    with tempfile.TemporaryDirectory() as data:
        starts = []
        for _ in range(5):
            started = time.perf_counter()
            host = FakeHost.for_extension(REPO / "extensions" / "calc", data_dir=data).start()
            starts.append(time.perf_counter() - started)
            host.shutdown()
            host.kill()
        with FakeHost.for_extension(REPO / "extensions" / "calc", data_dir=data) as host:
            host.start()
            trips = []
            for i in range(500):
                started = time.perf_counter()
                host.call_tool("calc", {"expression": f"{i} * 3 + 1"})
                trips.append(time.perf_counter() - started)
            host.shutdown()
    return statistics.median(starts), statistics.median(trips)


def main() -> None:
    sdk, bare = import_time()
    print(f"import zot.sdk:      {(sdk - bare) * 1000:6.1f} ms  "
          f"(python -c 'import zot.sdk' {sdk * 1000:.1f} ms, bare python {bare * 1000:.1f} ms, "
          f"medians of {RUNS})")
    start, trip = calc_figures()
    print(f"calc start to ready: {start * 1000:6.1f} ms  (median of 5)")
    print(f"calc tool round trip:{trip * 1000:6.2f} ms  (median of 500)")


if __name__ == "__main__":
    main()
