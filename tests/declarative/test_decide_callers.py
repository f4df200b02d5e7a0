"""One table of tool calls through every caller of the decision function: the live agent (over the
local model server), `zot ext explain`, and the manifest's own `tests:` run by `zot ext test`.
Each must give the same decision, the same deciding rules and the same final arguments."""
from __future__ import annotations

import json
import textwrap

import yaml

from tests.fakellm import call, text, tool_calls

RULES = """
schema: zot/extension/v1
name: table
version: 1.0.0
description: rules of every kind, for the cross-caller table
guards:
  say-said:
    tool: bash
    when: {regex: '^echo say '}
    action: rewrite
    rewrite: [{arg: command, replace: {old: "say", new: "said"}}]
  broken-rewrite:
    tool: bash
    when: {regex: '^echo broken'}
    action: rewrite
    on_error: deny
    rewrite: [{arg: command, set: "{{ args.command.nope }}"}]
  broken-but-allowed:
    tool: bash
    when: {regex: '^echo lenient'}
    action: rewrite
    on_error: allow
    rewrite: [{arg: command, set: "{{ args.command.nope }}"}]
  no-shutdown:
    tool: bash
    when: {shell: {program: shutdown}}
    action: deny
    reason: "no shutdown here"
  ask-before-touch:
    tool: bash
    when: {shell: {program: touch}}
    action: confirm
    reason: "touching files needs a yes"
  fine-to-list:
    tool: bash
    when: {shell: {program: ls}}
    action: allow
    reason: "listing is fine"
  saying-is-noted:
    tool: bash
    when: {regex: 'said'}
    action: warn
    reason: "something was said"
  no-secrets-said:
    tool: bash
    when: {regex: 'said secret'}
    action: deny
    reason: "no secrets said"
"""

TABLE = [
    ("plain", {"command": "echo hello"}),
    ("rewritten", {"command": "echo say hi"}),
    ("rewritten-then-denied", {"command": "echo say secret"}),
    ("rewrite-fails-deny", {"command": "echo broken"}),
    ("rewrite-fails-allow", {"command": "echo lenient"}),
    ("denied", {"command": "shutdown -h now"}),
    ("confirmed", {"command": "touch made-by-table.txt"}),
    ("allowed-by-rule", {"command": "ls"}),
    ("deny-beats-allow", {"command": "ls && shutdown -r now"}),
    ("invalid-args", {"command": 42}),
]


def _deciding(matches: list[dict], decision: str) -> list[str]:
    return sorted(f"{m['extension']}:{m['rule']}" for m in matches
                  if not m["shadow"] and m["decision"] == decision and decision != "allow")


def _write_rules(home, tests: list | None = None) -> None:
    folder = home / ".zot" / "extensions" / "table"
    folder.mkdir(parents=True, exist_ok=True)
    body = textwrap.dedent(RULES)
    if tests:
        body += yaml.safe_dump({"tests": tests}, sort_keys=False)
    (folder / "extension.yaml").write_text(body, encoding="utf-8")


def test_every_caller_gives_the_same_decision(zot, isolated_home, project):
    _write_rules(isolated_home)
    explained = {}
    for name, args in TABLE:
        run = zot("ext", "explain", "--tool", "bash", "--args", json.dumps(args), "--format", "json", model=False,
                  shipped=True)
        assert run.code == 0, run.err
        explained[name] = json.loads(run.out)

    calls = [call("bash", args, id=name) for name, args in TABLE]
    live = zot("--json", "go", replies=[tool_calls(calls), text("done")], shipped=True)
    assert live.code == 0, live.err
    records = {e["id"]: e["decision"] for e in live.of("tool_result")}
    assert set(records) == {name for name, _ in TABLE}

    for name, args in TABLE:
        seen, told = records[name], explained[name]
        assert seen["ruled"] == told["decision"], name
        assert seen["final_args"] == told["args"], name
        assert _deciding(seen["matches"], seen["ruled"]) == _deciding(told["matches"], told["decision"]), name
    # the table means what it says (so the comparison above is not between two wrong answers)
    ruled = {name: records[name]["ruled"] for name, _ in TABLE}
    assert ruled == {"plain": "allow", "rewritten": "allow", "rewritten-then-denied": "deny",
                     "rewrite-fails-deny": "deny", "rewrite-fails-allow": "allow", "denied": "deny",
                     "confirmed": "confirm", "allowed-by-rule": "allow", "deny-beats-allow": "deny",
                     "invalid-args": "deny"}
    assert records["rewritten"]["final_args"] == {"command": "echo said hi"}
    assert _deciding(records["rewrite-fails-deny"]["matches"], "deny") == ["table:broken-rewrite"]
    assert not (project / "made-by-table.txt").exists()      # confirm with no UI is a deny

    # the manifest's own tests, written from what the live agent decided, pass under `zot ext test`
    tests = []
    for name, args in TABLE:
        record = records[name]
        expect = {"decision": record["ruled"], "args": record["final_args"]}
        if record["reason"]:
            expect["reason"] = record["reason"]
        tests.append({"name": name, "tool_call": {"tool": "bash", "args": args}, "expect": expect})
    _write_rules(isolated_home, tests)
    checked = zot("ext", "test", model=False, shipped=True)
    assert checked.code == 0, checked.out + checked.err
    assert f"ok   table: {len(TABLE)} example(s) and test(s) pass" in checked.out

    # and a test that expects anything else fails there, naming the difference
    tests[3]["expect"] = {"decision": "allow"}
    _write_rules(isolated_home, tests)
    checked = zot("ext", "test", model=False, shipped=True)
    assert checked.code == 1
    assert "rewrite-fails-deny: decision is deny, expected allow" in checked.out
