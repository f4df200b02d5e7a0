"""Untrusted YAML cannot crash or hang zot: an alias bomb, a self-referring alias and deep nesting
in a cloned repository's `.zot/` are diagnostics naming file:line, and every command answers
within seconds (before the bounds, an alias bomb made each one die of MemoryError after ~50 s)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.declarative.conftest import model_flags, zot_subprocess
from tests.fakellm import text

HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: hostile\n"


def alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "bomb": (alias_bomb(), 5, "its aliases expand to more than 200,000 values"),
    "loop": ("a: &a [x, *a]\n", 5, "an alias refers to a node that contains it"),
    "deep": ("a:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(1, 160)) + "  " * 160 + "- end\n", 1,
             "it nests mappings and lists more than 100 deep"),
}


def plant(project: Path, name: str) -> Path:
    body, _, _ = HOSTILE[name]
    folder = project / ".zot" / "extensions" / name
    folder.mkdir(parents=True)
    path = folder / "extension.yaml"
    path.write_text(HEAD.format(name=name) + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validate_answers_at_once_with_a_diagnostic(project, name):
    path = plant(project, name)
    started = time.monotonic()
    result = zot_subprocess("ext", "validate", path, cwd=project, timeout=30)
    assert time.monotonic() - started < 10
    _, line, message = HOSTILE[name]
    assert result.returncode == 1
    assert f"extension.yaml:{line}:" in result.stdout and message in result.stdout


def test_a_run_in_a_repository_with_an_alias_bomb_still_answers(project, llm_server):
    plant(project, "bomb")
    llm_server.enqueue(text("still here"))
    started = time.monotonic()
    result = zot_subprocess("-p", *model_flags(llm_server), "hello", cwd=project, timeout=30)
    assert time.monotonic() - started < 15
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "still here"
    listed = zot_subprocess("ext", "list", cwd=project, timeout=30)
    assert listed.returncode == 0
    assert "its aliases expand to more than 200,000 values" in listed.stdout


def test_a_global_settings_file_that_is_a_bomb_is_a_clear_error(project, isolated_home):
    settings = isolated_home / ".zot" / "settings.yaml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(alias_bomb(), encoding="utf-8")
    result = zot_subprocess("-p", "--model", "openai/x", "--api-key", "k", "hello", cwd=project, timeout=30)
    assert result.returncode == 1
    assert "settings.yaml:1:5" in result.stderr and "aliases expand" in result.stderr
    assert "Traceback" not in result.stderr
