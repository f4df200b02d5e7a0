"""What zot ships is clean, checked the way a user checks it: the real `zot` in a subprocess."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ZOT = str(Path(sys.executable).with_name("zot")) if Path(sys.executable).with_name("zot").exists() \
    else shutil.which("zot")


def zot(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([ZOT, *args], cwd=cwd, env=os.environ.copy(), capture_output=True, text=True,
                          timeout=120)


def has_manifest(folder: Path) -> bool:
    return any(p.name in ("extension.yaml", "recipe.yaml") for p in folder.rglob("*.yaml"))


def test_validate_extensions_and_recipes_is_clean() -> None:
    # `recipes/` is validated once it holds a recipe: an empty folder is "nothing to check", an error.
    folders = ["extensions"] + [d for d in ("recipes",) if has_manifest(REPO / d)]
    out = zot("ext", "validate", *folders)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no problems" in out.stdout, out.stdout
    assert "error" not in out.stdout and "warning" not in out.stdout, out.stdout
    listed = zot("ext", "validate", *folders, "--format", "json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == [], listed.stdout + listed.stderr


def test_safety_examples_and_tests_pass() -> None:
    out = zot("ext", "test", "extensions/safety")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("ok   safety:"), out.stdout


@pytest.mark.parametrize("tool, args, decision, rule", [
    ("bash", {"command": "sudo rm -rf /"}, "deny", "no-recursive-delete-outside-project"),
    ("bash", {"command": "git -C other push --force"}, "confirm", "confirm-git-force-push"),
    ("write", {"path": ".env", "content": "X=1"}, "deny", "no-write-env-secrets"),
    ("bash", {"command": "rm -rf build && echo 'rm -rf /' >> notes.md"}, "allow", None),
])
def test_explain_in_a_project_agrees(tmp_path: Path, tool: str, args: dict, decision: str, rule) -> None:
    project = Path.home() / "code" / "app"
    (project / ".git").mkdir(parents=True)
    out = zot("ext", "explain", "--tool", tool, "--args", json.dumps(args), "--format", "json", cwd=project)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["decision"] == decision, report
    if rule:
        assert any(m["extension"] == "safety" and m["rule"] == rule for m in report["matches"]), report
