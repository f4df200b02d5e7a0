"""`zot ext test` and `zot ext validate` on manifest `tests:` of every kind."""
from __future__ import annotations

import re

from tests.declarative.conftest import REPO, zot_subprocess


def test_the_shipped_extensions_pass_their_own_tests(project):
    result = zot_subprocess("ext", "test", REPO / "extensions", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    names = re.findall(r"^ok   (\S+): \d+ example\(s\) and test\(s\) pass", result.stdout, re.M)
    shipped = sorted(p.parent.name for p in (REPO / "extensions").glob("*/extension.yaml"))
    assert sorted(names) == shipped and {"git", "notes", "python", "safety"} <= set(names)


FAILING = """
tools:
  hello:
    description: Greets
    parameters: {type: object, properties: {name: {type: string}}, required: [name]}
    template: "hello {{ args.name }}"
  shout:
    description: Fails
    run: {argv: [sh, -c, "echo loud; exit 2"]}
commands:
  hi:
    description: Says hi
    display: "hi"
  status:
    description: Runs a program
    run: {argv: [sh, -c, "echo nope; exit 9"]}
hooks:
  - on: input
    transform: {regex: "^x", to: "y"}
widgets:
  w:
    text: "www"
tests:
  - name: passes
    command: /hi
    expect: {output: "hi"}
  - name: command output
    command: /hi
    expect: {output: "bye"}
  - name: tool result
    tool: {name: hello, args: {name: ada}}
    expect: {equals: "goodbye"}
  - name: input transform
    input: "xx"
    expect: {text: "zz"}
  - name: widget text
    widget: w
    expect: {text: "nope"}
  - name: tool error flag
    tool: {name: shout}
    expect: {error: false}
  - name: failing run command
    command: /status
    expect: {output: "nope"}
  - name: expected failure
    command: /status
    expect: {error: "exit code 9"}
"""


def line_of(folder, needle: str) -> int:
    return (folder / "extension.yaml").read_text().splitlines().index(needle) + 1


def test_failing_tests_of_every_kind_fail_with_their_file_and_line(ext, project):
    folder = ext("failing", FAILING)
    result = zot_subprocess("ext", "test", folder, cwd=project)
    assert result.returncode == 1
    manifest = folder / "extension.yaml"
    assert result.stdout.startswith(f"FAIL failing: 6 problem(s) ({manifest})\n")
    expected = {
        "  - name: command output": "command output: the output 'hi' does not contain 'bye'",
        "  - name: tool result": "tool result: the result is 'hello ada', expected exactly 'goodbye'",
        "  - name: input transform": "input transform: the input became 'y', expected 'zz'",
        "  - name: widget text": "widget text: the widget text 'www' does not contain 'nope'",
        "  - name: tool error flag": "tool error flag: error is True, expected False",
        "  - name: failing run command": "failing run command: the command failed (exit code 9): nope",
    }
    for needle, message in expected.items():
        assert f"{manifest}:{line_of(folder, needle)}:5: error[example-failed]: {message}" in result.stdout


MARKER = """
tools:
  mark:
    description: Leaves a marker
    run: {argv: [touch, "{marker}"]}
commands:
  mark:
    description: Leaves another marker
    run: {argv: [touch, "{marker}-command"]}
widgets:
  mark:
    run: {argv: [touch, "{marker}-widget"]}
    text: marked
tests:
  - tool: {name: mark}
    expect: {error: false}
  - command: /mark
    expect: {output: ""}
  - widget: mark
    expect: {equals: marked}
"""


def test_validate_never_runs_programs_and_test_does(ext, project, tmp_path):
    marker = tmp_path / "marker"
    folder = ext("marks", MARKER.replace("{marker}", str(marker)))
    made = [marker, tmp_path / "marker-command", tmp_path / "marker-widget"]
    validated = zot_subprocess("ext", "validate", folder, cwd=project)
    assert validated.returncode == 0, validated.stdout
    assert not any(path.exists() for path in made)
    tested = zot_subprocess("ext", "test", folder, cwd=project)
    assert tested.returncode == 0, tested.stdout
    assert tested.stdout == f"ok   marks: 3 example(s) and test(s) pass ({folder / 'extension.yaml'})\n"
    assert all(path.exists() for path in made)
