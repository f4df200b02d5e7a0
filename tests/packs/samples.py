"""Packs and extensions the sharing tests install."""
from __future__ import annotations

RECIPE = """\
schema: zot/recipe/v1
name: team-rules
version: {version}
description: Our team's rules
extensions:
  - path: extensions/lint
    params: {{level: {level}}}
  - name: git
"""

LINT = """\
schema: zot/extension/v1
name: lint
version: {version}
description: Lint rules
params:
  level: {{type: string, default: low, description: How strict}}
guards:
  no-force-push:
    tool: bash
    when: {{shell: {{program: git, subcommand: push, flags: [force]}}}}
    action: deny
    reason: force pushes rewrite history
    examples:
      deny: ["git push --force"]
      allow: ["git push"]
{extra}"""

RUN_TOOL = """\
tools:
  lint_all:
    description: Run the linter
    run: {argv: [ruff, check, .]}
"""


def pack_files(version: str = "1.0.0", level: str = "high", extra: str = "") -> dict[str, str]:
    return {"recipe.yaml": RECIPE.format(version=version, level=level),
            "extensions/lint/extension.yaml": LINT.format(version=version, extra=extra)}


def ext_files(name: str = "hello", version: str = "1.0.0") -> dict[str, str]:
    return {"extension.yaml": f"schema: zot/extension/v1\nname: {name}\nversion: {version}\n"
                              f"description: Says hello\ncommands:\n  hi:\n    description: Greet\n"
                              f"    display: hello\n"}
