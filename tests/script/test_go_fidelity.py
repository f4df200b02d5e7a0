"""The Go zot's extensions run unchanged: raw scripts written only from the Go zot's
docs/extensions.md frame list (its quick-start, and scripts shaped like its hello, clock,
scratchpad, weather, guard and todo examples), driven through the real loop.

The Go examples themselves need the Go zot's SDK module from the network, so they are not built
here; each script below sends exactly the frames the Go docs list for what its example does.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from tests.declarative.conftest import model_flags, tool_message, zot_subprocess
from tests.fakellm import call, text, tool_calls
from tests.script.conftest import log_text

# The Go docs' quick-start, as written there (no ready frame; the shebang finds python3 on PATH).
QUICK_START = '''\
#!/usr/bin/env python3
import json, sys, threading

def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\\n")
    sys.stdout.flush()

emit({"type":"hello","name":"hello-py","version":"1.0.0","capabilities":["commands"]})
emit({"type":"register_command","name":"hellopy","description":"say hi (python)"})

for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "command_invoked":
        emit({"type":"command_response","id":msg["id"],"action":"prompt",
              "prompt": "Greet me very briefly. Add one emoji."})
    elif msg["type"] == "shutdown":
        emit({"type":"shutdown_ack"})
        break
'''


def go_folder(root: Path, name: str, files: dict[str, str], manifest: dict) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for file, body in files.items():
        path = folder / file
        path.write_text(textwrap.dedent(body), encoding="utf-8")
        path.chmod(0o755)
    (folder / "extension.json").write_text(json.dumps({"name": name, "version": "1.0.0", "enabled": True,
                                                       **manifest}), encoding="utf-8")
    return folder


def test_the_quick_start_runs_unchanged(zot, tmp_path):
    folder = go_folder(tmp_path, "hello-py", {"hello.py": QUICK_START}, {"exec": "./hello.py", "language": "python"})
    run = zot("-p", "-e", folder, "/hellopy", replies=[text("Hi! 👋")])
    assert (run.code, run.out) == (0, "Hi! 👋\n"), run.err
    assert run.requests[0]["messages"][-1]["content"] == "Greet me very briefly. Add one emoji."
    assert "treated as ready" in log_text("hello-py")


def test_python_scripts_run_with_zots_interpreter_whatever_path_says(tmp_path, project, llm_server):
    """No python on PATH at all: the quick-start (`#!/usr/bin/env python3`) and an SDK script
    (`exec: python3`, `from zot.sdk import ...`) still run, with zot's own interpreter."""
    quick = go_folder(tmp_path, "hello-py", {"hello.py": QUICK_START}, {"exec": "./hello.py"})
    sdk = tmp_path / "sdk-hello"
    sdk.mkdir()
    (sdk / "extension.yaml").write_text("schema: zot/extension/v1\nname: sdk-hello\nversion: 1.0.0\n"
                                        "description: an SDK script\nscript: {exec: python3, args: [main.py]}\n")
    (sdk / "main.py").write_text(textwrap.dedent('''
        import sys
        from zot.sdk import Extension
        ext = Extension("sdk-hello")

        @ext.command("where", description="which python runs me")
        def where(args, ctx):
            return "python: " + sys.executable

        ext.run()
    '''))
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {"PATH": str(empty)}
    assert shutil.which("python3", path=str(empty)) is None
    out = zot_subprocess("-p", "-e", sdk, "/where", cwd=project, env=env)
    assert out.returncode == 0 and out.stdout.startswith("python: "), out.stderr
    assert Path(out.stdout.split(": ", 1)[1].strip()).parent == Path(sys.executable).parent   # zot's own
    llm_server.enqueue(text("hello from the model"))
    out = zot_subprocess("-p", "-e", quick, *model_flags(llm_server), "/hellopy", cwd=project, env=env)
    assert (out.returncode, out.stdout) == (0, "hello from the model\n"), out.stderr


# A script shaped like the Go clock example (plain Node, no SDK, no ready) plus the scratchpad's
# usage error: `action: noop` with `error`.
CLOCK_JS = '''
import { createInterface } from "node:readline";
const send = (obj) => process.stdout.write(JSON.stringify(obj) + "\\n");
send({ type: "hello", name: "clock", version: "1.0.0", capabilities: ["commands"] });
send({ type: "register_command", name: "now", description: "show the time" });
send({ type: "register_command", name: "uptime", description: "ask the agent" });
send({ type: "register_command", name: "note", description: "needs text" });
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  let frame;
  try { frame = JSON.parse(line); } catch (err) { return; }
  if (frame.type === "shutdown") { send({ type: "shutdown_ack" }); rl.close(); return; }
  if (frame.type !== "command_invoked") return;
  const args = String(frame.args ?? "").trim();
  if (frame.name === "now") send({ type: "command_response", id: frame.id, action: "display", display: "local: noon" });
  else if (frame.name === "uptime") send({ type: "command_response", id: frame.id, action: "prompt",
                                           prompt: "Riff on uptime. " + args });
  else if (args === "") send({ type: "command_response", id: frame.id, action: "noop",
                               error: "note: usage is /note <text>" });
  else send({ type: "command_response", id: frame.id, action: "display", display: "noted: " + args });
});
rl.on("close", () => process.exit(0));
'''


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_node_extension_without_ready_and_a_usage_error(zot, tmp_path):
    folder = go_folder(tmp_path, "clock", {"index.js": CLOCK_JS}, {"exec": "node", "args": ["index.js"]})
    (folder / "package.json").write_text('{"type": "module"}')
    run = zot("-p", "-e", folder, "/now", model=False)
    assert (run.code, run.out) == (0, "local: noon\n")
    run = zot("-p", "-e", folder, "/uptime briefly", replies=[text("ages")])
    assert (run.code, run.out) == (0, "ages\n")
    assert run.requests[0]["messages"][-1]["content"] == "Riff on uptime. briefly"
    run = zot("-p", "-e", folder, "/note", model=False)            # the `error` field is not dropped
    assert (run.code, run.out) == (1, "")
    assert "/clock:note: note: usage is /note <text>" in run.err


