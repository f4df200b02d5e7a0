"""Clients that know only the protocol drive `zot rpc`: the three stand-ins for the Go zot's
reference clients (tests/rpc/clients/README.md), run with `zot` first on PATH, and the client
printed in docs/rpc.md, run exactly as written there."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakellm import call, text, tool_calls
from tests.rpc.conftest import model_env

CLIENTS = Path(__file__).parent / "clients"
REPO = Path(__file__).resolve().parents[2]


def command(kind: str) -> list[str]:
    if kind == "python":
        return [sys.executable, str(CLIENTS / "python_client.py")]
    if kind == "node":
        if not shutil.which("node"):
            pytest.skip("node is not installed")
        return ["node", str(CLIENTS / "node_client.js")]
    if not shutil.which("jq"):
        pytest.skip("jq is not installed")
    return ["bash", str(CLIENTS / "shell_client.sh")]


def run(argv: list[str], project: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=project, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("token", [None, "s3cret"])
@pytest.mark.parametrize("kind", ["python", "node", "shell"])
def test_a_reference_client_prints_the_streamed_answer_and_exits_0(kind, token, llm_server, project,
                                                                   isolated_home):
    (project / "a.txt").write_text("alpha\n")
    llm_server.enqueue(tool_calls([call("read", {"path": "a.txt"}, id="r1")]), text("It says alpha.", chunks=4))
    env = model_env(llm_server, isolated_home)
    if token:
        env["ZOTCORE_RPC_TOKEN"] = token
    done = run([*command(kind), "what does a.txt say?"], project, env)
    assert (done.returncode, done.stdout) == (0, "It says alpha.\n"), done.stderr
    assert "[tool] read" in done.stderr
    assert [m["content"] for m in llm_server.requests[0]["messages"] if m["role"] == "user"] == \
        ["what does a.txt say?"]


def test_a_reference_client_reports_an_error_and_exits_1(llm_server, project, isolated_home):
    env = model_env(llm_server, isolated_home)
    env["ZOT_MODEL"] = ""                                      # no model configured
    done = run([*command("python"), "hello"], project, env)
    assert done.returncode == 1 and done.stdout == ""
    assert "[error] no model is configured" in done.stderr


def docs_client() -> str:
    doc = (REPO / "docs" / "rpc.md").read_text()
    section = doc.split("## A client in 20 lines of Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_client_in_the_docs_drives_a_two_turn_task_with_a_tool_call(llm_server, project, isolated_home,
                                                                        tmp_path):
    code = docs_client()
    assert len([line for line in code.splitlines() if line.strip()]) <= 20
    (tmp_path / "client.py").write_text(code)
    (project / "notes.txt").write_text("one\ntwo\nthree\n")
    llm_server.enqueue(tool_calls([call("read", {"path": "notes.txt"}, id="r1")]), text("It has 3 lines."),
                       tool_calls([call("write", {"path": "notes.txt", "content": "one\ntwo\nthree\ndone\n"},
                                        id="w1")]),
                       text("Added the line."))
    done = run([sys.executable, str(tmp_path / "client.py")], project, model_env(llm_server, isolated_home))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["", '[read {"path": "notes.txt"}]', "It has 3 lines.", "",
                                        '[write {"path": "notes.txt", "content": "one\\ntwo\\nthree\\ndone\\n"}]',
                                        "Added the line."]
    assert (project / "notes.txt").read_text() == "one\ntwo\nthree\ndone\n"
    second = llm_server.requests[2]["messages"]
    assert [m["role"] for m in second[1:]] == ["user", "assistant", "tool", "assistant", "user"]
