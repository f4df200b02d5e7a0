"""Every manifest regex runs with a time bound: a catastrophic pattern cannot hang a decision.

A guard whose regex runs past `regexes.TIMEOUT` cannot decide: its `on_error` applies (deny for
deny and confirm guards) and the reason names the regex and the rule's file and line. The same
holds for rewrites (`sub`), redaction, input transforms and `re_search()` in expressions; and
`zot ext validate` in an untrusted repository whose example feeds such a regex a long value
answers within seconds, with a diagnostic at the example's line.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakellm import llm_server, text  # noqa: F401
from tests.guards.harness import decide, line_of, load, write_extension
from zot.ext import regexes
from zot.ext.hooks import CallInfo
from zot.tools.base import ToolResult

ZOT = Path(sys.executable).with_name("zot")
SLOW = "(a+)+$"                      # nested repetition: exponential on a long run of `a`
LONG = "a" * 30_000 + "b"


def test_a_search_that_runs_too_long_raises_instead_of_hanging() -> None:
    started = time.perf_counter()
    with pytest.raises(regexes.RegexTimeout, match="took longer than"):
        regexes.search(regexes.compile(SLOW), LONG)
    assert time.perf_counter() - started < 2
    assert regexes.search(regexes.compile(SLOW), "aaa") is not None     # short values still match


@pytest.mark.parametrize("action, on_error, decision", [
    ("deny", None, "deny"), ("confirm", None, "deny"), ("warn", None, "allow"),
    ("deny", "allow", "allow"),
])
def test_a_guard_whose_regex_times_out_is_decided_by_on_error(tmp_path, action, on_error, decision):
    extra = f"on_error: {on_error}" if on_error else "priority: 0"
    folder = write_extension(tmp_path / "ext", f"""
        guards:
          slow-rule:
            tool: bash
            when: {{regex: '{SLOW}'}}
            action: {action}
            reason: no runs of a
            {extra}
        """)
    hooks = load(folder, tmp_path).hooks
    started = time.perf_counter()
    result, _ = decide(hooks, "bash", {"command": "echo " + LONG}, tmp_path)
    assert time.perf_counter() - started < 2
    if action == "confirm":       # no UI: confirm is deny; the engine's verdict says confirm
        assert result.decision in ("confirm", "deny")
    else:
        assert result.decision == decision
    if decision != "allow":
        assert "took longer than" in result.reason and "(a+)+$" in result.reason
        assert f"extension.yaml:{line_of(folder, 'slow-rule:')}" in json.dumps(
            [v.source.label() for v in result.verdicts])


def test_a_rewrite_whose_pattern_times_out_blocks_with_on_error_deny(tmp_path):
    folder = write_extension(tmp_path / "ext", f"""
        guards:
          slow-rewrite:
            tool: bash
            when: {{contains: aaa}}
            action: rewrite
            on_error: deny
            rewrite: [{{arg: command, sub: {{pattern: '{SLOW}', repl: x}}}}]
        """)
    result, args = decide(load(folder, tmp_path).hooks, "bash", {"command": "echo " + LONG}, tmp_path)
    assert result.decision == "deny" and "took longer than" in result.reason
    assert args["command"] == "echo " + LONG


def test_a_redaction_that_times_out_withholds_the_result(tmp_path):
    folder = write_extension(tmp_path / "ext", f"""
        hooks:
          - on: tool_result
            on_error: deny
            redact: ['{SLOW}']
        """)
    engine = load(folder, tmp_path)
    [hook] = engine.hooks.result_transforms
    call = CallInfo("c", "bash", {"command": "x"}, {"command": "x"}, str(tmp_path), str(tmp_path))
    out = asyncio.run(hook.transform(call, ToolResult(LONG)))
    assert out.is_error and "withheld" in out.content and "aaaa" not in out.content


def test_re_search_in_an_expression_is_bounded(tmp_path):
    folder = write_extension(tmp_path / "ext", f"""
        guards:
          slow-expr:
            tool: bash
            when: {{expr: "re_search('{SLOW}', args.command)"}}
            action: deny
            reason: slow
        """)
    started = time.perf_counter()
    result, _ = decide(load(folder, tmp_path).hooks, "bash", {"command": LONG}, tmp_path)
    assert time.perf_counter() - started < 2
    assert result.decision == "deny" and "took longer than" in result.reason


def _untrusted_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    project = tmp_path / "repo"
    folder = write_extension(project / ".zot" / "extensions" / "slow", f"""
        guards:
          slow-example:
            tool: bash
            when: {{regex: '{SLOW}'}}
            action: deny
            reason: no runs of a
            examples:
              deny: ["{LONG}"]
        """, name="slow")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    env = {**os.environ, "HOME": str(tmp_path / "home"), "ZOT_HOME": str(tmp_path / "home" / ".zot")}
    return folder, env


def test_validate_in_an_untrusted_repository_answers_within_seconds(tmp_path):
    folder, env = _untrusted_repo(tmp_path)
    started = time.perf_counter()
    out = subprocess.run([str(ZOT), "ext", "validate", str(folder)], cwd=folder.parent.parent.parent,
                         env=env, capture_output=True, text=True, timeout=60)
    assert time.perf_counter() - started < 20
    assert out.returncode == 1
    line = line_of(folder, "deny: [")
    assert f"extension.yaml:{line}:" in out.stdout + out.stderr
    assert "could not decide" in out.stdout and "took longer than" in out.stdout


def test_zot_answers_in_that_repository(tmp_path, llm_server):  # noqa: F811
    folder, env = _untrusted_repo(tmp_path)
    llm_server.enqueue(text("hello"))
    started = time.perf_counter()
    out = subprocess.run([str(ZOT), "-p", "hi", "--model", "openai/fake", "--api-base", llm_server.url,
                          "--api-key", "test"], cwd=folder.parent.parent.parent, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "hello" in out.stdout
    assert time.perf_counter() - started < 60
