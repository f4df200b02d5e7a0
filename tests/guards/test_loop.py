"""Guards through the real agent loop: `zot --json -e EXT` in a subprocess, the model being the
local fake server asking for tool calls. Each case checks what ran (files in the project), what
the model was told (the tool messages of the next request) and what was logged
(`$ZOT_HOME/logs/decisions.jsonl` and the session's `decision` records).

Starting zot costs seconds (litellm's import), so a run makes one call per case, all in one
turn, and the runs start together in a module fixture.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.fakellm import FakeLLMServer, call, text, tool_calls
from tests.guards.harness import line_of, write_extension

ZOT = Path(sys.executable).with_name("zot")


@dataclass
class Case:
    id: str
    tool: str
    args: dict[str, Any]
    blocked_by: str | None = None        # the rule that must block the call, None = it runs
    marker: str | None = None            # a file the call creates when it runs
    told: str = ""                       # text the model must be told


@dataclass
class Run:
    extensions: dict[str, str]           # name -> guards YAML
    cases: list[Case]
    flags: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    run: Run
    code: int
    out: str
    err: str
    project: Path
    home: Path
    ext_dirs: dict[str, Path]
    requests: list[dict[str, Any]]

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]

    def told(self, case_id: str) -> str:
        """What the model was told about that call: the tool message in the next request."""
        [message] = [m for m in self.requests[1]["messages"] if m.get("tool_call_id") == case_id]
        return message["content"]

    def decisions(self) -> dict[str, dict[str, Any]]:
        lines = (self.home / ".zot" / "logs" / "decisions.jsonl").read_text().splitlines()
        return {rec["tool_call_id"]: rec for rec in map(json.loads, lines)}

    def session_decisions(self) -> dict[str, dict[str, Any]]:
        [path] = (self.home / ".zot" / "sessions").glob("*/*.jsonl")
        records = [json.loads(line) for line in path.read_text().splitlines()]
        return {r["tool_call_id"]: r for r in records if r.get("type") == "decision"}

    def location(self, ext: str, rule: str) -> str:
        return f"extension.yaml:{line_of(self.ext_dirs[ext], rule + ':')}"


# --------------------------------------------------------------------------- the extensions

MATCHERS = r"""
guards:
  by-regex:
    tool: bash
    when: {regex: 'secret-[0-9]+'}
    action: deny
    reason: "regex matched {{ args.command }}"
  by-glob:
    tool: bash
    when: {glob: '*glob-deny*'}
    action: deny
    reason: glob matched
  by-equals:
    tool: bash
    when: {equals: 'echo equals > equals-hit.txt'}
    action: deny
    reason: equals matched
  by-in:
    tool: bash
    when: {in: ['echo in-a > in-hit.txt', 'echo in-b > in-hit.txt']}
    action: deny
    reason: in matched
  by-contains:
    tool: bash
    when: {contains: DROP TABLE}
    action: deny
    reason: contains matched
  by-ignore-case:
    tool: bash
    when: {contains: forbidden, ignore_case: true}
    action: deny
    reason: ignore_case matched
  by-inherited-ignore-case:
    tool: bash
    when: {ignore_case: true, any: [{contains: loud}, {regex: 'noisy'}]}
    action: deny
    reason: inherited ignore_case matched
  by-path-arg:
    tool: write
    when: {arg: path, path: {match: ['locked/**']}}
    action: deny
    reason: "{{ args.path }} is locked"
  by-written-path:
    tool: [bash, write]
    when: {path: {match: ['vault/**']}}
    action: deny
    reason: "the vault is read-only ({{ tool }})"
  by-shell:
    tool: [bash, write]
    when: {shell: {program: rm, flags: [r, f]}}
    action: deny
    reason: recursive force delete
  by-expr:
    tool: bash
    when: {expr: "'pad' in args.command and len(args.command) > 60"}
    action: deny
    reason: expr matched
  by-all:
    tool: bash
    when: {all: [{contains: alpha}, {contains: beta}]}
    action: deny
    reason: all matched
  by-any:
    tool: bash
    when: {any: [{contains: gamma}, {contains: delta}]}
    action: deny
    reason: any matched
  by-not:
    tool: bash
    when: {all: [{contains: epsilon}, {not: {contains: harmless}}]}
    action: deny
    reason: not matched
  by-default-arg:
    tool: write
    when: {regex: '\.key$'}
    action: deny
    reason: "no keys: {{ args.path }}"
  by-default-arg-per-tool:
    tool: [write, edit]
    when: {glob: '*.pem'}
    action: deny
    reason: no certificates
  by-literal-path:
    tool: write
    when: {arg: path, regex: '^\$\(whoami\)'}
    action: deny
    reason: "literal path {{ args.path }}"
