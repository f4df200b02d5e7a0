"""Rules written alike in several extensions are evaluated once per call and still each decide."""
from pathlib import Path

from tests.guards.harness import decide, tools, write_extension
from zot.ext.engine import build_engine
from zot.ext.loader import load_extensions

RULE = """
guards:
  no-rf:
    tool: bash
    when: {shell: {program: rm, flags: [r, f]}}
    action: deny
    reason: "no from {{ params.team }}"
params:
  team: {type: string, default: TEAM}
"""


def test_identical_rules_in_two_extensions_both_report(tmp_path: Path):
    project = tmp_path / "p"
    project.mkdir()
    folders = tuple(write_extension(tmp_path / "exts" / team, RULE.replace("TEAM", team), name=team)
                    for team in ("alpha", "beta"))
    exts = load_extensions(project, folders, discover_scopes=False)
    assert all(e.loaded for e in exts)
    engine = build_engine(exts, project, tools())
    decision, _ = decide(engine.hooks, "bash", {"command": "rm -rf build"}, project)
    reasons = sorted(v.reason for v in decision.verdicts)
    assert decision.decision == "deny" and reasons == ["no from alpha", "no from beta"]
    allowed, _ = decide(engine.hooks, "bash", {"command": "ls"}, project)
    assert allowed.decision == "allow" and not allowed.verdicts


def test_a_reason_that_reads_only_the_call_reads_each_calls_own_values(tmp_path: Path):
    """Rendered once per call for every rule that writes it (and again for the next call)."""
    project = tmp_path / "p"
    project.mkdir()
    rule = RULE.replace("no from {{ params.team }}", "no: {{ args.command }} by {{ tool }}")
    folders = tuple(write_extension(tmp_path / "exts" / team, rule.replace("TEAM", team), name=team)
                    for team in ("alpha", "beta"))
    engine = build_engine(load_extensions(project, folders, discover_scopes=False), project, tools())
    for command in ("rm -rf build", "rm -fr dist"):
        decision, _ = decide(engine.hooks, "bash", {"command": command}, project)
        assert [v.reason for v in decision.verdicts] == [f"no: {command} by bash"] * 2
        assert [v.source.extension for v in decision.verdicts] == ["alpha", "beta"]
