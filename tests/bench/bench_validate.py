"""Benchmark: `zot ext validate` over 200 realistic manifests, and `zot --version` start-up.

Run it directly (it is not part of the test suite):

    .venv/bin/python tests/bench/bench_validate.py

It prints figures only. Targets: 200 manifests in under 2 s; `zot --version` in under 150 ms.
"""
from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNT = 200
ZOT = str(Path(sys.executable).with_name("zot")) if Path(sys.executable).with_name("zot").exists() \
    else shutil.which("zot") or "zot"

HEAD = """\
# yaml-language-server: $schema=../../schemas/extension.schema.json
schema: zot/extension/v1
name: bench-{i}
version: 1.{i}.0
description: Benchmark extension number {i}
author: Bench Person
license: MIT
params:
  limit: {{type: integer, default: {limit}, description: Longest command before asking}}
  protected: {{type: array, items: {{type: string}}, default: [".env", ".git/**", "secrets/**"]}}
  style: {{type: string, enum: [short, long], default: short}}
"""
COMMANDS = """\
commands:
  review_{i}:
    description: Review a diff
    args:
      - {{name: ref, default: HEAD, description: The revision}}
      - {{name: style, enum: [short, long], default: short}}
      - {{name: rest, rest: true}}
    prompt: |
      Review `git diff {{{{ args.ref }}}}` in {{{{ args.style }}}} style.
      {{% if params.style == 'long' %}}Be thorough.{{% endif %}} {{{{ args.rest }}}}
  status_{i}:
    description: Show git status
    run: {{argv: [git, status, --short], timeout: 5s}}
    output: "{{{{ stdout | trim }}}}"
  hello_{i}:
    description: Greet
    args: [{{name: who, default: world}}]
    display: "Hello, {{{{ args.who }}}}! Today is {{{{ date }}}}."
"""
TOOLS = """\
tools:
  run_tests_{i}:
    description: Run the test suite
    parameters:
      type: object
      properties:
        path: {{type: string, description: A test path}}
        verbose: {{type: boolean}}
      required: [path]
    run: {{argv: [pytest, -q, "{{{{ args.path }}}}"], timeout: 2m, max_output: 20000}}
    result: "{{{{ stdout }}}}\\nexit {{{{ exit_code }}}}"
  weather_{i}:
    description: Look up the weather
    parameters: {{type: object, properties: {{city: {{type: string}}}}}}
    http: {{method: GET, url: "https://example.com/weather?q={{{{ args.city | urlencode }}}}", timeout: 10s}}
    result: "{{{{ status }}}}: {{{{ body }}}}"
"""
GUARDS = """\
guards:
  no-recursive-delete:
    tool: bash
    when: {{shell: {{program: rm, flags: [r, f]}}}}
    action: deny
    reason: "recursive force delete is not allowed"
    examples:
      deny: ["rm -rf /", "rm -fr build", "sudo rm -rf ~"]
      allow: ["rm notes.txt", "echo 'rm -rf /' >> notes.md"]
  long-commands:
    tool: bash
    when: {{expr: "len(args.command) > params.limit and not startswith(args.command, 'git ')"}}
    action: confirm
    reason: "a {{{{ args.command | length }}}} character command"
  protect-files:
    tool: [write, edit]
    when: {{arg: path, path: {{match: [".env", "secrets/**"], inside_project: true}}}}
    action: deny
    reason: "{{{{ args.path }}}} is protected"
  quiet-pip:
    tool: bash
    when: {{all: [{{arg: command, regex: '^pip install'}}, {{not: {{arg: command, contains: ' -q'}}}}]}}
    action: rewrite
    priority: 10
    rewrite:
      - {{arg: command, sub: {{pattern: '^pip install', repl: 'pip install -q'}}}}
    examples:
      rewrite: [{{call: "pip install x", expect: {{command: "pip install -q x"}}}}]
"""
HOOKS = """\
hooks:
  - on: tool_result
    tool: bash
    redact: ['AKIA[0-9A-Z]{{16}}', 'ghp_[A-Za-z0-9]{{36}}']
  - on: before_agent_start
    system: "Ask before deleting files in {{{{ project }}}}."
  - on: tool_result
    if: "tool == 'bash' and len(str(result)) > 1000"
    notify: "bash printed a lot"
    level: warning
  - on: [turn_end, agent_end]
    run: {{argv: ["true"]}}
  - on: input
    transform: {{regex: '^!(.*)$', to: "run {{{{ match }}}}"}}
"""
WIDGETS = """\
widgets:
  branch_{i}:
    placement: status
    run: {{argv: [git, branch, --show-current], timeout: 2s}}
    text: "⎇ {{{{ stdout | trim }}}}"
    refresh: {{on: [turn_end], every: 30s}}
prompts:
  system:
    - text: "The project is {{{{ project }}}}."
      when: {{files: ["pyproject.toml"]}}
  templates:
    summary: "Summarise {{{{ args.topic | default('the session') }}}}."
"""
TESTS = """\
tests:
  - tool_call: {{tool: bash, args: {{command: "rm -rf ~"}}}}
    expect: deny
  - tool_call: {{tool: bash, args: {{command: "ls"}}}}
    expect: allow
"""
SECTIONS = [COMMANDS, TOOLS, GUARDS, HOOKS, WIDGETS]


def manifest(i: int) -> str:
    """Every manifest has params; each section appears in most of them, in varying mixes."""
    text = HEAD.format(i=i, limit=100 + i)
    for n, section in enumerate(SECTIONS):
        if (i + n) % 5 != 0:  # each section is left out of one manifest in five
            text += section.format(i=i)
    if (i + SECTIONS.index(GUARDS)) % 5 != 0:  # the tests prove the guards
        text += TESTS.format(i=i)
    return text


def write_corpus(root: Path) -> list[Path]:
    paths = []
    for i in range(COUNT):
        path = root / f"ext-{i:03d}" / "extension.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(manifest(i), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "HOME": str(root / "home"), "ZOT_HOME": str(root / "home" / ".zot")}
        paths = write_corpus(root / "exts")
        size = sum(p.stat().st_size for p in paths)

        start = time.perf_counter()
        out = subprocess.run([ZOT, "ext", "validate", str(root / "exts")], env=env, cwd=root,
                             capture_output=True, text=True)
        wall = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kib = usage.ru_maxrss  # KiB on Linux
        cpu = usage.ru_utime + usage.ru_stime

        print(f"manifests:        {len(paths)} files, {size / 1024:.0f} KiB, "
              f"{sum(p.read_text().count(chr(10)) for p in paths)} lines")
        print(f"validate exit:    {out.returncode} ({(out.stdout + out.stderr).strip().splitlines()[-1]})")
        print(f"validate wall:    {wall:.3f} s  (target < 2 s); cpu {cpu:.3f} s "
              f"(on a busy machine, cpu is the steadier figure)")
        print(f"validate peak:    {peak_kib / 1024:.1f} MiB resident")

        times = []
        for _ in range(20):
            start = time.perf_counter()
            subprocess.run([ZOT, "--version"], env=env, cwd=root, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        print(f"--version median: {statistics.median(times) * 1000:.0f} ms over 20 runs "
              f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; target < 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
