"""zot.sdk is cheap to import: stdlib only, none of zot's heavy dependencies."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("litellm", "prompt_toolkit", "jinja2", "jsonschema", "ruamel", "simpleeval", "tree_sitter",
         "zot.ext", "zot.agent", "zot.llm", "zot.ui", "zot.config")


def _python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=60)


def test_importing_the_sdk_imports_no_heavy_dependency():
    out = _python("-X", "importtime", "-c", "import zot.sdk")
    assert out.returncode == 0, out.stderr
    modules = {m.group(1) for m in re.finditer(r"\|\s+([\w.]+)\s*$", out.stderr, re.M)}
    assert "zot.sdk" in modules
    assert not [m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]


def test_importing_the_sdk_is_fast():
    code = ("import time; t = time.perf_counter(); import zot.sdk; "
            "print(time.perf_counter() - t)")
    runs = [float(_python("-c", code).stdout) for _ in range(5)]
    # typically 10-20 ms; the fastest of five runs, so a busy machine does not fail it
    # (tests/bench/bench_sdk.py measures the whole start-up against a bare interpreter)
    assert min(runs) < 0.1, f"import zot.sdk took {min(runs):.3f}s at best ({runs})"
