"""What a guard decision costs as the rule set grows: 200, 1,000 and 5,000 rules.

Run: `.venv/bin/python tests/bench/bench_guard_scale.py [rounds] [sizes...]`. Prints figures only.

Two rule sets, each scaled by writing more extensions of 10 rules (loaded and compiled through
the real loader and engine), judged on the same ~200 calls as `bench_guards.py` (parse cache
cleared before every call, as in a session where each command is new):

* `teams`: `bench_guards.extension(i)`, the rule set issue 15 measured (shell rules written alike
  across teams, a path glob, a regex and an expression that differ per team);
* `varied`: 10 rules per extension that all differ per extension, as a generated list of blocked
  hosts, protected folders and banned programs would: shell programs, regexes with and without
  a literal, `contains`, `glob`, path globs by folder, file name and extension, and one
  expression per 10 extensions.

Target (issue 15): under 1 ms p50 and 5 ms p99 at 5,000 rules. Wall time moves with the
machine's load; the CPU time of the same calls (time.process_time) is printed beside it.

Before issue 15 (main at 1c59fcd, load ~1.5, this script): teams 5,000 rules p50 6.1-6.4 ms,
p99 36-86 ms, 11.6-12.7 ms CPU per call; varied 5,000 rules p50 17-22 ms, p99 115-157 ms,
44-45 ms CPU per call (globs recompiled per call: their cache held 1,024).
After it (723d4f4, quiet, `bench_guard_scale.py 5`, two runs): teams 5,000 rules p50 0.35 ms,
p99 4.4-4.5 ms, 1.3 ms CPU per call; varied 5,000 rules p50 0.14 ms, p99 3.4-3.5 ms, 0.3 ms CPU.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_guards import corpus, extension, percentile  # noqa: E402

from tests.guards.harness import load_many  # noqa: E402
from zot.ext.decide import decide  # noqa: E402
from zot.ext.engine import Engine, settle  # noqa: E402
from zot.ext.hooks import CallInfo  # noqa: E402
from zot.ext.shell import parse_command_line  # noqa: E402


def varied(i: int) -> str:
    """10 rules that differ per extension."""
    expr = (f"""
          big-{i}:
            tool: write
            when: {{expr: "len(args.content) > {200_000 + i}"}}
            action: confirm
            reason: big file""" if i % 10 == 0 else f"""
          no-drop-{i}:
            tool: bash
            when: {{regex: 'DROP\\s+TABLE\\s+orders_{i}\\b', ignore_case: true}}
            action: deny
            reason: dropping a table""")
    return textwrap.dedent(f"""\
        schema: zot/extension/v1
        name: gen-{i:04d}
        version: 1.0.0
        description: generated rules {i}
        guards:
          tool-{i}:
            tool: bash
            when: {{shell: {{program: deploy-{i}, subcommand: [prod, live]}}}}
            action: deny
            reason: deploys go through CI
          host-{i}:
            tool: bash
            when: {{regex: 'https?://([a-z0-9-]+\\.)*internal-{i}\\.example\\.com'}}
            action: deny
            reason: internal host
          secrets-{i}:
            tool: [bash, write, edit]
            when: {{path: {{match: ['secrets-{i}/**', 'vault-{i}.json', '*.sealed{i}']}}}}
            action: deny
            reason: protected file
          conf-{i}:
            tool: [write, edit]
            when: {{arg: path, path: {{match: ['config/prod-{i}/*.yaml']}}}}
            action: confirm
            reason: production config
          token-{i}:
            tool: bash
            when: {{contains: 'TOKEN_{i}='}}
            action: deny
            reason: token on the command line
          kube-{i}:
            tool: bash
            when: {{glob: '*kubectl * --context=cluster-{i}*'}}
            action: confirm
            reason: cluster {i}
          key-{i}:
            tool: [write, edit]
            when: {{arg: path, regex: '\\.(key{i}|cert{i})$'}}
            action: deny
            reason: key material
          ssh-{i}:
            tool: bash
            when: {{shell: {{program: [ssh, scp], args: {{regex: '^(.*@)?host-{i}(:|$)'}}}}}}
            action: confirm
            reason: host {i}
          anycase-{i}:
            tool: bash
            when: {{regex: '(?i)shutdown\\s+-h\\s+now\\s+#{i}$'}}
            action: deny
            reason: shutdown{expr}
        """)


async def run_calls(hooks, calls, project: Path, rounds: int) -> tuple[list[float], float, list[str]]:
    times: list[float] = []
    decisions: list[str] = []
    cpu = time.process_time()
    for _ in range(rounds):
        for tool, args in calls:
            parse_command_line.cache_clear()
            call = CallInfo("bench", tool, dict(args), dict(args), str(project), str(project),
                            {"model": "openai/fake"})
            started = time.perf_counter()
            decided = await decide(call, hooks)
            times.append(time.perf_counter() - started)
            decisions.append(json.dumps(decided.to_json(call), sort_keys=True, default=str))
    return times, time.process_time() - cpu, decisions


def build(root: Path, project: Path, make, count: int):
    hooks = load_many(root / f"{make.__name__}-{count}", project, [make(i) for i in range(count)])
    settle(Engine(hooks, []))      # as a session does after loading (zot.ext.manager)
    return hooks


def measure(hooks, calls, project: Path, rounds: int, indexed: bool) -> tuple[list[float], float, list[str]]:
    hooks.use_index = indexed
    asyncio.run(run_calls(hooks, calls, project, 1))       # warm up imports and caches
    return asyncio.run(run_calls(hooks, calls, project, rounds))


def line(times: list[float], cpu: float) -> str:
    over = sum(t > 0.005 for t in times) / len(times)
    return (f"p50 {percentile(times, 0.5) * 1000:6.3f} ms  p95 {percentile(times, 0.95) * 1000:6.3f} ms  "
            f"p99 {percentile(times, 0.99) * 1000:6.3f} ms  over 5 ms {over:5.1%}  "
            f"cpu/call {cpu / len(times) * 1000:6.3f} ms")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sizes = [int(s) for s in sys.argv[2:]] or [200, 1000, 5000]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["HOME"] = str(root / "home")
        os.environ["ZOT_HOME"] = str(root / "home" / ".zot")
        project = root / "home" / "project"
        (project / ".git").mkdir(parents=True)
        calls = corpus()
        verdicts: list[str] = []
        print(f"corpus: {len(calls)} calls x {rounds} rounds, parse cache cleared before each call; "
              "each size: indexed, then every rule asked (use_index off)")
        for make in (extension, varied):
            name = "teams" if make is extension else "varied"
            for size in sizes:
                hooks = build(root, project, make, size // 10)
                fast, fast_cpu, fast_decisions = measure(hooks, calls, project, rounds, True)
                slow, slow_cpu, slow_decisions = measure(hooks, calls, project, rounds, False)
                if size == 5000:
                    verdicts.append(f"{name} p50 {percentile(fast, 0.5) * 1000:.2f} ms, "
                                    f"p99 {percentile(fast, 0.99) * 1000:.2f} ms: "
                                    + ("met" if percentile(fast, 0.5) < 0.001 and percentile(fast, 0.99) < 0.005
                                       else "NOT met"))
                same = "same decisions" if fast_decisions == slow_decisions else "DECISIONS DIFFER"
                print(f"{name:6} {len(hooks.guards) + len(hooks.rewriters):5} rules  indexed: {line(fast, fast_cpu)}")
                print(f"{'':19}every rule: {line(slow, slow_cpu)}  "
                      f"({slow_cpu / fast_cpu:.1f}x the cpu; {same})")
        print("target at 5,000 rules: p50 under 1 ms, p99 under 5 ms" + (": " + "; ".join(verdicts) if verdicts else ""))


if __name__ == "__main__":
    main()