# The Go SDK's EventFromHost decoding, checked field by field in the script: a wrong type makes the
# Go SDK drop the whole event (json.Unmarshal fails), so the script records "dropped".
GO_EVENTS = '''
GO_TYPES = {"step": int, "stop": str, "error": str, "tool_id": str, "tool_name": str, "text": str}
hello(["commands", "tools"])
send({"type": "register_tool", "name": "weather", "description": "Get the current weather for a city.",
      "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}})
send({"type": "subscribe", "events": ["session_start", "turn_start", "tool_call", "turn_end", "assistant_message"],
      "intercept": ["tool_call"]})
send({"type": "ready"})
for f in frames():
    if f["type"] == "event":
        bad = [k for k, t in GO_TYPES.items() if k in f and f[k] is not None and not isinstance(f[k], t)]
        with open("seen.jsonl", "a") as fh:
            fh.write(json.dumps({"event": f["event"], "dropped": bad, "stop": f.get("stop")}) + "\\n")
    elif f["type"] == "event_intercept":
        command = f["tool_args"].get("command", "")
        send({"type": "event_intercept_response", "id": f["id"], **({"block": True,
              "reason": "guard refused: command matches the danger pattern"} if "rm -rf" in command else {})})
    elif f["type"] == "tool_call":
        send({"type": "tool_result", "id": f["id"], "content": [{"type": "text", "text": f["args"]["city"] + ": 16C, fog"}]})
'''


def test_weather_and_guard_frames_and_turn_end_stop_as_a_string(zot, scripts):
    folder = scripts("goish", GO_EVENTS)
    run = zot("--json", "-e", folder, "weather and cleanup", replies=[
        tool_calls([call("weather", {"city": "Berlin"}, id="w"), call("bash", {"command": "rm -rf /tmp/x"}, id="b")]),
        text("done")])
    assert run.code == 0, run.err
    assert tool_message(run.requests[1], "w") == "Berlin: 16C, fog"
    assert tool_message(run.requests[1], "b").startswith("Blocked") and "danger pattern" in \
        tool_message(run.requests[1], "b")
    seen = [json.loads(line) for line in (folder / "seen.jsonl").read_text().splitlines()]
    assert [s["event"] for s in seen] == ["session_start", "turn_start", "assistant_message", "tool_call",
                                          "tool_call", "turn_end", "turn_start", "assistant_message", "turn_end"]
    assert all(s["dropped"] == [] for s in seen), seen
    assert [s["stop"] for s in seen if s["event"] == "turn_end"] == ["tool_use", "end_turn"]


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_an_image_in_a_tool_result_reaches_the_model(zot, scripts):
    folder = scripts("snap", f'''
        hello()
        send({{"type": "register_tool", "name": "screenshot", "description": "a picture"}})
        send({{"type": "ready"}})
        for f in frames():
            if f["type"] == "tool_call":
                send({{"type": "tool_result", "id": f["id"], "content": [{{"type": "text", "text": "the screen"}},
                      {{"type": "image", "mime_type": "image/png", "data": "{PNG}"}}]}})
    ''')
    run = zot("--json", "-e", folder, "look", replies=[tool_calls([call("screenshot", {}, id="s")]), text("a dot")])
    assert run.code == 0, run.err
    messages = run.requests[1]["messages"]
    assert tool_message(run.requests[1], "s") == "the screen\n[image image/png, 70 bytes]"
    last = messages[-1]
    assert last["role"] == "user"
    assert last["content"][0] == {"type": "text", "text": "[the image returned by the screenshot tool call]"}
    assert last["content"][1] == {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}


def test_a_disabled_extension_json_stays_off_on_every_start(tmp_path, project, monkeypatch):
    """`"enabled": false` holds on the second start too, when the manifest comes from the cache."""
    home = Path(os.environ["ZOT_HOME"]) / "extensions"
    go_folder(home, "hello-py", {"hello.py": QUICK_START}, {"exec": "./hello.py", "enabled": False})
    for _ in range(2):
        out = zot_subprocess("-p", "/hellopy", cwd=project)
        assert out.returncode == 2 and "there is no command /hellopy" in out.stderr
    assert not (Path(os.environ["ZOT_HOME"]) / "logs" / "ext-hello-py.log").exists()


def test_a_usage_error_in_a_command_response_is_an_error(zot, scripts):
    """The scratchpad example's `/note` without text: `action: noop` with `error`."""
    folder = scripts("scratch", '''
        hello(["commands", "tools"])
        send({"type": "register_command", "name": "note", "description": "append text"})
        send({"type": "ready"})
        for f in frames():
            if f["type"] == "command_invoked" and not f.get("args"):
                send({"type": "command_response", "id": f["id"], "action": "noop",
                      "error": "note: usage is /note <text>"})
            elif f["type"] == "command_invoked":
                send({"type": "command_response", "id": f["id"], "action": "display", "display": "noted"})
    ''')
    run = zot("-p", "-e", folder, "/note", model=False)
    assert (run.code, run.out, run.err) == (1, "", "zot: error: /scratch:note: note: usage is /note <text>\n")
    run = zot("--json", "-e", folder, "/note", model=False)
    assert run.code == 1
    [output] = run.of("command_output")
    assert (output["action"], output["is_error"]) == ("error", True)
    assert zot("-p", "-e", folder, "/note milk", model=False).out == "noted\n"
