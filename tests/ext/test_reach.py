"""Issue 16, reach and state: what `zot ext test`, `validate` and `explain` reach and say they left
out, hook and script tests, params in matchers, and `zot docs`. Each runs the real console script
in a temporary project (HOME and ZOT_HOME are temporary, tests/conftest.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ZOT = str(Path(sys.executable).with_name("zot"))
HEAD = "schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: A test extension\n"


def zot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ZOT, *args], cwd=cwd, env=os.environ.copy(), capture_output=True, text=True,
                          timeout=120)


def add_ext(base: Path, name: str, body: str) -> Path:
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extension.yaml").write_text(HEAD.format(name=name) + body, encoding="utf-8")
    return folder


HOOKS = """\
hooks:
  - on: tool_result
    tool: bash
    redact: ['AKIA[0-9A-Z]{16}']
  - on: tool_result
    truncate: {max_lines: 2}
  - on: message_end
    redact: ['sk-[a-z]{10,}']
tests:
  - tool_result: {tool: bash, args: {command: env}, content: "KEY=AKIAABCDEFGHIJKLMNOP"}
    expect: {equals: "KEY=[REDACTED]", excludes: AKIA}
  - tool_result: {tool: read, content: "1\\n2\\n3\\n4"}
    expect: {content: "[truncated to 2 lines by a hook]", excludes: "3"}
  - message_end: "the key is sk-abcdefghijkl, keep it"
    expect: {equals: "the key is [REDACTED], keep it"}
"""


def test_hook_tests_pass_in_validate_and_test(project, tmp_path):
    folder = add_ext(tmp_path, "hooked", HOOKS)

    checked = zot("ext", "validate", str(folder), cwd=project)
    tested = zot("ext", "test", str(folder), cwd=project)

    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "ok: 1 file, no problems\n", "")
    assert tested.returncode == 0 and tested.stdout.startswith("ok   hooked: 3 example(s) and test(s) pass")


def test_a_program_test_is_skipped_by_validate_and_said_so(project, tmp_path):
    folder = add_ext(tmp_path, "runner", """\
tools:
  hello:
    description: Say hello
    run: {argv: [echo, hello]}
tests:
  - tool: {name: hello}
    expect: {result: hello}
""")
    checked = zot("ext", "validate", str(folder), cwd=project)
    tested = zot("ext", "test", "-e", str(folder), cwd=project)

    assert checked.returncode == 0 and checked.stdout == "ok: 1 file, no problems\n"
    assert checked.stderr == (f"note: {folder}/extension.yaml: skipped test 1: it runs a program or sends a "
                              "request (`zot ext validate` never runs programs or starts scripts; `zot ext test` does)\n")
    assert tested.returncode == 0 and "ok   runner: 1 example(s) and test(s) pass" in tested.stdout


@pytest.mark.parametrize("name, skipped", [("calc", "skipped tests 1, 2, 3"), ("bash-rewrite", "skipped tests 1, 2")])
def test_script_tests_start_the_script_in_test_and_are_named_by_validate(project, name, skipped):
    folder = REPO / "extensions" / name

    checked = zot("ext", "validate", str(folder), cwd=project)
    tested = zot("ext", "test", str(folder), cwd=project)

    assert checked.returncode == 0 and f"{skipped}: it needs the script" in checked.stderr
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.startswith(f"ok   {name}: ") and "skipped" not in tested.stderr


def test_a_script_test_that_fails_is_a_failure_at_its_line(project, tmp_path):
    folder = tmp_path / "calc"
    folder.mkdir()
    (folder / "main.py").write_text((REPO / "extensions" / "calc" / "main.py").read_text())
    manifest = (REPO / "extensions" / "calc" / "extension.yaml").read_text().replace(
        "exec: python3", f"exec: {sys.executable}").replace('equals: "256"', 'equals: "257"')
    (folder / "extension.yaml").write_text(manifest)

    tested = zot("ext", "test", str(folder), cwd=project)

    line = manifest.splitlines().index("  - tool: {name: calc, args: {expression: \"2 ** 10 / 4\"}}") + 1
    assert tested.returncode == 1
    assert f"extension.yaml:{line}:5: error[example-failed]: test 1: the result is '256', expected exactly '257'" \
        in tested.stdout


def test_ext_test_without_a_path_tests_what_loads_and_names_the_rest(project, zot_home):
    add_ext(project / ".zot" / "extensions", "team", "commands:\n  hi: {description: Hi, display: hi}\n")
    (zot_home).mkdir(parents=True, exist_ok=True)
    (zot_home / "settings.yaml").write_text("extensions: {self-protection: {enabled: false}}\n")

    tested = zot("ext", "test", cwd=project)

    names = [line.split()[1].rstrip(":") for line in tested.stdout.splitlines() if line.startswith(("ok", "FAIL"))]
    assert names == ["safety"]
    assert "note: not tested: team (this project is not trusted, and tests may run its programs); run `zot trust`" \
        in tested.stderr
    assert "note: not tested (disabled): self-protection; `zot ext test PATH` tests one anyway" in tested.stderr


def test_explain_takes_e_and_names_what_it_did_not_judge(project, tmp_path, zot_home):
    add_ext(project / ".zot" / "extensions", "team", """\
