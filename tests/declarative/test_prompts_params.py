"""`prompts:` (system fragments, context files) and `params:` as the model and the user see them."""
from __future__ import annotations

import os
from pathlib import Path

from tests.declarative.conftest import sent_to_model, zot_subprocess
from tests.fakellm import call, text, tool_calls

PROMPTS = """
params:
  strict: {type: boolean, default: false}
  style: {type: string, default: terse}
prompts:
  system:
    - text: "FRAGMENT-PYPROJECT"
      when: {files: ["pyproject.toml"]}
    - text: "FRAGMENT-ANY-CONFIG"
      when: {files: ["setup.cfg", "**/*.ini"]}
    - text: "FRAGMENT-OPENAI"
      when: {model: "openai/*"}
    - text: "FRAGMENT-ANTHROPIC"
      when: {model: ["anthropic/*", "claude-*"]}
    - text: "FRAGMENT-STRICT style={{ params.style }}"
      when: {expr: "params.strict"}
    - text: "FRAGMENT-ALWAYS for {{ model }}"
  context_files: [CONVENTIONS.md, missing.md, docs/arch.md]
"""


def write_settings(text: str) -> None:
    home = Path(os.environ["ZOT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.yaml").write_text(text)


def system_prompt(run) -> str:
    [system] = sent_to_model(run.requests[0], "system")
    return system


def test_fragments_follow_their_conditions(zot, ext, project):
    folder = ext("cond", PROMPTS)
    (project / "CONVENTIONS.md").write_text("CONVENTIONS-CONTENT: use tabs\n")
    (project / "docs").mkdir()
    (project / "docs" / "arch.md").write_text("ARCH-CONTENT\n")
    bare = system_prompt(zot("-p", "-e", folder, "go", replies=[text("ok")]))
    assert "FRAGMENT-OPENAI" in bare and "FRAGMENT-ALWAYS for openai/fake" in bare
    for absent in ("FRAGMENT-PYPROJECT", "FRAGMENT-ANY-CONFIG", "FRAGMENT-ANTHROPIC", "FRAGMENT-STRICT"):
        assert absent not in bare
    # context files reach the system prompt; a missing one is skipped
    assert "CONVENTIONS-CONTENT: use tabs" in bare and "ARCH-CONTENT" in bare

    (project / "pyproject.toml").write_text("")
    (project / "a" / "b").mkdir(parents=True)
    (project / "a" / "b" / "tox.ini").write_text("")        # one of the two globs is enough
    write_settings("extensions:\n  cond:\n    params: {strict: true, style: verbose}\n")
    full = system_prompt(zot("-p", "-e", folder, "go", replies=[text("ok")]))
    assert "FRAGMENT-PYPROJECT" in full and "FRAGMENT-ANY-CONFIG" in full
    assert "FRAGMENT-STRICT style=verbose" in full
    assert "FRAGMENT-ANTHROPIC" not in full


PARAMS = """
params:
  greeting: {type: string, default: Hello}
  limit: {type: integer, default: 3}
  names: {type: array, items: {type: string}, default: [ada, bob]}
commands:
  hi:
    description: Greet
    display: "{{ params.greeting }} x{{ params.limit }}: {{ params.names | join(', ') }}"
tools:
  hi_tool:
    description: Greet the model
    template: "{{ params.greeting }} model"
hooks:
  - on: before_agent_start
    system: "GREETING={{ params.greeting }}"
"""


def test_param_defaults_reach_every_template(zot, ext):
    folder = ext("p", PARAMS)
    assert zot("-p", "-e", folder, "/hi", model=False).out == "Hello x3: ada, bob\n"
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("hi_tool", {}, id="t")]), text("ok")])
    assert "GREETING=Hello" in system_prompt(run)
    assert run.tool_results()["t"]["content"] == "Hello model"


def test_settings_override_param_defaults(zot, ext, project):
    folder = ext("p", PARAMS)
    write_settings("extensions:\n  p:\n    params: {greeting: Howdy, names: [cy]}\n")
    assert zot("-p", "-e", folder, "/hi", model=False).out == "Howdy x3: cy\n"
    run = zot("--json", "-e", folder, "go", replies=[tool_calls([call("hi_tool", {}, id="t")]), text("ok")])
    assert "GREETING=Howdy" in system_prompt(run)
    assert run.tool_results()["t"]["content"] == "Howdy model"


def test_validate_rejects_an_undeclared_param(ext, project):
    folder = ext("typo", """
        params:
          greeting: {type: string, default: Hello}
        commands:
          hi:
            description: Greet
            display: "{{ params.greting }}"
        """)
    result = zot_subprocess("ext", "validate", folder, cwd=project)
    assert result.returncode == 1
    assert "error[undeclared-variable]" in result.stdout and "params.greting" in result.stdout
    assert "greeting" in result.stdout       # the hint names what is declared
