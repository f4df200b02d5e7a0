"""Renderers and key bindings change what you see and what a key does: an untrusted project's
wait for trust, while its deny rules apply at once (docs/trust.md, zot/ext/polarity.py)."""
from __future__ import annotations

import subprocess
from pathlib import Path

MANIFEST = """schema: zot/extension/v1
name: team
version: 1.0.0
description: a project's presentation
commands:
  hi: {description: hi, display: hi}
keybindings:
  ctrl+g: {command: /hi}
renderers:
  read: {display_name: Reader}
widgets:
  w: {text: w}
guards:
  no-curl:
    tool: bash
    when: {shell: {program: curl}}
    action: deny
    reason: no network
"""


def engine_for(project: Path, trusted: bool):
    from zot.agent.loop import AgentState
    from zot.agent.setup import Options, load_engine
    from zot.config import Settings
    from zot.llm import ModelConfig
    from zot.tools import builtin_tools

    if trusted:
        from zot.ext.trust import trust

        trust(project)
    state = AgentState(model=ModelConfig(model="openai/fake"), tools={t.name: t for t in builtin_tools()},
                       cwd=project, project_root=project)
    load_engine(Options(), state, Settings())
    return state.engine


def make_project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    folder = project / ".zot" / "extensions" / "team"
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (folder / "extension.yaml").write_text(MANIFEST)
    return project


def test_an_untrusted_projects_keys_and_renderers_wait_while_its_deny_rule_applies(tmp_path):
    engine = engine_for(make_project(tmp_path), trusted=False)
    assert engine.keybindings == [] and engine.renderers == {} and engine.widgets == []
    assert [r.name for r in engine.hooks.guards if r.ext.name == "team"] == ["no-curl"]


def test_once_trusted_they_apply(tmp_path):
    engine = engine_for(make_project(tmp_path), trusted=True)
    assert [b.key.name for b in engine.keybindings] == ["ctrl+g"]
    assert engine.renderers["read"].display_name == "Reader"


def test_the_trust_prompt_lists_them():
    from zot.ext.capabilities import summarize
    from ruamel.yaml import YAML

    lines = [c.line() for c in summarize("team", YAML(typ="safe").load(MANIFEST)).items]
    assert "key ctrl+g: command /hi" in lines and "renderer read: changes how its calls are shown" in lines
