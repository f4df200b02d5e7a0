"""One run of the installed console script, `zot --json -e EXT ... "go"`, with a tool, a hook, a
system fragment and a redaction together (the other tests run the same CLI in-process)."""
from __future__ import annotations

import json

from tests.declarative.conftest import model_flags, sent_to_model, tool_message, zot_subprocess
from tests.fakellm import call, text, tool_calls

EXT = """
params:
  team: {type: string, default: core}
tools:
  argv:
    description: Print the arguments it gets, as JSON
    parameters: {type: object, properties: {text: {type: string}}, required: [text]}
    run: {argv: [python3, -c, "import json, sys; print(json.dumps(sys.argv[1:]))", "{{ args.text }}"]}
hooks:
  - on: before_agent_start
    system: "Team {{ params.team }} rules apply."
  - on: tool_result
    tool: argv
    redact: ['SECRET-[0-9]+']
  - on: tool_result
    tool: argv
    notify: "argv saw {{ args.text | length }} characters"
"""


def test_the_console_script_runs_declared_tools_and_hooks(ext, project, llm_server):
    folder = ext("e2e", EXT)
    value = "a b; $(touch pwned) `id` SECRET-123\nnext"
    llm_server.enqueue(tool_calls([call("argv", {"text": value}, id="t")]), text("done"))
    result = zot_subprocess("--json", "-e", folder, *model_flags(llm_server), "go", cwd=project, timeout=120)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert "Team core rules apply." in sent_to_model(llm_server.requests[0], "system")[0]
    assert "argv" in [t["function"]["name"] for t in llm_server.requests[0]["tools"]]
    assert tool_message(llm_server.requests[1], "t") == json.dumps([value.replace("SECRET-123", "[REDACTED]")])
    assert not (project / "pwned").exists()
    notices = [e["text"] for e in events if e["type"] == "notice" and e["source"].startswith("e2e:")]
    assert notices == [f"argv saw {len(value)} characters"]
    assert events[-1] == {**events[-1], "type": "agent_end", "answer": "done", "stop_reason": "stop"}