guards:
  no-curl: {tool: bash, when: {shell: {program: curl}}, action: deny, reason: no curl}
  allow-ls: {tool: bash, when: {shell: {program: ls}}, action: allow}
""")
    mine = add_ext(tmp_path, "mine", "guards:\n  no-wget: {tool: bash, when: {shell: {program: wget}}, "
                                     "action: deny, reason: no wget}\n")
    zot_home.mkdir(parents=True, exist_ok=True)
    (zot_home / "settings.yaml").write_text("extensions: {safety: {enabled: false}}\n")

    out = zot("ext", "explain", "-e", str(mine), "--tool", "bash", "--args", '{"command": "wget x && curl y"}',
              "--format", "json", cwd=project)

    told = json.loads(out.stdout)
    assert sorted(m["rule"] for m in told["matches"]) == ["no-curl", "no-wget"]
    assert told["not_judged"] == [
        "this project is not trusted: only the deny and confirm rules of team were judged "
        "(`zot trust` to judge all of them)",
        "not judged (disabled): safety; `-e PATH` judges one anyway"]


def test_params_render_in_matchers_and_settings_change_them(project, zot_home):
    folder = add_ext(zot_home / "extensions", "protect", """\
params:
  protected: {type: array, items: {type: string}, default: [".env"]}
guards:
  protect:
    tool: [write, edit, bash]
    when: {path: {match: "{{ params.protected }}"}}
    action: deny
    reason: protected
    examples:
      deny: [{tool: write, args: {path: .env, content: x}}]
      allow: [{tool: write, args: {path: creds.txt, content: x}}]
""")
    write_key = ("ext", "explain", "--tool", "write", "--args", '{"path": "creds.txt", "content": "x"}',
                 "--format", "json")

    assert zot("ext", "validate", str(folder), cwd=project).stdout == "ok: 1 file, no problems\n"
    before = json.loads(zot(*write_key, cwd=project).stdout)
    (zot_home / "settings.yaml").write_text("extensions: {protect: {params: {protected: [.env, creds.*]}}}\n")
    after = json.loads(zot(*write_key, cwd=project).stdout)
    shell = json.loads(zot("ext", "explain", "--tool", "bash", "--args", '{"command": "cp x creds.txt"}',
                           "--format", "json", cwd=project).stdout)

    assert before["decision"] == "allow"
    assert after["decision"] == "deny" and [m["rule"] for m in after["matches"]] == ["protect"]
    assert shell["decision"] == "deny" and "protect" in [m["rule"] for m in shell["matches"]]


def test_zot_docs_lists_prints_and_suggests(project):
    listed = zot("docs", cwd=project)
    trust = zot("docs", "trust", cwd=project)
    typo = zot("docs", "trsut", cwd=project)
    schema = zot("docs", "schema", cwd=project)

    assert listed.returncode == 0 and any(line.startswith("tutorial ") for line in listed.stdout.splitlines())
    assert trust.returncode == 0
    assert trust.stdout == (REPO / "docs" / "trust.md").read_text().rstrip("\n") + "\n"
    assert typo.returncode == 2 and "did you mean `trust`?" in typo.stderr
    installed = schema.stdout.rsplit("Installed with this zot: ", 1)[1].strip()
    assert Path(installed).is_file() and json.loads(Path(installed).read_text())["$id"] in schema.stdout


def test_the_wheel_ships_the_docs():
    text = (REPO / "pyproject.toml").read_text()
    assert '"docs" = "zot/_shipped/docs"' in text
    assert '"schemas" = "zot/_shipped/schemas"' in text
