"""Proof beside the rules: guard `examples` and manifest `tests:`, run with no model.

Examples are judged by their own guard alone, as if the call were made in a project at
`~/project` with that folder as the working directory, so the verdicts do not depend on where
`zot ext validate` runs. Manifest `tool_call` tests run every rule of the extension: rewrites
chain, then the strictest guard verdict wins.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zot.diagnostics import Diagnostic
from zot.ext.compile.guards import GuardRule, RewriteRule, Rule, default_arg
from zot.ext.engine import compile_extension
from zot.ext.hooks import CallInfo

RANK = {"allow": 0, "warn": 0, "confirm": 1, "deny": 2}


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


def verdict_of(rule: GuardRule, call: CallInfo) -> str:
    verdicts = rule.judge_now(call)
    return max((v.decision for v in verdicts), key=lambda d: RANK.get(d, 0), default="allow")


def check_examples(rule: Rule, node: dict) -> list[Failure]:
    failures: list[Failure] = []
    examples = node.get("examples") or {}
    for expected in ("deny", "confirm", "allow"):
        for i, item in enumerate(examples.get(expected) or []):
            call = _example_call(rule, item, node)
            if call is None or not isinstance(rule, GuardRule):
                continue
            got = verdict_of(rule, call)
            if got == "warn":
                got = "allow"
            if got != expected:
                shown = item if isinstance(item, str) else call.args
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
        out = rule.rewrite_now(call)
        got = out.args if out is not None and not out.error else call.args
        want = item.get("expect") or {}
        if isinstance(want, str):
            want = {next(iter(call.args)): want}
        wrong = {k: got.get(k) for k, v in want.items() if got.get(k) != v}
        if wrong or (out is not None and out.error):
            detail = out.error if out is not None and out.error else f"got {wrong}"
            failures.append(Failure(("guards", rule.name, "examples", "rewrite", i),
                                    f"rewrite example gives the wrong arguments: {detail}, expected {want}",
                                    "fix the rewrite edits or the expected arguments"))
    return failures


def decide(rules: list[Rule], call: CallInfo) -> tuple[str, dict, list]:
    """Rewrites chain, then every guard judges; the strictest wins. Returns (decision, args, verdicts)."""
    for rule in sorted((r for r in rules if isinstance(r, RewriteRule)), key=lambda r: -r.priority):
        out = rule.rewrite_now(call)
        if out is not None and out.error is None and not out.shadow:
            call.args = out.args
        elif out is not None and out.deny:
            return "deny", call.args, []
    verdicts = [v for r in rules if isinstance(r, GuardRule) for v in r.judge_now(call) if not v.shadow]
    decision = max((v.decision for v in verdicts if v.decision != "warn"), key=lambda d: RANK[d], default="allow")
    return decision, call.args, verdicts


def check_tests(rules: list[Rule], tests: list) -> list[Failure]:
    failures: list[Failure] = []
    for i, test in enumerate(tests or []):
        subject = test.get("tool_call") if isinstance(test, dict) else None
        if not isinstance(subject, dict):
            continue
        call = make_call(subject.get("tool", ""), subject.get("args") or {})
        decision, args, verdicts = decide(rules, call)
        expect = test.get("expect")
        want = expect if isinstance(expect, dict) else {"decision": expect}
        problems = []
        if want.get("decision") and want["decision"] != decision:
            problems.append(f"decision is {decision}, expected {want['decision']}")
        for key, value in (want.get("args") or {}).items():
            if args.get(key) != value:
                problems.append(f"argument `{key}` is {args.get(key)!r}, expected {value!r}")
        if want.get("reason") and not any(want["reason"] in v.reason for v in verdicts):
            problems.append(f"no reason contains {want['reason']!r}")
        if problems:
            name = test.get("name") or f"test {i + 1}"
            failures.append(Failure(("tests", i), f"{name}: " + "; ".join(problems),
                                    "fix the rules, or the expectation if the rules are right"))
    return failures


def prove(ctx, run_programs: bool = False) -> list[Failure]:
    """Every example and test of one extension context. Tests that would run a program or make a
    request (`run`, `http`) only run when `run_programs` is set (`zot ext test`), never during
    `zot ext validate`, which must be safe on extensions nobody has trusted yet."""
    compiled = compile_extension(ctx)
    failures: list[Failure] = []
    guards = ctx.data.get("guards") or {}
    for rule in compiled.rules:
        failures.extend(check_examples(rule, guards.get(rule.name) or {}))
    failures.extend(check_tests(compiled.rules, ctx.data.get("tests") or []))
    from zot.ext.proof_kinds import check_other_tests

    failures.extend(asyncio.run(check_other_tests(compiled, ctx.data.get("tests") or [], run_programs)))
    return failures


def as_diagnostics(ctx, failures: list[Failure]) -> list[Diagnostic]:
    return [ctx.doc.diag(f.path, "example-failed", f.message, f.hint) for f in failures]
