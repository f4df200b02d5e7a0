"""Helpers for the guard tests: extensions written to a folder, loaded by the real loader and
engine (or compiled without validation, to reach the runtime defences), and decided through the
one decision function the agent uses (`zot.ext.decide`: rewrite chain, argument check, every guard)."""
from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

from zot.ext.compile.context import ExtCtx
from zot.ext.compile.guards import RewriteRule
from zot.ext.decide import Decision
from zot.ext.decide import decide as decide_call
from zot.ext.engine import Engine, build_engine, compile_extension, tool_params_of
from zot.ext.hooks import CallInfo, Hooks
from zot.ext.loader import load_extensions
from zot.tools import builtin_tools

HEADER = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: guards under test\n"


def write_extension(folder: Path, body: str, name: str = "t") -> Path:
    """`folder/extension.yaml` = the header plus `body` (dedented); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extension.yaml").write_text(HEADER.format(name=name) + textwrap.dedent(body).lstrip("\n"))
    return folder


def line_of(folder: Path, text: str) -> int:
    """The 1-based line of the first line of extension.yaml that contains `text`."""
    lines = (folder / "extension.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def tools() -> dict[str, Any]:
    return {t.name: t for t in builtin_tools()}


def load(folder: Path, project: Path) -> Engine:
    """Load one extension folder as `-e` would, through validation; it must load cleanly."""
    exts = load_extensions(project, (folder,), discover_scopes=False)
    problems = [f"{d.file}:{d.line}:{d.column}: {d.message}" for e in exts for d in e.diagnostics if d.is_error]
    assert not problems and all(e.loaded for e in exts), problems
    return build_engine(exts, project, tools())


def load_many(folder: Path, project: Path, manifests: list[str]) -> Hooks:
    """Many whole manifests (a generated rule set), each in its own folder under `folder`, loaded
    and compiled as `-e` would; every one must load cleanly."""
    folders = []
    for i, text in enumerate(manifests):
        ext = folder / f"ext-{i:04d}"
        ext.mkdir(parents=True)
        (ext / "extension.yaml").write_text(text)
        folders.append(ext)
    exts = load_extensions(project, tuple(folders), discover_scopes=False)
    problems = [f"{e.name}: {d.message}" for e in exts for d in e.diagnostics if d.is_error]
    assert not problems, problems[:3]
    return build_engine(exts, project, tools()).hooks


def compile_unvalidated(folder: Path, project: Path) -> Hooks:
    """Compile a manifest that validation would reject: what the runtime does on its own."""
    from zot.ext.validate import check_file

    checked = check_file(folder / "extension.yaml")
    assert checked.data is not None
    ctx = ExtCtx(name=checked.data["name"], scope="cli", doc=checked.doc, data=checked.data, params={},
                 project=project, tool_params=tool_params_of(tools()))
    hooks = Hooks()
    for rule in compile_extension(ctx).rules:
        (hooks.rewriters if isinstance(rule, RewriteRule) else hooks.guards).append(rule)
    hooks.sort()
    return hooks


def decide(hooks: Hooks, tool: str, args: dict[str, Any], project: Path) -> tuple[Decision, dict]:
    """The full decision for one call, as the loop makes it (no confirm, no execution)."""
    return asyncio.run(decide_async(hooks, tool, args, project))


async def decide_async(hooks: Hooks, tool: str, args: dict[str, Any], project: Path) -> tuple[Decision, dict]:
    call = CallInfo("call", tool, dict(args), dict(args), str(project), str(project), {"model": "openai/fake"})
    decision = await decide_call(call, hooks, getattr(tools().get(tool), "parameters", None))
    return decision, call.args
