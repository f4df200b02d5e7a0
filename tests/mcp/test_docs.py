"""docs/mcp.md's five-line example, as written, in `-p`, `--json`, the REPL and rpc."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from tests.declarative.conftest import tool_message
from tests.fakellm import FakeLLMServer, call, text, tool_calls
from tests.rpc.conftest import rpc  # noqa: F401 - the fixture is used by name
from tests.ui.term import Term

REPO = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)       # its python3 has the SDK the server imports


def block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", (REPO / "docs" / "mcp.md").read_text(), re.S)
    assert found, f"docs/mcp.md has no {language} block"
    return found.group(1)


def replies():
    return [tool_calls([call("words__count_words", {"text": "to be or not to be"}, id="c1")]), text("six words")]


@pytest.fixture
def words(isolated_home, monkeypatch) -> Path:
    """The example installed as the docs say: ~/.zot/extensions/words/."""
    assert len(block("yaml").strip().splitlines()) == 5
    folder = isolated_home / ".zot" / "extensions" / "words"
    folder.mkdir(parents=True)
    (folder / "server.py").write_text(block("python"))
    (folder / "extension.yaml").write_text(block("yaml"))
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))
    return folder


def test_the_example_validates(zot, words):
    run = zot("ext", "validate", str(words), model=False, shipped=True)
    assert run.code == 0 and "no problems" in run.out, run.out


def test_print_and_json(zot, words):
    printed = zot("-p", "how many words?", replies=replies(), shipped=True)
    assert (printed.code, printed.out) == (0, "six words\n"), printed.err
    assert "words__count_words" in [t["function"]["name"] for t in printed.requests[0]["tools"]]
    assert tool_message(printed.requests[1], "c1") == "6"
    as_json = zot("--json", "how many words?", replies=replies(), shipped=True)
    [result] = as_json.of("tool_result")
    assert (result["name"], result["content"], result["blocked"]) == ("words__count_words", "6", False)


def test_rpc(words, rpc):
    client = rpc(replies=replies())
    client.send(type="prompt", message="how many words?", id="1")
    frames = client.until("done")
    assert [f["content"] for f in frames if f["type"] == "tool_result"] == [[{"type": "text", "text": "6"}]]
    assert tool_message(rpc.server.requests[1], "c1") == "6"
    assert client.close() == 0


def test_repl(words, tmp_path, isolated_home):
    project = tmp_path / "proj"
    project.mkdir()
    with FakeLLMServer() as server:
        server.enqueue(*replies())
        term = Term(["--model", "openai/fake", "--api-base", server.url, "--api-key", "t"], project, isolated_home)
        try:
            term.ready()
            term.type("how many words?")
            term.wait_for("six words")
            assert tool_message(server.requests[1], "c1") == "6"
        finally:
            term.close()
