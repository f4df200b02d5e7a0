"""Proof beside the rules: guard `examples` and manifest `tests:`, run with no model.

Examples are judged by their own guard alone, as if the call were made in a project at
`~/project` with that folder as the working directory, so the verdicts do not depend on where
`zot ext validate` runs. Manifest `tool_call` tests run every rule of the extension. Both go
through `zot.ext.decide`, the decision the live agent uses.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zot.diagnostics import Diagnostic
from zot.ext.compile.guards import GuardRule, RewriteRule, Rule, default_arg
from zot.ext.decide import decide, hooks_of
from zot.ext.engine import compile_extension
from zot.ext.hooks import CallInfo


def example_project() -> Path:
    return Path.home() / "project"


@dataclass
class Failure:
    path: tuple
    message: str
    hint: str = ""


def make_call(tool: str, args: dict[str, Any]) -> CallInfo:
    project = str(example_project())
    return CallInfo("example", tool, dict(args), dict(args), project, project)


def _example_call(rule: Rule, item: Any, node: dict) -> CallInfo | None:
    if isinstance(item, dict) and "args" in item:
        tool = item.get("tool") or (rule.tools[0] if len(rule.tools) == 1 else None)
        return make_call(tool, item.get("args") or {}) if tool else None
    if isinstance(item, str) and len(rule.tools) == 1:
        when = node.get("when") or {}
        arg = when.get("arg") or ("command" if "shell" in when else default_arg(rule.ext, rule.tools[0]))
        return make_call(rule.tools[0], {arg: item}) if arg else None
    return None


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


async def check_examples(rule: Rule, node: dict) -> list[Failure]:
    """Each example judged by its own rule alone, through the one decision function."""
    failures: list[Failure] = []
    examples = node.get("examples") or {}
    alone = hooks_of([rule])
    for expected in ("deny", "confirm", "allow"):
        for i, item in enumerate(examples.get(expected) or []):
            call = _example_call(rule, item, node)
            if call is None or not isinstance(rule, GuardRule):
                continue
            decision = await decide(call, alone)
            got = decision.decision
            errors = [v.error for v in decision.verdicts if v.error]
            if errors:          # e.g. a regex that runs past its time bound: say so, whatever it gave
                shown = item if isinstance(item, str) else call.original_args
                failures.append(Failure(("guards", rule.name, "examples", expected, i),
                                        f"guard `{rule.name}` could not decide example "
                                        f"{_brief(shown)}: {errors[0]}",
                                        "make the rule cheaper to decide (a regex without nested "
                                        "repetition such as `(a+)+`), or drop the example"))
            elif got != expected:
                shown = item if isinstance(item, str) else call.original_args
                failures.append(Failure(("guards", rule.name, "examples", expected, i),
                                        f"example {shown!r} should get {expected}, but guard `{rule.name}` "
                                        f"gives {got}",
                                        "fix the rule's `when:`, or move the example to the list it belongs in"))
    for i, item in enumerate(examples.get("rewrite") or []):
        if not isinstance(rule, RewriteRule) or not isinstance(item, dict):
            continue
        call = _example_call(rule, item.get("call"), node)
        if call is None:
            continue
        decision = await decide(call, alone)
        failed = next((r["error"] for r in decision.rewrites if r.get("error")), None)
        got = call.args
        want = item.get("expect") or {}
        if isinstance(want, str):
            want = {next(iter(call.original_args)): want}
        wrong = {k: got.get(k) for k, v in want.items() if got.get(k) != v}
        if wrong or failed:
            detail = failed if failed else f"got {wrong}"
            failures.append(Failure(("guards", rule.name, "examples", "rewrite", i),
                                    f"rewrite example gives the wrong arguments: {detail}, expected {want}",
                                    "fix the rewrite edits or the expected arguments"))
    return failures


async def check_tests(rules: list[Rule], tests: list, schemas: dict[str, dict] | None = None,
                      hooks=None, skip=lambda i, test: False) -> list[Failure]:
    """Manifest `tool_call` tests: every rule of the extension (and its script's intercepts when
    `hooks` holds them), through the one decision function."""
    failures: list[Failure] = []
    hooks = hooks if hooks is not None else hooks_of(rules)
    for i, test in enumerate(tests or []):
        subject = test.get("tool_call") if isinstance(test, dict) else None
        if not isinstance(subject, dict) or skip(i, test):
            continue
        tool = subject.get("tool", "")
        call = make_call(tool, subject.get("args") or {})
        decided = await decide(call, hooks, (schemas or {}).get(tool))
        decision, args = decided.decision, call.args
        expect = test.get("expect")
        want = expect if isinstance(expect, dict) else {"decision": expect}
        problems = []
        if want.get("decision") and want["decision"] != decision:
            problems.append(f"decision is {decision}, expected {want['decision']}"
                            + (f" ({decided.reason})" if decided.reason and decision != "allow" else ""))
        for key, value in (want.get("args") or {}).items():
            if args.get(key) != value:
                problems.append(f"argument `{key}` is {args.get(key)!r}, expected {value!r}")
        if want.get("reason") and not any(want["reason"] in v.reason for v in decided.enforced) \
                and want["reason"] not in decided.reason:
            problems.append(f"no reason contains {want['reason']!r}")
        if problems:
            name = test.get("name") or f"test {i + 1}"
            failures.append(Failure(("tests", i), f"{name}: " + "; ".join(problems),
                                    "fix the rules, or the expectation if the rules are right"))
    return failures


def prove(ctx, run_programs: bool = False, skipped: list[str] | None = None) -> list[Failure]:
    """Every example and test of one extension context. Tests that would run a program, make a
    request (`run`, `http`) or need the extension's script only run when `run_programs` is set
    (`zot ext test`, which starts the script), never during `zot ext validate`, which must be
    safe on extensions nobody has trusted yet; what was skipped, and why, goes to `skipped`."""
    return asyncio.run(prove_async(ctx, run_programs, skipped))


async def prove_async(ctx, run_programs: bool = False, skipped: list[str] | None = None) -> list[Failure]:
    """`prove` inside a running event loop: `zot ext validate` proves every extension in one loop
    (a new loop per extension cost more than the proofs)."""
    return await _prove(ctx, compile_extension(ctx), run_programs, skipped if skipped is not None else [])


async def _prove(ctx, compiled, run_programs: bool, skipped: list[str]) -> list[Failure]:
    from zot.ext.proof_bench import has_script, open_bench
    from zot.ext.proof_kinds import check_other_tests, needs_script, say_skipped

    failures: list[Failure] = []
    guards = ctx.data.get("guards") or {}
    for rule in compiled.rules:
        failures.extend(await check_examples(rule, guards.get(rule.name) or {}))
    tests = ctx.data.get("tests") or []
    bench = await open_bench(compiled, run_programs and any(needs_script(compiled, t) for t in tests))
    try:
        if bench.problems:
            failures.append(Failure(("script",), f"the script could not start, so its tests cannot run: "
                                    f"{bench.problems[0]}", "see `zot ext logs NAME`; fix the script or its `exec`"))
        waiting: dict[int, str] = {}
        if has_script(compiled) and (not run_programs or bench.problems):
            waiting = {i: "it needs the script" for i, t in enumerate(tests) if needs_script(compiled, t)}
        schemas = {**ctx.tool_params, **{name: getattr(t, "parameters", {}) for name, t in bench.tools.items()}}
        failures.extend(await check_tests(compiled.rules, tests, schemas, bench.hooks,
                                          skip=lambda i, test: i in waiting))
        failures.extend(await check_other_tests(compiled, tests, run_programs, bench, waiting))
    finally:
        await bench.close()
    skipped.extend(say_skipped(waiting, run_programs))
    return failures


def as_diagnostics(ctx, failures: list[Failure]) -> list[Diagnostic]:
    return [ctx.doc.diag(f.path, "example-failed", f.message, f.hint) for f in failures]