"""

BAD_DUNDER = """
guards:
  leak:
    tool: bash
    action: deny
    reason: "{{ ''.__class__.__mro__ }}"
"""

BAD_CONFIG = """
guards:
  leak:
    tool: bash
    action: deny
    reason: "{{ config }}"
"""

ACTIONS = r"""
guards:
  ask-deploy:
    tool: bash
    when: {contains: deploy}
    action: confirm
    reason: deploying needs a yes
  allow-cleanup:
    tool: bash
    when: {contains: cleanup}
    action: allow
  deny-cleanup-logs:
    tool: bash
    when: {contains: cleanup logs}
    action: deny
    reason: logs are evidence
  warn-notice:
    tool: bash
    when: {contains: notice-me}
    action: warn
    reason: "heads up: {{ args.command }}"
  rw-set:
    tool: bash
    when: {contains: rw-set}
    action: rewrite
    rewrite: [{arg: command, set: "echo set-by-{{ tool }} > set.txt"}]
  rw-replace:
    tool: bash
    when: {contains: rw-replace}
    action: rewrite
    rewrite: [{arg: command, replace: {old: wrong, new: right}}]
  rw-sub:
    tool: bash
    when: {contains: rw-sub}
    action: rewrite
    rewrite: [{arg: command, sub: {pattern: 'version (\d+)\.(\d+)', repl: 'version \2.\1'}}]
  rw-prepend:
    tool: bash
    when: {regex: '^echo rw-prepend'}
    action: rewrite
    rewrite: [{arg: command, prepend: "mkdir -p pre && "}]
  rw-append:
    tool: bash
    when: {contains: rw-append}
    action: rewrite
    rewrite: [{arg: command, append: " && touch appended.txt"}]
  rw-delete:
    tool: read
    when: {arg: path, equals: three.txt}
    action: rewrite
    rewrite: [{arg: limit, delete: true}]
  rw-innocent:
    tool: bash
    when: {contains: innocent}
    action: rewrite
    rewrite: [{arg: command, set: "rm -rf victim"}]
  deny-rm:
    tool: bash
    when: {shell: {program: rm, flags: [r, f]}}
    action: deny
    reason: recursive force delete
  boom-deny:
    tool: bash
    when: {all: [{contains: exprboom}, {expr: "int(args.command.split()[2]) > 3"}]}
    action: deny
    reason: big number
  boom-allow:
    tool: bash
    when: {all: [{contains: exprsoft}, {expr: "int(args.command.split()[2]) > 3"}]}
    action: deny
    reason: big number
    on_error: allow
  shadow-deny:
    tool: bash
    when: {contains: shadowed}
    action: deny
    reason: would block shadowed calls
    mode: shadow
  rw-second:
    tool: bash
    when: {contains: chain-one}
    action: rewrite
    priority: 5
    rewrite: [{arg: command, sub: {pattern: ' > chain.txt', repl: ' two > chain.txt'}}]
  rw-first:
    tool: bash
    when: {contains: chain}
    action: rewrite
    priority: 10
    rewrite: [{arg: command, replace: {old: chain, new: chain-one, count: 1}}]
"""

CONFIRM = """
guards:
  ask-deploy:
    tool: bash
    when: {contains: deploy}
    action: confirm
    reason: deploying needs a yes
