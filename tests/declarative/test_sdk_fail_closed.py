"""An SDK intercept that raises, or returns something that is not a decision, blocks the call in
a real run over the local model server (the SDK's default `on_error` is block), unless its author
wrote `on_error="allow"`."""
from __future__ import annotations

import sys
import textwrap

from tests.fakellm import call, text, tool_calls

SCRIPT = '''
from zot.sdk import Extension

ext = Extension("fragile", version="1.0.0")


@ext.intercept("tool_call")
def strict(event, ctx):
    command = event["tool_args"].get("command", "")
    if command.startswith("echo raise"):
        raise RuntimeError("checker bug")
    if command.startswith("echo wrong"):
        return "yes please"
    return None


@ext.intercept("tool_call", on_error="allow")
def lenient(event, ctx):
    if event["tool_args"].get("command", "").startswith("echo lenient"):
        raise RuntimeError("lenient bug")
    return None


ext.run()
'''


def test_a_failing_sdk_intercept_blocks_unless_it_says_allow(zot, ext, project):
    folder = ext("fragile", f"script:\n  exec: {sys.executable}\n  args: [main.py]\n")
    (folder / "main.py").write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    calls = [call("bash", {"command": f"echo {word} > {word}.txt"}, id=word) for word in ("raise", "wrong", "lenient")]
    run = zot("--json", "-e", folder, "go", replies=[tool_calls(calls), text("done")])
    assert run.code == 0, run.err
    results = run.tool_results()
    assert results["raise"]["blocked"] and "checker bug" in results["raise"]["content"]
    assert results["wrong"]["blocked"] and "returned str" in results["wrong"]["content"]
    assert not results["lenient"]["blocked"]
    assert not (project / "raise.txt").exists() and not (project / "wrong.txt").exists()
    assert (project / "lenient.txt").exists()
