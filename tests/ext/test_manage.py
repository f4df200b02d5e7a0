"""Managing extensions as a user does: `zot ext new`, `list`, `enable`, `disable` and `zot trust`.

Each test runs the real `zot` console script in a temporary project (a folder with `.git`), with
HOME and ZOT_HOME in a temporary folder (see tests/conftest.py).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from zot.config import shipped_dir

ZOT = str(Path(sys.executable).with_name("zot")) if Path(sys.executable).with_name("zot").exists() \
    else shutil.which("zot")

HEAD = "schema: zot/extension/v1\nname: {name}\nversion: {version}\ndescription: A test extension\n"
RUNNER = HEAD.format(name="runner", version="2.0.0") + """\
commands:
  status:
    description: Git status
    run: {argv: [git, status, --short]}
tools:
  run_tests:
    description: Run the tests
    run: {argv: [pytest, -q, "{{ args.path }}"]}
    parameters: {type: object, properties: {path: {type: string}}}
  weather:
    description: The weather
    http: {url: "https://example.com/weather"}
widgets:
  branch:
    run: {argv: [git, branch, --show-current]}
    text: "{{ stdout }}"
hooks:
  - on: session_start
    run: {argv: [make, setup]}
script:
  exec: python3
  args: [main.py]
"""
BROKEN = """\
schema: zot/extension/v1
name: broken
version: 1.0.0
description: A broken extension
guards:
  g:
    tool: bash
    action: block
    reason: nope
    priority: high