"""


def bash(id: str, command: str, blocked_by: str | None = None, marker: str | None = None, told: str = "") -> Case:
    return Case(id, "bash", {"command": command}, blocked_by, marker, told)


MATCHER_CASES = [
    bash("regex-hit", "echo secret-42 > regex-hit.txt", "by-regex", "regex-hit.txt",
         "regex matched echo secret-42 > regex-hit.txt"),
    bash("regex-miss", "echo secret-x > regex-miss.txt", None, "regex-miss.txt"),
    bash("glob-hit", "echo glob-deny > glob-hit.txt", "by-glob", "glob-hit.txt", "glob matched"),
    bash("glob-miss", "echo glob-ok > glob-miss.txt", None, "glob-miss.txt"),
    bash("equals-hit", "echo equals > equals-hit.txt", "by-equals", "equals-hit.txt", "equals matched"),
    bash("equals-miss", "echo equals >equals-miss.txt", None, "equals-miss.txt"),
    bash("in-hit", "echo in-b > in-hit.txt", "by-in", "in-hit.txt", "in matched"),
    bash("in-miss", "echo in-c > in-miss.txt", None, "in-miss.txt"),
    bash("contains-hit", "echo 'DROP TABLE users' > contains-hit.txt", "by-contains", "contains-hit.txt"),
    bash("contains-miss", "echo 'drop table users' > contains-miss.txt", None, "contains-miss.txt"),
    bash("ignore-case-hit", "echo FORBIDDEN > ic-hit.txt", "by-ignore-case", "ic-hit.txt"),
    bash("ignore-case-inherited", "echo NOISY > ic-any-hit.txt", "by-inherited-ignore-case", "ic-any-hit.txt"),
    Case("path-arg-hit", "write", {"path": "locked/a.txt", "content": "x"}, "by-path-arg", "locked/a.txt",
         "locked/a.txt is locked"),
    Case("path-arg-miss", "write", {"path": "open/a.txt", "content": "x"}, None, "open/a.txt"),
    bash("written-redirect", "echo x > vault/redirect.txt", "by-written-path", "vault/redirect.txt",
         "the vault is read-only (bash)"),
    bash("written-command", "touch vault/touched.txt", "by-written-path", "vault/touched.txt"),
    Case("written-write", "write", {"path": "vault/w.txt", "content": "x"}, "by-written-path", "vault/w.txt",
         "the vault is read-only (write)"),
    bash("written-miss", "ls vault > listing.txt", None, "listing.txt"),
    bash("shell-long-flags", "rm --recursive --force doomed; touch shell-hit.txt", "by-shell", "shell-hit.txt",
         "recursive force delete"),
    bash("shell-wrapper", "env FOO=1 timeout 5 rm -fr doomed; touch wrapper-hit.txt", "by-shell",
         "wrapper-hit.txt"),
    bash("shell-bash-c", "bash -c 'rm -r -f doomed'; touch bash-c-hit.txt", "by-shell", "bash-c-hit.txt"),
    bash("shell-miss", "rm -r spare && touch shell-miss.txt", None, "shell-miss.txt"),
    bash("expr-hit", "echo pad pad pad pad pad pad pad pad pad pad pad pad pad > expr-hit.txt", "by-expr",
         "expr-hit.txt", "expr matched"),
    bash("expr-miss", "echo pad > expr-miss.txt", None, "expr-miss.txt"),
    bash("all-hit", "echo alpha beta > all-hit.txt", "by-all", "all-hit.txt"),
    bash("all-miss", "echo alpha > all-miss.txt", None, "all-miss.txt"),
    bash("any-hit", "echo delta > any-hit.txt", "by-any", "any-hit.txt"),
    bash("not-hit", "echo epsilon > not-hit.txt", "by-not", "not-hit.txt"),
    bash("not-miss", "echo epsilon harmless > not-miss.txt", None, "not-miss.txt"),
    Case("default-arg", "write", {"path": "id.key", "content": "x"}, "by-default-arg", "id.key", "no keys: id.key"),
    Case("default-arg-per-tool", "write", {"path": "site.pem", "content": "x"}, "by-default-arg-per-tool",
         "site.pem"),
    Case("default-arg-miss", "write", {"path": "notes.txt", "content": "id.key site.pem"}, None, "notes.txt"),
    # values are data: quotes, $(...), ;, backticks and newlines are not commands
    Case("data-write", "write", {"path": "payload.txt", "content": "$(rm -rf /)"}, None, "payload.txt"),
    bash("data-quoted", 'echo "a; rm -rf ~" > quoted.txt', None, "quoted.txt"),
    bash("data-backticks", "echo 'x `rm -rf /` y' > backticks.txt", None, "backticks.txt"),
    Case("data-newlines", "write", {"path": "multi.txt", "content": "one\n`rm -rf ~`; rm -rf /\n$(rm -rf .)\n"},
         None, "multi.txt"),
    Case("data-literal-path", "write", {"path": "$(whoami).txt", "content": "x"}, "by-literal-path",
         "$(whoami).txt", "literal path $(whoami).txt"),
    Case("data-dollar-path", "write", {"path": "$HOME-notes.txt", "content": "x"}, None, "$HOME-notes.txt"),
    Case("data-semicolon-path", "write", {"path": "semi; touch pwned.txt", "content": "x"}, None,
         "semi; touch pwned.txt"),
]

ACTION_CASES = [
    bash("confirm-no-ui", "echo deploy > deployed.txt", "ask-deploy", "deployed.txt", "deploying needs a yes"),
    bash("allow-and-deny", "echo cleanup logs > cleaned.txt", "deny-cleanup-logs", "cleaned.txt",
         "logs are evidence"),
    bash("allow-alone", "echo cleanup tmp > cleaned-tmp.txt", None, "cleaned-tmp.txt"),
    bash("warn", "echo notice-me > warned.txt", None, "warned.txt"),
    bash("rw-set", "echo rw-set > ignored.txt", None, "set.txt"),
    bash("rw-replace", "echo wrong rw-replace > replaced.txt", None, "replaced.txt"),
    bash("rw-sub", "echo rw-sub version 1.2 > sub.txt", None, "sub.txt"),
    bash("rw-prepend", "echo rw-prepend > pre/out.txt", None, "pre/out.txt"),
    bash("rw-append", "echo rw-append > app.txt", None, "appended.txt"),
    Case("rw-delete", "read", {"path": "three.txt", "limit": 1}),
    bash("rw-to-denied", "echo innocent > innocent.txt", "deny-rm", "innocent.txt", "recursive force delete"),
    bash("on-error-deny", "echo exprboom not-a-number > boom.txt", "boom-deny", "boom.txt", "could not decide"),
    bash("on-error-allow", "echo exprsoft not-a-number > soft.txt", None, "soft.txt"),
    bash("shadow", "echo shadowed > shadow.txt", None, "shadow.txt"),
    bash("priority", "echo chain > chain.txt", None, "chain.txt"),
]

YES_CASE = bash("confirm-yes", "echo deploy > deployed.txt", None, "deployed.txt")

# two runs: zot's start-up dominates, so the --yes case rides along with the matchers (all deny)
RUNS: dict[str, Run] = {
    "matchers": Run({"m": MATCHERS, "y": CONFIRM, "bad-dunder": BAD_DUNDER, "bad-config": BAD_CONFIG},
                    [*MATCHER_CASES, YES_CASE], flags=["--yes"],
                    files={"vault/keep.txt": "kept\n", "doomed/x": "x\n", "spare/x": "x\n"}),
    "actions": Run({"a": ACTIONS}, ACTION_CASES, files={"victim/x": "x\n", "three.txt": "line 1\nline 2\nline 3\n"}),
}


# --------------------------------------------------------------------------- running them


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("ZOT_MODEL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL")}
    env.update(HOME=str(home), ZOT_HOME=str(home / ".zot"), LITELLM_LOCAL_MODEL_COST_MAP="True")
    return env


def _start(name: str, run: Run, base: Path) -> tuple[subprocess.Popen, FakeLLMServer, Outcome]:
    project, home = base / "project", base / "home"
    project.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    for rel, content in run.files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(content)
    ext_dirs = {ext: write_extension(base / "extensions" / ext, body, ext) for ext, body in run.extensions.items()}
    server = FakeLLMServer().start()
    server.enqueue(tool_calls([call(c.tool, c.args, id=c.id) for c in run.cases]), text("done"))
    exts = [a for d in ext_dirs.values() for a in ("-e", str(d))]
    argv = [str(ZOT), "--json", "--no-ext", *exts, *run.flags, "--model", "openai/fake", "--api-base", server.url,
            "--api-key", "test", "go"]
    proc = subprocess.Popen(argv, cwd=project, env=_env(home), stdin=subprocess.DEVNULL, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, server, Outcome(run, 0, "", "", project, home, ext_dirs, server.requests)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Outcome]:
    started = {name: _start(name, run, tmp_path_factory.mktemp(name)) for name, run in RUNS.items()}
    try:
        for proc, _server, outcome in started.values():
            outcome.out, outcome.err = proc.communicate(timeout=120)
            outcome.code = proc.returncode
        return {name: outcome for name, (_p, _s, outcome) in started.items()}
    finally:
        for proc, server, _ in started.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
            server.stop()


def ran(outcome: Outcome, case: Case) -> bool:
    return (outcome.project / case.marker).exists() if case.marker else not outcome.told(case.id).startswith("Blocked")


def check_case(outcome: Outcome, case: Case, ext: str) -> None:
    assert outcome.code == 0, outcome.err
    told = outcome.told(case.id)
    record = outcome.decisions()[case.id]
    if case.blocked_by:
        assert told.startswith(f"Blocked: the {case.tool} call was not run"), told
        assert f"`{ext}:{case.blocked_by}` (" in told and f"{outcome.location(ext, case.blocked_by)})" in told
        assert case.told in told
        assert not ran(outcome, case), f"{case.id} ran although it was blocked"
        assert record["decision"] == "deny"
        rules = {(m["extension"], m["rule"]) for m in record["matches"] if m["decision"] in ("deny", "confirm")}
        assert (ext, case.blocked_by) in rules
    else:
        assert not told.startswith("Blocked"), told
        assert ran(outcome, case), f"{case.id} did not run: {told}"
        assert record["decision"] == "allow"
    assert record["original_args"] == case.args


# --------------------------------------------------------------------------- matchers


@pytest.mark.parametrize("case", MATCHER_CASES, ids=[c.id for c in MATCHER_CASES])
def test_each_matcher_kind_blocks_its_call_and_lets_its_neighbour_run(runs, case):
    check_case(runs["matchers"], case, "m")


def test_a_blocked_call_is_logged_with_its_rule_and_where_it_is_written(runs):
    outcome = runs["matchers"]
    for log in (outcome.decisions(), outcome.session_decisions()):
        assert set(log) == {c.id for c in [*MATCHER_CASES, YES_CASE]}     # every call, in both logs
        record = log["regex-hit"]
        assert record["original_args"] == record["final_args"] == {"command": "echo secret-42 > regex-hit.txt"}
        [match] = record["matches"]
        assert (match["extension"], match["rule"], match["decision"], match["shadow"]) == ("m", "by-regex", "deny", False)
        assert match["location"].endswith(outcome.location("m", "by-regex"))
        assert match["reason"] == "regex matched echo secret-42 > regex-hit.txt"


def test_the_shell_matcher_saw_through_long_flags_wrappers_and_bash_c(runs):
    project = runs["matchers"].project
    assert (project / "doomed" / "x").exists()            # none of the three deletes ran
    assert not (project / "spare").exists()               # rm -r without -f is not this rule's business


def test_values_are_data_not_commands(runs):
    project = runs["matchers"].project
    assert (project / "payload.txt").read_text() == "$(rm -rf /)"
    assert (project / "quoted.txt").read_text() == "a; rm -rf ~\n"
    assert (project / "backticks.txt").read_text() == "x `rm -rf /` y\n"
    assert (project / "multi.txt").read_text() == "one\n`rm -rf ~`; rm -rf /\n$(rm -rf .)\n"
    assert (project / "semi; touch pwned.txt").read_text() == "x"
    assert not (project / "pwned.txt").exists()
    assert (project / "listing.txt").read_text() == "keep.txt\n"


def test_extensions_with_unsafe_templates_are_skipped_and_named(runs):
    outcome = runs["matchers"]
    notices = [e["text"] for e in outcome.events if e["type"] == "notice"]
    [dunder] = [n for n in notices if "bad-dunder" in n]
    assert "was not loaded" in dunder and "`__class__`" in dunder and "extension.yaml:" in dunder
    [config] = [n for n in notices if "bad-config" in n]
    assert "was not loaded" in config and "`config`" in config
    assert not any("bad-" in m["extension"] for r in outcome.decisions().values() for m in r["matches"])


# --------------------------------------------------------------------------- actions


@pytest.mark.parametrize("case", ACTION_CASES, ids=[c.id for c in ACTION_CASES])
def test_each_action_does_what_it_says(runs, case):
    check_case(runs["actions"], case, "a")


def test_confirm_without_a_ui_is_denied_and_the_model_is_told_it_needs_confirmation(runs):
    outcome = runs["actions"]
    told = outcome.told("confirm-no-ui")
    assert "needs confirmation" in told and "--yes" in told
    assert outcome.decisions()["confirm-no-ui"]["answered"] == "no-ui"


def test_confirm_with_yes_runs_the_call(runs):
    outcome = runs["matchers"]
    assert outcome.code == 0, outcome.err
    assert (outcome.project / "deployed.txt").read_text() == "deploy\n"
    record = outcome.decisions()["confirm-yes"]
    assert (record["decision"], record["answered"]) == ("allow", "auto-yes")
    assert [(m["rule"], m["decision"]) for m in record["matches"]] == [("ask-deploy", "confirm")]


def test_an_explicit_allow_does_not_override_a_deny(runs):
    record = runs["actions"].decisions()["allow-and-deny"]
    assert {(m["rule"], m["decision"]) for m in record["matches"]} == {("allow-cleanup", "allow"),
                                                                       ("deny-cleanup-logs", "deny")}


def test_warn_runs_the_call_and_tells_the_user(runs):
    outcome = runs["actions"]
    notices = [e for e in outcome.events if e["type"] == "notice" and e["level"] == "warning"]
    assert [n["text"] for n in notices] == ["bash: heads up: echo notice-me > warned.txt"]
    assert notices[0]["source"].startswith("a:warn-notice")
    assert (outcome.project / "warned.txt").read_text() == "notice-me\n"


def test_rewrites_run_the_rewritten_command_and_log_both_argument_sets(runs):
    outcome = runs["actions"]
    project = outcome.project
    assert (project / "set.txt").read_text() == "set-by-bash\n" and not (project / "ignored.txt").exists()
    assert (project / "replaced.txt").read_text() == "right rw-replace\n"
    assert (project / "sub.txt").read_text() == "rw-sub version 2.1\n"
    assert (project / "pre" / "out.txt").read_text() == "rw-prepend\n"
    assert (project / "app.txt").read_text() == "rw-append\n"
    assert outcome.told("rw-delete").startswith("line 1\nline 2\nline 3")     # limit was deleted
    decisions = outcome.decisions()
    finals = {cid: decisions[cid]["final_args"] for cid in ("rw-set", "rw-sub", "rw-delete")}
    assert finals == {"rw-set": {"command": "echo set-by-bash > set.txt"},
                      "rw-sub": {"command": "echo rw-sub version 2.1 > sub.txt"},
                      "rw-delete": {"path": "three.txt"}}
    [change] = decisions["rw-set"]["rewrites"]
    assert (change["rule"], change["before"], change["after"]) == (
        "rw-set", {"command": "echo rw-set > ignored.txt"}, {"command": "echo set-by-bash > set.txt"})
    started = [e for e in outcome.events if e["type"] == "tool_execution_start" and e["id"] == "rw-set"]
    assert started and started[0]["args"] == {"command": "echo set-by-bash > set.txt"}


def test_guards_judge_the_final_arguments(runs):
    outcome = runs["actions"]
    assert (outcome.project / "victim" / "x").exists()
    record = outcome.decisions()["rw-to-denied"]
    assert record["original_args"] == {"command": "echo innocent > innocent.txt"}
    assert record["final_args"] == {"command": "rm -rf victim"}
    assert "Rule `a:deny-rm`" in outcome.told("rw-to-denied")


def test_a_failing_expression_denies_unless_on_error_allows(runs):
    outcome = runs["actions"]
    told = outcome.told("on-error-deny")
    assert "guard `boom-deny` could not decide" in told and "ValueError" in told and "on_error is deny" in told
    soft = outcome.decisions()["on-error-allow"]
    [match] = soft["matches"]
    assert (match["rule"], match["decision"]) == ("boom-allow", "allow") and "ValueError" in match["error"]


def test_shadow_mode_logs_what_it_would_have_done_without_doing_it(runs):
    outcome = runs["actions"]
    record = outcome.decisions()["shadow"]
    assert record["decision"] == "allow"
    assert [(m["rule"], m["decision"], m["shadow"]) for m in record["matches"]] == [("shadow-deny", "deny", True)]
    assert (outcome.project / "shadow.txt").read_text() == "shadowed\n"


def test_rewrites_chain_by_priority_each_seeing_the_last_ones_output(runs):
    outcome = runs["actions"]
    assert (outcome.project / "chain.txt").read_text() == "chain-one two\n"
    changes = outcome.decisions()["priority"]["rewrites"]
    assert [(c["rule"], c["after"]["command"]) for c in changes] == [
        ("rw-first", "echo chain-one > chain.txt"), ("rw-second", "echo chain-one two > chain.txt")]
