"""Benchmark: what the lock check adds to start-up, and how long install, sync and pack take.

Run it directly (it is not part of the test suite):

    .venv/bin/python tests/bench/bench_packs.py

It prints figures only: the start-up check (`installed.scan`) with no lock, and with a lock
pinning a pack of 20 extensions (each file hashed at every start-up), against a baseline run of
`load_extensions` in the same process; then one `zot recipe pack` and one `zot recipe sync`.
"""
from __future__ import annotations

import os
import statistics
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

EXT = """schema: zot/extension/v1
name: ext-{i}
version: 1.0.0
description: Extension {i}
guards:
  g-{i}:
    tool: bash
    when: {{shell: {{program: rm, flags: [r]}}}}
    action: deny
    reason: no
"""


def timed(fn, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="zot-bench-packs-"))
    os.environ.update(HOME=str(base), ZOT_HOME=str(base / ".zot"), GIT_CONFIG_NOSYSTEM="1",
                      GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b",
                      GIT_COMMITTER_EMAIL="b@b")
    project = base / "proj"
    (project / ".git").mkdir(parents=True)
    pack = base / "pack"
    (pack / "extensions").mkdir(parents=True)
    entries = ""
    for i in range(20):
        (pack / "extensions" / f"e{i}").mkdir()
        (pack / "extensions" / f"e{i}" / "extension.yaml").write_text(EXT.format(i=i))
        (pack / "extensions" / f"e{i}" / "notes.md").write_text("x" * 20_000)
        entries += f"  - path: extensions/e{i}\n"
    (pack / "recipe.yaml").write_text("schema: zot/recipe/v1\nname: big\nversion: 1.0.0\ndescription: Big\n"
                                      "extensions:\n" + entries)
    from zot.ext.loader import load_extensions
    from zot.ext.packs.installed import scan

    os.chdir(project)
    baseline = timed(lambda: load_extensions(project))
    no_lock = timed(lambda: scan(project))
    from zot.cli import main as zot

    start = time.perf_counter()
    assert zot(["recipe", "install", str(pack), "--project", "--yes"]) == 0
    install = (time.perf_counter() - start) * 1000
    scan(project)
    with_lock = timed(lambda: scan(project))
    loaded = timed(lambda: load_extensions(project))
    start = time.perf_counter()
    assert zot(["recipe", "pack", str(pack), "-o", str(base / "big.tar.gz")]) == 0
    packed = (time.perf_counter() - start) * 1000
    store = base / ".zot" / "store"
    shutil.rmtree(store)            # read-only files in writable folders: removable
    start = time.perf_counter()
    assert zot(["recipe", "sync"]) == 0
    synced = (time.perf_counter() - start) * 1000
    print(f"load_extensions, shipped only (baseline): {baseline:7.2f} ms")
    print(f"lock check, no lock:                      {no_lock:7.3f} ms ({no_lock / baseline:.1%} of baseline)")
    print(f"lock check, 20-extension pack (420 KB):   {with_lock:7.2f} ms ({with_lock / baseline:.1%} of baseline)")
    print(f"load_extensions with that pack:           {loaded:7.2f} ms ({loaded / baseline:.2f}x baseline)")
    print(f"install from a folder (validate, consent, store, lock, apply): {install:7.1f} ms")
    print(f"recipe pack: {packed:7.1f} ms; sync of a missing store: {synced:7.1f} ms")


if __name__ == "__main__":
    main()
