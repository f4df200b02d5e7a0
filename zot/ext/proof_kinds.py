"""Manifest tests for commands, tools, input transforms, widgets, tool results and assistant text
(tool_call tests are in proof).

Each expectation is a substring unless it says `equals` (`excludes`: text that must be gone). A
test whose subject would run a program, send a request or needs the extension's script is
skipped unless programs may run (`zot ext test`, which starts the script); the skipped ones are
named, never passed over in silence.
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


def _command_name(test: dict) -> str:
    word = str(test["command"]).lstrip("/").partition(" ")[0]
    return word.split(":", 1)[1] if ":" in word else word


def needs_script(compiled, test: Any) -> bool:
    """Whether a test's outcome may depend on the extension's script: its intercepts see every
    tool call, result, input and assistant text; its tools, commands and widgets are the names
    the manifest does not declare."""
    from zot.ext.proof_bench import has_script

    if not has_script(compiled) or not isinstance(test, dict):
        return False
    if any(k in test for k in ("tool_call", "tool_result", "message_end", "input")):
        return True
    declared = lambda section: {getattr(h, "name", None) for h in compiled.handlers.get(section, [])}  # noqa: E731
    if "tool" in test:
        return (test["tool"] or {}).get("name") not in declared("tools")
    if "command" in test:
        return _command_name(test) not in declared("commands")
    return "widget" in test and test["widget"] not in declared("widgets")


def say_skipped(waiting: dict[int, str], run_programs: bool) -> list[str]:
    """One line per reason: which tests were skipped, and what runs them."""
    by_reason: dict[str, list[int]] = {}
    for i, reason in sorted(waiting.items()):
        by_reason.setdefault(reason, []).append(i + 1)
    where = "the script did not start" if run_programs else "`zot ext validate` never runs programs or " \
        "starts scripts; `zot ext test` does"
    return [f"skipped test{'s' if len(n) > 1 else ''} {', '.join(map(str, n))}: {reason} ({where})"
            for reason, n in by_reason.items()]


async def _command(bench, test: dict, run_programs: bool, cwd: Path) -> list[str] | None:
    rest = str(test["command"]).lstrip("/").partition(" ")[2]
    name = _command_name(test)
    command = bench.commands.find(name)
    if command is None:
        return [f"this extension has no command /{name}"]
    if getattr(command, "action", None) == "run" and not run_programs:
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


async def _tool(compiled, bench, test: dict, run_programs: bool, cwd: Path, project: Path) -> list[str] | None:
    from zot.tools.validate import validate_args

    subject = test["tool"]
    tool = bench.tools.get(subject.get("name"))
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


async def _input(bench, test: dict) -> list[str]:
    text, handled = str(test["input"]), False
    for hook in bench.hooks.input_transforms:
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


def _text_expect(problems: list[str], label: str, want: dict, key: str, got: str) -> None:
    """`key` (a substring), `equals` and `excludes` (text that must be gone) against `got`."""
    _substr(problems, label, want.get(key), got)
    if "equals" in want and got != want["equals"]:
        problems.append(f"{label} is {got[:200]!r}, expected exactly {want['equals']!r}")
    gone = want.get("excludes")
    for text in [gone] if isinstance(gone, str) else gone or []:
        if str(text) in got:
            problems.append(f"{label} {got[:200]!r} still contains {str(text)!r}")


async def _tool_result(bench, test: dict) -> list[str]:
    """The result through the tool_result chain, as toolpath.transform runs it."""
    from zot.ext.proof import make_call
    from zot.tools.base import ToolResult

    subject = test["tool_result"]
    call = make_call(str(subject["tool"]), subject.get("args") or {})
    result = ToolResult(str(subject["content"]), bool(subject.get("is_error")))
    problems: list[str] = []
    for handler in bench.hooks.result_transforms:
        try:
            result = await handler.transform(call, result)
        except Exception as exc:  # the live path reports it and goes on with the result unchanged
            problems.append(f"a tool_result hook failed: {exc}")
    want = test.get("expect") or {}
    withheld = result.is_error and result.content.startswith("[result withheld")
    if "withheld" in want and bool(want["withheld"]) != withheld:
        problems.append(f"withheld is {withheld}, expected {bool(want['withheld'])}: {result.content[:200]!r}")
    _text_expect(problems, "the result", want, "content", result.content)
    return problems


async def _message_end(bench, test: dict) -> list[str]:
    """The assistant's text through the message_end chain, as the loop runs it."""
    text = str(test["message_end"])
    problems: list[str] = []
    for handler in bench.hooks.text_transforms:
        text = handler.transform_text(text)
    for handler in bench.hooks.message_transforms:
        if text:
            text = await handler.transform_message(text)
    _text_expect(problems, "the text", test.get("expect") or {}, "text", text)
    return problems


async def check_other_tests(compiled, tests: list, run_programs: bool, bench=None,
                            waiting: dict[int, str] | None = None) -> list:
    """Every test but `tool_call`; a test that must wait (programs, the script) is added to
    `waiting` with its reason."""
    from zot.config import find_project_root
    from zot.ext.proof_bench import open_bench

    project = find_project_root()
    cwd = project
    waiting = waiting if waiting is not None else {}
    bench = bench or await open_bench(compiled, False)
    failures = []
    for i, test in enumerate(tests or []):
        if not isinstance(test, dict) or i in waiting:
            continue
        try:
            if "command" in test:
                problems = await _command(bench, test, run_programs, cwd)
            elif "tool" in test:
                problems = await _tool(compiled, bench, test, run_programs, cwd, project)
            elif "input" in test:
                problems = await _input(bench, test)
            elif "widget" in test:
                problems = await _widget(compiled, test, run_programs, cwd)
            elif "tool_result" in test:
                problems = await _tool_result(bench, test)
            elif "message_end" in test:
                problems = await _message_end(bench, test)
            else:
                continue
        except Exception as exc:  # a test must never crash validation
            problems = [f"the test could not run: {type(exc).__name__}: {exc}"]
        if problems is None:
            waiting[i] = "it runs a program or sends a request"
        elif problems:
            failures.append(_fail(i, test, "; ".join(problems)))
    return failures
