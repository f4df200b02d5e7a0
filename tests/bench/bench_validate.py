"""Benchmark: `zot ext validate` over 200 and 2,000 realistic manifests, and `zot --version`.

Run it directly (it is not part of the test suite):

    .venv/bin/python tests/bench/bench_validate.py [counts...]

It prints figures only, each with the CPU time beside the wall time (the machine may be busy):

* `zot ext validate` on a fresh $ZOT_HOME with `--no-cache` (every file parsed and checked:
  the first run), then twice more with the clean cache (unchanged files are not parsed again,
  their own checks, the cross-file checks and the proofs still run);
* the schema check alone, in this process: the compiled check (zot.ext.fastschema) against
  jsonschema on the same data, which is all the schema check did before issue 15;
* the whole validation in this process, with the compiled checks and with jsonschema for each.

Targets (issue 15): 200 manifests well under 1 s; `zot --version` in under 150 ms. Before issue
15 (main at 1c59fcd, same corpus, quiet machine): 200 in 2.1 s CPU, 2,000 in 18-19 s CPU (under
load ~4.6: 4.4-5.1 s and 37-39 s wall).
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


def validate(root: Path, env: dict, *flags: str) -> tuple[float, float, str]:
    """One `zot ext validate` process: (wall s, CPU s of the process, its last line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([ZOT, "ext", "validate", *flags, str(root / "exts")], env=env, cwd=root,
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, (f"exit {out.returncode}: {(out.stdout + out.stderr).strip().splitlines()[-1]}; "
                       f"peak {after.ru_maxrss / 1024:.0f} MiB")


def schema_only(paths: list[Path]) -> None:
    """The schema check of the same files in this process, compiled and with jsonschema."""
    from zot.ext import schema_check
    from zot.yamlio import load_document

    plains = [load_document(p).plain for p in paths]
    runs = {}
    for name, test in (("compiled", lambda d: schema_check.surely_valid("extension", d)),
                       ("jsonschema", lambda d: schema_check.validator("extension").is_valid(d))):
        test(plains[0])     # compiled (or built) once, outside the timing
        wall, cpu = time.perf_counter(), time.process_time()
        verdicts = [test(d) for d in plains]
        runs[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        assert all(verdicts), name
    (fw, fc), (sw, sc) = runs["compiled"], runs["jsonschema"]
    print(f"  schema check only, in-process: compiled {fw * 1000:.0f} ms (cpu {fc * 1000:.0f} ms), "
          f"jsonschema {sw * 1000:.0f} ms (cpu {sc * 1000:.0f} ms): {sc / max(fc, 1e-9):.0f}x less CPU")


def in_process(paths: list[Path]) -> None:
    """validate_paths in this process with the compiled checks, then with jsonschema doing every
    schema check (the compiled ones switched off): what issue 15's compiler saves, same run."""
    from zot.ext import schema_check
    from zot.ext.validate import validate_paths

    validate_paths(paths[:3])     # imports and compiled schemas, outside the timing
    runs = {}
    saved = schema_check.surely_valid, schema_check.fits, schema_check.fits_metaschema
    for name in ("compiled", "jsonschema"):
        if name == "jsonschema":
            schema_check.surely_valid = lambda kind, plain: False
            schema_check.fits = schema_check.fits_metaschema = lambda *args: False
            validate_paths(paths[:3])
        cpu = time.process_time()
        report = validate_paths(paths)
        runs[name] = time.process_time() - cpu
        assert report.errors == 0, name
    schema_check.surely_valid, schema_check.fits, schema_check.fits_metaschema = saved
    print(f"  validate_paths in-process, no cache: compiled checks {runs['compiled']:.2f} s cpu, "
          f"jsonschema for each {runs['jsonschema']:.2f} s cpu ({runs['jsonschema'] / runs['compiled']:.1f}x)")


def main() -> int:
    global COUNT
    counts = [int(a) for a in sys.argv[1:]] or [200, 2000]
    for COUNT in counts:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            env = {**os.environ, "HOME": str(root / "home"), "ZOT_HOME": str(root / "home" / ".zot")}
            paths = write_corpus(root / "exts")
            size = sum(p.stat().st_size for p in paths)
            print(f"{len(paths)} manifests: {size / 1024:.0f} KiB, "
                  f"{sum(p.read_text().count(chr(10)) for p in paths)} lines")
            cold = validate(root, env, "--no-cache")
            print(f"  every file checked (--no-cache): {cold[0]:6.2f} s wall, {cold[1]:6.2f} s cpu  ({cold[2]})")
            validate(root, env)     # fills the clean cache
            warm = validate(root, env)
            print(f"  unchanged files, clean cache:    {warm[0]:6.2f} s wall, {warm[1]:6.2f} s cpu  ({warm[2]})")
            verdict = ""
            if COUNT == 200:
                verdict = (f"; target for 200 (well under 1 s): unchanged files {warm[0]:.2f} s "
                           f"{'met' if warm[0] < 0.7 else 'NOT met'}, first run {cold[0]:.2f} s "
                           f"{'under 1 s' if cold[0] < 1 else 'NOT under 1 s'}")
            print(f"  cold / cached: {cold[1] / warm[1]:.1f}x cpu{verdict}")
            schema_only(paths)
            in_process(paths)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "HOME": str(root / "home"), "ZOT_HOME": str(root / "home" / ".zot")}
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
