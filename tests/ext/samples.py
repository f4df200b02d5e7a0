"""Valid manifests the extension tests start from."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


VALID = """\
schema: zot/extension/v1
name: everything
version: 1.2.3
description: Uses every section
params:
  limit: {type: integer, default: 200}
  protected: {type: array, items: {type: string}, default: [".env"]}
commands:
  review:
    description: Review a diff
    args: [{name: ref, default: HEAD}, {name: rest, rest: true}]
    prompt: "Review `git diff {{ args.ref }}` {{ args.rest }}"
  again:
    description: Review again
    args: [{name: ref}]
    prompt: {template: review}
  status:
    description: Git status
    run: {argv: [git, status, --short], timeout: 5s}
    output: "{{ stdout | trim }}"
tools:
  run_tests:
    description: Run the tests
    parameters: {type: object, properties: {path: {type: string}}, required: [path]}
    run: {argv: [pytest, -q, "{{ args.path }}"], timeout: 2m}
    result: "{{ stdout }} (exit {{ exit_code }})"
guards:
  no-recursive-delete:
    tool: bash
    when: {shell: {program: rm, flags: [r, f]}}
    action: deny
    reason: "recursive force delete is not allowed"
    examples:
      deny: ["rm -rf /", "rm -fr build"]
      allow: ["rm notes.txt"]
  long-commands:
    tool: bash
    when: {expr: "len(args.command) > params.limit"}
    action: confirm
    reason: "a {{ args.command | length }} character command"
  quiet-pip:
    tool: bash
    when: {arg: command, regex: '^pip install'}
    action: rewrite
    rewrite:
      - {arg: command, sub: {pattern: '^pip install', repl: 'pip install -q'}}
hooks:
  - on: tool_result
    tool: bash
    redact: ['AKIA[0-9A-Z]{16}']
  - on: before_agent_start
    system: "Ask before deleting files in {{ project }}."
  - on: tool_result
    if: "tool == 'bash'"
    notify: "ran {{ args.command }}"
prompts:
  templates:
    review: "Review {{ args.ref }} carefully."
widgets:
  branch:
    placement: status
    run: {argv: [git, branch, --show-current]}
    text: "{{ stdout | trim }}"
    refresh: {on: [turn_end], every: 30s}
tests:
  - tool_call: {tool: bash, args: {command: "rm -rf ~"}}
    expect: deny
  - widget: branch
    expect: {text: main}
"""


def starter(name: str = "starter") -> str:
    """What `zot ext new NAME` writes."""
    from zot.cmd.ext import SCHEMA_URL, STARTER

    return STARTER.format(name=name, schema=SCHEMA_URL)


def shipped_manifests() -> list[Path]:
    """The extensions and recipes that ship with zot (none yet is fine)."""
    return sorted((REPO / "extensions").rglob("extension.yaml")) + sorted((REPO / "recipes").rglob("recipe.yaml"))
