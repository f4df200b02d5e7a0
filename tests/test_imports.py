"""Imports point one way: cli -> ui / modes -> agent -> ext, tools, llm; zot/cmd (the ext, trust
and sessions sub-commands) sits beside the modes and nothing below it imports it. Checked on the
source, every import statement (also those inside functions)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ZOT = Path(__file__).resolve().parent.parent / "zot"

FORBIDDEN = {
    "ui": ("zot.cmd", "zot.cli", "zot.modes"),
    "modes": ("zot.cmd", "zot.cli", "zot.ui"),
    "agent": ("zot.cmd", "zot.cli", "zot.ui", "zot.modes"),
    "ext": ("zot.cmd", "zot.cli", "zot.ui", "zot.modes", "zot.agent"),
    "tools": ("zot.cmd", "zot.cli", "zot.ui", "zot.modes", "zot.agent"),
    "llm": ("zot.cmd", "zot.cli", "zot.ui", "zot.modes", "zot.agent", "zot.ext"),
}


def imported(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_above_it(package):
    wrong = []
    for path in sorted((ZOT / package).rglob("*.py")):
        for line, name in imported(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]):
                wrong.append(f"{path.relative_to(ZOT.parent)}:{line}: imports {name}")
    assert wrong == []


def test_only_zot_llm_imports_litellm():
    wrong = [f"{path.relative_to(ZOT.parent)}:{line}" for path in ZOT.rglob("*.py")
             if (ZOT / "llm") not in path.parents
             for line, name in imported(path) if name.split(".")[0] == "litellm"]
    assert wrong == []