"""


def zot(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ZOT, *args], cwd=cwd, env=os.environ.copy(), capture_output=True, text=True,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL, timeout=60)


def add_ext(folder: Path, name: str, text: str) -> Path:
    path = folder / name / "extension.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rows(out: str) -> dict[str, dict]:
    """`zot ext list` text output: one row per extension, with the lines indented below it."""
    table: dict[str, dict] = {}
    current: dict | None = None
    for line in out.splitlines():
        m = re.match(r"^(\S+)\s+(\S+)\s+(project|global|shipped|cli)\s+(\S+)\s+(\S.*)$", line)
        if m:
            current = dict(zip(("name", "version", "scope", "state", "path"), m.groups()), notes=[])
            table[current["name"]] = current
        elif current is not None and line.strip():
            current["notes"].append(line.strip())
    return table


def listed(project: Path) -> dict[str, dict]:
    out = zot("ext", "list", cwd=project)
    assert out.returncode == 0, out.stderr
    return rows(out.stdout)


# --- zot ext new -------------------------------------------------------------------------------

def test_new_writes_a_starter_that_validates_clean(project):
    out = zot("ext", "new", "hello", cwd=project)

    target = project / ".zot" / "extensions" / "hello" / "extension.yaml"
    assert out.returncode == 0, out.stderr
    # paths as the user would type them, from where they ran the command
    assert out.stdout == ("wrote .zot/extensions/hello/extension.yaml\n"
                          "check it with: zot ext validate .zot/extensions/hello\n")
    first = target.read_text(encoding="utf-8").splitlines()[0]
    # the schema's stable identifier, the same for every teammate (never one machine's path)
    schema_id = json.loads((shipped_dir("schemas") / "extension.schema.json").read_text())["$id"]
    assert first == f"# yaml-language-server: $schema={schema_id}"
    assert str(project) not in target.read_text() and str(Path.home()) not in target.read_text()
    check = zot("ext", "validate", str(target.parent), cwd=project)
    assert (check.returncode, check.stdout) == (0, "ok: 1 file, no problems\n")


def test_new_global_writes_a_starter_that_does_nothing_until_edited(project, zot_home):
    out = zot("ext", "new", "mine", "--global", cwd=project)
    assert out.returncode == 0, out.stderr
    target = zot_home / "extensions" / "mine" / "extension.yaml"

    check = zot("ext", "validate", str(target.parent), cwd=project)
    explain = zot("ext", "explain", "--tool", "bash", "--args", '{"command": "git push origin main"}', cwd=project)

    assert (check.returncode, check.stdout) == (0, "ok: 1 file, no problems\n")
    assert "mine:" not in explain.stdout and "decision: allow" in explain.stdout
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(target.read_text())
    assert sorted(data) == ["description", "name", "schema", "version"]
    head, marker, body = target.read_text().partition("does nothing until you remove the `# ` in front of it.\n")
    target.write_text(head + marker + body.replace("\n# ", "\n"))    # what the user gets by removing `# `
    assert zot("ext", "validate", str(target.parent), cwd=project).returncode == 0
    assert "mine:confirm-git-push" in zot("ext", "explain", "--tool", "bash", "--args",
                                          '{"command": "git push origin main"}', cwd=project).stdout


def test_new_global_writes_under_zot_home(project, zot_home):
    out = zot("ext", "new", "mine", "--global", cwd=project)

    assert out.returncode == 0, out.stderr
    assert (zot_home / "extensions" / "mine" / "extension.yaml").is_file()
    assert listed(project)["mine"]["scope"] == "global"


def test_new_twice_fails_and_keeps_the_file(project):
    zot("ext", "new", "hello", cwd=project)
    target = project / ".zot" / "extensions" / "hello" / "extension.yaml"
    target.write_text(target.read_text() + "# my edits\n")

    out = zot("ext", "new", "hello", cwd=project)

    assert out.returncode == 1
    assert out.stderr == f"zot: error: {target} already exists\n  hint: choose another name or edit that file\n"
    assert target.read_text().endswith("# my edits\n")


@pytest.mark.parametrize("name", ["Hello", "my ext", "1st", "snake.case", "a" * 65, "héllo"])
def test_new_refuses_an_invalid_name(project, name):
    out = zot("ext", "new", name, cwd=project)

    assert out.returncode == 2
    assert out.stderr == (f"zot: error: `{name}` is not a valid extension name\n"
                          "  hint: use lowercase letters, digits, - and _, starting with a letter\n")
    assert not (project / ".zot").exists()


# --- zot ext list ------------------------------------------------------------------------------

def test_list_shows_name_version_scope_state_and_path(project, zot_home):
    proj_path = add_ext(project / ".zot" / "extensions", "runner", RUNNER)
    glob_path = add_ext(zot_home / "extensions", "mine", HEAD.format(name="mine", version="0.3.0"))

    table = listed(project)

    assert {k: table["runner"][k] for k in ("name", "version", "scope", "state", "path")} == {
        "name": "runner", "version": "2.0.0", "scope": "project", "state": "restricted", "path": str(proj_path)}
    assert table["runner"]["notes"] == ["waits for `zot trust` (it has no deny or confirm rules to apply before)"]
    assert {k: table["mine"][k] for k in ("version", "scope", "state", "path")} == {
        "version": "0.3.0", "scope": "global", "state": "loaded", "path": str(glob_path)}
    assert all(row["scope"] == "shipped" for name, row in table.items() if name not in ("runner", "mine"))


def test_a_project_extension_loads_once_trusted_and_not_after_an_edit(project):
    path = add_ext(project / ".zot" / "extensions", "runner", RUNNER)
    assert listed(project)["runner"]["state"] == "restricted"

    trusted = zot("trust", "--yes", cwd=project)

    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.endswith("; any change to .zot/ asks again\n")
    assert listed(project)["runner"]["state"] == "loaded"

    path.write_text(path.read_text().replace("pytest, -q", "pytest, -x"), encoding="utf-8")

    after = listed(project)["runner"]
    assert after["state"] == "restricted"
    out = zot("ext", "list", cwd=project).stdout
    assert out.endswith(
        "note: project .zot/ changed since you trusted it (1 modified (.zot/extensions/runner/extension.yaml); "
        "changed runs pytest -x {{ args.path }} (tool run_tests)); its extensions (runner) load only their deny "
        "and confirm rules and redactions; run `zot trust` to review and load the rest (/trust in the REPL)\n")


def test_any_new_file_under_dot_zot_needs_trust_again(project):
    add_ext(project / ".zot" / "extensions", "runner", RUNNER)
    zot("trust", "--yes", cwd=project)

    (project / ".zot" / "extensions" / "runner" / "main.py").write_text("print('hi')\n")

    assert listed(project)["runner"]["state"] == "restricted"
    assert zot("trust", "--yes", cwd=project).returncode == 0
    assert listed(project)["runner"]["state"] == "loaded"


def test_a_broken_extension_shows_its_first_error_and_the_others_still_load(project, zot_home):
    add_ext(project / ".zot" / "extensions", "runner", RUNNER)
    add_ext(project / ".zot" / "extensions", "broken", BROKEN)
    add_ext(zot_home / "extensions", "mine", HEAD.format(name="mine", version="0.3.0"))
    zot("trust", "--yes", cwd=project)

    table = listed(project)

    assert table["broken"]["state"] == "error"
    assert table["broken"]["notes"] == [
        "not loaded: fix the errors below",
        ".zot/extensions/broken/extension.yaml:8:13: `block` is not a valid `action`; expected one of "
        "`deny`, `confirm`, `allow`, `warn`, `rewrite`",
        ".zot/extensions/broken/extension.yaml:10:15: `priority` must be a whole number, not a string",
    ]
    assert (table["runner"]["state"], table["mine"]["state"]) == ("loaded", "loaded")


def test_list_json_has_one_object_per_extension(project):
    add_ext(project / ".zot" / "extensions", "broken", BROKEN)

    out = zot("ext", "list", "--format", "json", cwd=project)

    [row] = [r for r in json.loads(out.stdout) if r["name"] == "broken"]
    assert {k: row[k] for k in ("version", "scope", "state", "enabled")} == {
        "version": "1.0.0", "scope": "project", "state": "error", "enabled": False}
    assert [(e["line"], e["column"], e["code"]) for e in row["errors"]] == [(8, 13, "bad-value"), (10, 15, "bad-type")]


# --- zot ext enable / disable ------------------------------------------------------------------

SETTINGS = "# my settings, kept by hand\nmodel: openai/gpt-4o  # the default model\n"


def test_disable_and_enable_edit_the_global_settings_keeping_comments(project, zot_home):
    add_ext(zot_home / "extensions", "mine", HEAD.format(name="mine", version="0.3.0"))
    settings = zot_home / "settings.yaml"
    settings.write_text(SETTINGS, encoding="utf-8")

    out = zot("ext", "disable", "mine", cwd=project)

    assert (out.returncode, out.stdout) == (0, f"disabled mine in {settings}\n")
    assert settings.read_text() == SETTINGS + "extensions:\n  mine:\n    enabled: false\n"
    row = listed(project)["mine"]
    assert (row["state"], row["notes"]) == ("disabled", ["run `zot ext enable mine` to turn it on"])

    out = zot("ext", "enable", "mine", cwd=project)

    assert (out.returncode, out.stdout) == (0, f"enabled mine in {settings}\n")
    assert settings.read_text() == SETTINGS + "extensions:\n  mine:\n    enabled: true\n"
    assert listed(project)["mine"]["state"] == "loaded"


def test_disable_project_edits_dot_zot_settings_and_keeps_the_project_trusted(project):
    add_ext(project / ".zot" / "extensions", "runner", RUNNER)
    settings = project / ".zot" / "settings.yaml"
    settings.write_text(SETTINGS, encoding="utf-8")
    zot("trust", "--yes", cwd=project)

    out = zot("ext", "disable", "runner", "--project", cwd=project)

    assert (out.returncode, out.stdout) == (0, f"disabled runner in {settings}\n")
    assert settings.read_text() == SETTINGS + "extensions:\n  runner:\n    enabled: false\n"
    assert listed(project)["runner"]["state"] == "disabled"
    assert zot("trust", cwd=project).stdout == f"{project} is already trusted\n"
    assert not (Path(os.environ["ZOT_HOME"]) / "settings.yaml").exists()

    zot("ext", "enable", "runner", "--project", cwd=project)

    assert listed(project)["runner"]["state"] == "loaded"


def test_a_settings_file_with_only_comments_reads_as_empty(project, zot_home):
    add_ext(zot_home / "extensions", "mine", HEAD.format(name="mine", version="0.3.0"))
    (zot_home / "settings.yaml").write_text("# nothing set yet\n", encoding="utf-8")

    assert listed(project)["mine"]["state"] == "loaded"


def test_disable_writes_into_a_settings_file_with_only_comments(project, zot_home):
    add_ext(zot_home / "extensions", "mine", HEAD.format(name="mine", version="0.3.0"))
    settings = zot_home / "settings.yaml"
    settings.write_text("# nothing set yet\n", encoding="utf-8")

    out = zot("ext", "disable", "mine", cwd=project)

    assert out.returncode == 0, out.stderr
    assert settings.read_text() == "# nothing set yet\nextensions:\n  mine:\n    enabled: false\n"


def test_disable_project_does_not_trust_an_untrusted_project(project):
    add_ext(project / ".zot" / "extensions", "runner", RUNNER)

    assert zot("ext", "disable", "runner", "--project", cwd=project).returncode == 0

    assert listed(project)["runner"]["state"] == "restricted"


@pytest.mark.parametrize("action", ["enable", "disable"])
def test_an_unknown_name_exits_1_with_a_suggestion(project, action):
    add_ext(project / ".zot" / "extensions", "runner", RUNNER)

    out = zot("ext", action, "runer", cwd=project)

    assert out.returncode == 1
    assert out.stderr == ("zot: error: no extension named `runer`\n"
                          "  hint: did you mean `runner`? see `zot ext list`\n")
    assert not (project / ".zot" / "settings.yaml").exists()


# --- zot trust ---------------------------------------------------------------------------------

def test_trust_without_yes_and_without_a_terminal_lists_what_would_run_and_refuses(project):
    path = add_ext(project / ".zot" / "extensions", "runner", RUNNER)

    out = zot("trust", cwd=project)

    assert out.returncode == 1
    assert out.stdout == (
        f"Trusting {project} lets zot load and run what its .zot/ folder declares:\n"
        "  extension runner:\n"
        "    runs script python3 main.py\n"
        "    runs git status --short (command status)\n"
        "    runs make setup (hook 1)\n"
        "    runs pytest -q {{ args.path }} (tool run_tests)\n"
        "    runs git branch --show-current (widget branch)\n"
        "    calls example.com (tool weather)\n"
        "    tool run_tests: Run the tests\n"
        "    tool weather: The weather\n"
        "    command status: Git status\n"
        "    widget branch\n")
    assert out.stderr == ("zot: error: not trusted: confirmation needed\n"
                          "  hint: run `zot trust --yes` to trust without asking\n")
    assert listed(project)["runner"]["state"] == "restricted"


def test_trust_mentions_project_settings(project):
    (project / ".zot").mkdir()
    (project / ".zot" / "settings.yaml").write_text("model: openai/gpt-4o\n")

    out = zot("trust", cwd=project)

    assert "  settings:\n    chooses the model openai/gpt-4o\n" in out.stdout
    assert out.returncode == 1


def test_trust_without_a_dot_zot_folder_says_there_is_nothing_to_trust(project):
    out = zot("trust", "--yes", cwd=project)

    assert out.returncode == 1
    assert out.stderr == f"zot: error: {project} has no .zot/ folder\n  hint: there is nothing to trust here\n"


def test_revoke_makes_the_project_untrusted(project):
    add_ext(project / ".zot" / "extensions", "runner", RUNNER)
    zot("trust", "--yes", cwd=project)

    out = zot("trust", "--revoke", cwd=project)

    assert out.stdout == f"revoked trust for {project}\n"
    assert listed(project)["runner"]["state"] == "restricted"
