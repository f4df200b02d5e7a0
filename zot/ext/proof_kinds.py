"""Manifest tests for commands, tools, input transforms and widgets (tool_call tests are in proof).

Each expectation is a substring unless it says `equals`. A test whose subject would run a
program or send a request is skipped unless programs may run (`zot ext test`).
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from zot.tools.base import ToolContext

RUNS = ("run", "http")


def _fail(i: int, test: dict, problem: str):
    from zot.ext.proof import Failure

    name = test.get("name") or f"test {i + 1}"
    return Failure(("tests", i), f"{name}: {problem}", "fix the extension, or the expectation if it is right")


def _substr(problems: list[str], label: str, want: Any, got: str) -> None:
    if want is not None and str(want) not in got:
        problems.append(f"{label} {got[:200]!r} does not contain {str(want)!r}")


async def _command(compiled, test: dict, run_programs: bool, cwd: Path) -> list[str] | None:
    word, _, rest = str(test["command"]).lstrip("/").partition(" ")
    name = word.split(":", 1)[1] if ":" in word else word
    command = next((c for c in compiled.handlers.get("commands", []) if c.name == name), None)
    if command is None:
        return [f"this extension has no command /{name}"]
    if command.action == "run" and not run_programs:
        return None
    outcome = await command.invoke(rest, cwd)
    want = test.get("expect") or {}
    problems: list[str] = []
    if "error" in want:
        _substr(problems, "the error", want["error"],
                "\n".join(filter(None, (outcome.text, outcome.status))) if outcome.is_error else "")
    elif outcome.is_error:
        problems.append("the command failed" + (f" ({outcome.status})" if outcome.status else "")
                        + f": {outcome.text[:200]}")
    for key, action in (("prompt", "prompt"), ("insert", "insert"), ("output", None)):
        if key in want:
            if action and outcome.action != action:
                problems.append(f"the command's action is {outcome.action}, not {action}")
            _substr(problems, f"the {key}", want[key], outcome.text)
    return problems


async def _tool(compiled, test: dict, run_programs: bool, cwd: Path, project: Path) -> list[str] | None:
    from zot.tools.validate import validate_args

    subject = test["tool"]
    tool = next((t for t in compiled.handlers.get("tools", []) if t.name == subject.get("name")), None)
    if tool is None:
        return [f"this extension has no tool `{subject.get('name')}`"]
    node = (compiled.ext.data.get("tools") or {}).get(tool.name) or {}
    if any(k in node for k in RUNS) and not run_programs:
        return None
    args = subject.get("args") or {}
    problem = validate_args(tool.parameters, args)
    result = None if problem else await tool.run(args, ToolContext(cwd=cwd, project_root=project))
    want = test.get("expect") or {}
    problems: list[str] = []
    text = problem or (result.content if result else "")
    is_error = bool(problem) or bool(result and result.is_error)
    if "error" in want and bool(want["error"]) != is_error:
        problems.append(f"error is {is_error}, expected {bool(want['error'])}: {text[:200]}")
    _substr(problems, "the result", want.get("result"), text)
    if "equals" in want and text != want["equals"]:
        problems.append(f"the result is {text[:200]!r}, expected exactly {want['equals']!r}")
    return problems


async def _input(compiled, test: dict) -> list[str]:
    from zot.ext.compile.hooks import InputHook

    text, handled = str(test["input"]), False
    for hook in [h for h in compiled.handlers.get("hooks", []) if isinstance(h, InputHook)]:
        outcome = await hook.transform(text)
        text, handled = outcome.text, outcome.handled
        if handled:
            break
    want = test.get("expect") or {}
    problems = []
    if "text" in want and text != want["text"]:
        problems.append(f"the input became {text!r}, expected {want['text']!r}")
    if "handled" in want and bool(want["handled"]) != handled:
        problems.append(f"handled is {handled}, expected {bool(want['handled'])}")
    return problems


async def _widget(compiled, test: dict, run_programs: bool, cwd: Path) -> list[str] | None:
    widget = next((w for w in compiled.handlers.get("widgets", []) if w.name == test["widget"]), None)
    if widget is None:
        return [f"this extension has no widget `{test['widget']}`"]
    if widget.run is not None and not run_programs:
        return None
    text = await widget.refresh(cwd)
    want = test.get("expect") or {}
    problems: list[str] = []
    _substr(problems, "the widget text", want.get("text"), text)
    if "equals" in want and text != want["equals"]:
        problems.append(f"the widget text is {text!r}, expected exactly {want['equals']!r}")
    return problems


async def check_other_tests(compiled, tests: list, run_programs: bool) -> list:
    from zot.config import find_project_root

    project = find_project_root()
    cwd = project
    failures = []
    for i, test in enumerate(tests or []):
        if not isinstance(test, dict):
            continue
        try:
            if "command" in test:
                problems = await _command(compiled, test, run_programs, cwd)
            elif "tool" in test:
                problems = await _tool(compiled, test, run_programs, cwd, project)
            elif "input" in test:
                problems = await _input(compiled, test)
            elif "widget" in test:
                problems = await _widget(compiled, test, run_programs, cwd)
            else:
                continue
        except Exception as exc:  # a test must never crash validation
            problems = [f"the test could not run: {type(exc).__name__}: {exc}"]
        if problems:
            failures.append(_fail(i, test, "; ".join(problems)))
    return failures
