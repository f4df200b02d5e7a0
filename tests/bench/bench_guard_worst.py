"""The worst cases of the red-team list, decided by the shipped rules plus a user's regex guard.

Run: `.venv/bin/python tests/bench/bench_guard_worst.py [rounds]`. Prints figures only.

Each case is one full decision (`zot.ext.decide`: rewrites, then every guard on the final
arguments) through the real loader and engine, with the parse cache cleared first. The target is under 100 ms each:

* a `write` call whose path is 1 MiB long (it took 50 s before paths were bounded);
* a 1 MiB `curl` line (the shipped download rule's regex was quadratic: ~250 s on 59 KB);
* `(a+)+$` from a user's guard on a 100 KiB value (it never returned);
* a 1 MiB here-document that only writes a file (denied outright over 64 KiB before);
* a 1 MiB path given to `rm -rf` in the shell;
* the shipped redaction of a 1 MiB tool result of base64 (every pattern runs on it).
"""
from __future__ import annotations

import asyncio
import base64
import os
import random
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

from zot.ext.decide import decide as decide_call  # noqa: E402
from zot.ext.engine import build_engine  # noqa: E402
from zot.ext.hooks import CallInfo  # noqa: E402
from zot.ext.loader import load_extensions  # noqa: E402
from zot.ext.shell import parse_command_line  # noqa: E402
from zot.tools import builtin_tools  # noqa: E402
from zot.tools.base import ToolResult  # noqa: E402

MIB = 1024 * 1024
USER_RULE = textwrap.dedent("""\
    schema: zot/extension/v1
    name: user-regex
    version: 1.0.0
    description: a user's rule with a catastrophic regex
    guards:
      runs-of-a:
        tool: [bash, write]
        when: {any: [{arg: command, regex: '(a+)+$'}, {arg: content, regex: '(a+)+$'}]}
        action: deny
        reason: no runs of a
    """)


def cases() -> dict[str, tuple[str, dict]]:
    return {
        "write, 1 MiB path": ("write", {"path": "d/" * (MIB // 2), "content": "x"}),
        "bash, 1 MiB curl line": ("bash", {"command": "curl " + " ".join(
            f"-H 'X-{i}: {'v' * 20}'" for i in range(MIB // 32)) + " https://example.com/i"}),
        "(a+)+$ on 100 KiB": ("bash", {"command": "echo " + "a" * (100 * 1024) + "b"}),
        "bash, 1 MiB heredoc to a file": ("bash", {
            "command": "cat > notes.txt <<'EOF'\n" + ("line of text\n" * (MIB // 13)) + "EOF"}),
        "bash, rm -rf of a 1 MiB path": ("bash", {"command": "rm -rf " + "d/" * (MIB // 2)}),
    }


async def decide(hooks, tool: str, args: dict, project: Path) -> tuple[str, str]:
    call = CallInfo("worst", tool, dict(args), dict(args), str(project), str(project), {"model": "x"})
    decision = await decide_call(call, hooks)
    return decision.decision, decision.reason


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["HOME"] = str(root / "home")
        os.environ["ZOT_HOME"] = str(root / "home" / ".zot")
        project = root / "home" / "project"
        (project / ".git").mkdir(parents=True)
        folder = root / "user-regex"
        folder.mkdir()
        (folder / "extension.yaml").write_text(USER_RULE)
        exts = load_extensions(project, (folder,))
        tools = {t.name: t for t in builtin_tools()}
        engine = build_engine(exts, project, tools)
        print(f"rules: {len(engine.hooks.guards)} guards ({', '.join(e.name for e in exts if e.loaded)})")
        for name, (tool, args) in cases().items():
            times, outcome = [], ("", "")
            for _ in range(rounds):
                parse_command_line.cache_clear()
                started = time.perf_counter()
                outcome = asyncio.run(decide(engine.hooks, tool, args, project))
                times.append(time.perf_counter() - started)
            median = statistics.median(times) * 1000
            verdict = "ok" if median < 100 else "OVER 100 ms"
            print(f"{name:32} median {median:7.1f} ms  max {max(times) * 1000:7.1f} ms  "
                  f"{verdict:11} -> {outcome[0]}: {outcome[1][:70]}")
        random.seed(1)
        output = ToolResult(base64.encodebytes(random.randbytes(780_000)).decode())
        call = CallInfo("worst", "bash", {"command": "x"}, {"command": "x"}, str(project), str(project))
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            result = output
            for hook in engine.hooks.result_transforms:
                result = asyncio.run(hook.transform(call, result))
            times.append(time.perf_counter() - started)
        median = statistics.median(times) * 1000
        print(f"{'redaction of 1 MiB of base64':32} median {median:7.1f} ms  max {max(times) * 1000:7.1f} ms  "
              f"(no target) -> {'withheld' if result.is_error else 'passed through'}")


if __name__ == "__main__":
    main()
