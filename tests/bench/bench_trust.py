"""Benchmark: what trust costs at every start-up, for a small `.zot/` and for one holding a
virtualenv (3,000 files), cold (first hash) and warm (digests cached by stat signature).

Run it directly (it is not part of the test suite):

    .venv/bin/python tests/bench/bench_trust.py

It prints figures only, with the warm/cold ratio measured in the same process. Target: a warm
check of the 3,000-file project under 50 ms, so start-up stays fast however much `.zot/` holds.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

HEAD = "schema: zot/extension/v1\nname: e{i}\nversion: 1.0.0\ndescription: bench\n" \
       "guards:\n  g:\n    tool: bash\n    when: {{regex: x}}\n    action: deny\n"


def make(root: Path, extensions: int, venv_files: int) -> Path:
    project = root / f"p{extensions}-{venv_files}"
    for i in range(extensions):
        folder = project / ".zot" / "extensions" / f"e{i}"
        folder.mkdir(parents=True)
        (folder / "extension.yaml").write_text(HEAD.format(i=i))
    for i in range(venv_files):
        path = project / ".zot" / ".venv" / "lib" / f"pkg{i // 100}" / f"m{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * 200)
    return project


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ZOT_HOME"] = str(Path(tmp) / "zot-home")
        from zot.ext import trust

        for extensions, venv in ((5, 0), (5, 3000)):
            project = make(Path(tmp), extensions, venv)
            cold = timed(lambda: trust.trust(project), 1)[0]
            warm = statistics.median(timed(lambda: trust.status(project), 7))
            print(f"{extensions} extensions + {venv:>5} venv files: trust (cold) {cold * 1000:7.1f} ms, "
                  f"status (warm) {warm * 1000:6.1f} ms, warm/cold {warm / cold:.2f}")


if __name__ == "__main__":
    main()
