"""Trust through the real loop over the local model server: the reproductions of issue 10.

- a note taken with the shipped `notes` extension does not untrust the project: the next run is
  still guarded by the project's own rule;
- an untrusted project's deny guard applies while its tool and its script do not run, and the run
  says so in one line on stderr;
- a project that changed since it was trusted keeps the rules of the trusted version.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tests.fakellm import call, text, tool_calls
from zot.ext import trust

GUARD = """
schema: zot/extension/v1
name: protected-paths
version: 1.0.0
description: The team's protected paths
guards:
  no-secrets:
    tool: [write, edit, bash]
    when: {path: {match: ["secrets/**"]}}
    action: deny
    reason: "secrets/ is protected"
"""

MIXED = """
schema: zot/extension/v1
name: mixed
version: 1.0.0
description: a deny guard, a tool and a script
guards:
  no-curl:
    tool: bash
    when: {shell: {program: curl}}
    action: deny
    reason: "no curl in this project"
  allow-everything:
    tool: bash
    action: allow
tools:
  plant:
    description: Write a marker file
    parameters: {type: object, properties: {}}
    run: {argv: [touch, planted-by-tool]}
hooks:
  - on: before_agent_start
    system: "PROJECT-PROMPT-FRAGMENT"
script:
  exec: python3
  args: [main.py]
"""


def put(project: Path, name: str, body: str) -> Path:
    folder = project / ".zot" / "extensions" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extension.yaml").write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return folder


def test_a_note_does_not_untrust_the_project_and_the_next_run_is_still_guarded(zot, project):
    put(project, "protected-paths", GUARD)
    (project / ".zot" / "settings.yaml").write_text("extensions:\n  notes: {enabled: true}\n")
    (project / "secrets").mkdir()
    assert zot("trust", "--yes", model=False, shipped=True).code == 0

    noted = zot("-p", "#note the API is versioned in the URL", shipped=True)
    assert noted.code == 0, noted.err
    notes = project / ".zot" / "data" / "notes" / "notes.jsonl"
    assert json.loads(notes.read_text())["note"] == "the API is versioned in the URL"
    assert trust.is_trusted(project)

    run = zot("--json", "save the key", shipped=True, replies=[
        tool_calls([call("write", {"path": "secrets/k.txt", "content": "KEY"}, id="w")]), text("ok")])
    assert run.code == 0, run.err
    assert not (project / "secrets" / "k.txt").exists()
    [result] = run.of("tool_result")
    assert result["blocked"] and "protected-paths:no-secrets" in result["content"]
    assert not [n for n in run.notices if "trust" in n]


def test_an_untrusted_project_applies_its_deny_guard_but_runs_nothing(zot, project):
    folder = put(project, "mixed", MIXED)
    (folder / "main.py").write_text("open('script-ran', 'w').close()\n")
    run = zot("--json", "go", shipped=True, replies=[
        tool_calls([call("bash", {"command": "curl -s http://127.0.0.1:9/x"}, id="c"),
                    call("plant", {}, id="p"),
                    call("bash", {"command": "echo fine"}, id="e")]), text("done")])
    assert run.code == 0, run.err
    results = run.tool_results()
    assert results["c"]["blocked"] and "mixed:no-curl" in results["c"]["content"]
    assert "There is no tool `plant`" in results["p"]["content"]
    assert results["e"]["content"].startswith("fine") and not results["e"]["blocked"]
    assert not (project / "planted-by-tool").exists() and not (folder / "script-ran").exists()
    [end] = run.of("agent_end")            # the run finished (exit 0) and says what was refused
    assert [(r["id"], r["decision"], r["rules"]) for r in end["refused"]] == [
        ("c", "deny", ["mixed:no-curl"]), ("p", "deny", [])]
    assert end["refused"][1]["reason"] == "unknown tool"
    assert "PROJECT-PROMPT-FRAGMENT" not in json.dumps(run.requests[0]["messages"])
    assert "plant" not in [t["function"]["name"] for t in run.requests[0].get("tools", [])]
    [line] = [n for n in run.notices if "trust" in n]
    assert line.startswith("warning: project .zot/ is not trusted: its extensions (mixed) load only their "
                           "deny and confirm rules and redactions; run `zot trust`")
    # -p says it in one line on stderr
    printed = zot("-p", "go", shipped=True, replies=[text("done")])
    assert [x for x in printed.err.splitlines() if "trust" in x] == [
        "zot: warning: " + line.removeprefix("warning: ")]


def test_a_changed_project_keeps_the_rules_of_the_trusted_version(zot, project):
    folder = put(project, "protected-paths", GUARD)
    (project / "secrets").mkdir()
    zot("trust", "--yes", model=False, shipped=True)
    # an edit that removes the rule and adds a script: nothing of it runs, the old rule stays
    (folder / "extension.yaml").write_text(textwrap.dedent(GUARD).replace("secrets/**", "nothing-here/**")
                                           + "script: {exec: python3, args: [evil.py]}\n")
    run = zot("--json", "go", shipped=True, replies=[
        tool_calls([call("bash", {"command": "echo KEY > secrets/k.txt"}, id="w")]), text("ok")])
    assert run.code == 0, run.err
    [result] = run.of("tool_result")
    assert result["blocked"] and "protected-paths@trusted:no-secrets" in result["content"]
    assert not (project / "secrets" / "k.txt").exists()
    [line] = [n for n in run.notices if "trust" in n]
    assert "changed since you trusted it (1 modified (.zot/extensions/protected-paths/extension.yaml); " \
           "new runs script python3 evil.py" in line
    listed = zot("ext", "list", model=False, shipped=True).out
    assert "protected-paths@trusted" in listed and "the version you trusted" in listed


def test_the_model_cannot_write_into_dot_zot_even_with_yes(zot, project):
    target = project / ".zot" / "extensions" / "planted" / "extension.yaml"
    write = call("write", {"path": ".zot/extensions/planted/extension.yaml", "content": "name: planted\n"}, id="w")
    shell = call("bash", {"command": "echo '{}' > ~/.zot/trust.json"}, id="b")
    for flags in ((), ("--yes",)):
        run = zot("--json", *flags, "go", shipped=True, replies=[tool_calls([write, shell]), text("ok")])
        assert run.code == 0, run.err
        results = run.tool_results()
        assert results["w"]["blocked"] and results["b"]["blocked"]
        assert "self-protection:confirm-zot-files" in results["w"]["content"]
        assert "--yes --allow-zot-writes" in results["w"]["content"]
        assert not target.exists()
    run = zot("--json", "--yes", "--allow-zot-writes", "go", shipped=True, replies=[tool_calls([write]), text("ok")])
    assert not run.tool_results()["w"]["blocked"]
    assert target.read_text() == "name: planted\n"
