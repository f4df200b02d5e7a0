"""Go-zot `extension.json` folders: discovery, `zot ext list / validate / logs`, trust, `-e`, reload."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.script.conftest import PRELUDE, of_type, received, run, session, write_script
from zot.agent import toolpath
from zot.cli import main
from zot.tools.base import ToolContext

BODY = '''
hello()
send({"type": "register_tool", "name": "weather", "description": "Today's weather"})
send({"type": "ready"})
for f in frames():
    if f["type"] == "tool_call":
        send({"type": "tool_result", "id": f["id"], "content": [{"type": "text", "text": "sunny in " + os.getcwd()}]})
'''


def go_extension(folder: Path, name: str = "weather", **extra) -> Path:
    """A folder as the Go zot has it: extension.json and the program."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.py").write_text(f"NAME = {name!r}\n" + PRELUDE + BODY, encoding="utf-8")
    manifest = {"name": name, "exec": sys.executable, "args": ["main.py"], "description": "weather for zot",
                "version": "0.3.0", "homepage": "unknown keys are ignored", **extra}
    (folder / "extension.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_extension_json_folder_runs_with_e(tmp_path):
    folder = go_extension(tmp_path / "weather")

    async def go():
        async with session(folder) as s:
            result = await s.state.tools["weather"].run({}, ToolContext(cwd=folder, project_root=folder))
            assert result.content == f"sunny in {folder}"           # cwd is the extension folder
            [ext] = s.state.extensions
            assert (ext.name, ext.version, ext.found.kind) == ("weather", "0.3.0", "go-extension")
    run(go())


def test_discovery_list_and_enabled_false(project, monkeypatch, capsys):
    home = Path.home() / ".zot" / "extensions"
    go_extension(home / "weather")
    go_extension(home / "sleepy", name="sleepy", enabled=False)
    monkeypatch.chdir(project)
    code, out, _ = cli(capsys, "ext", "list", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out) if r["scope"] == "global"}
    assert code == 0
    assert {k: rows["weather"][k] for k in ("kind", "state", "version")} == \
        {"kind": "go-extension", "state": "loaded", "version": "0.3.0"}
    assert rows["sleepy"]["state"] == "disabled"
    for _ in range(2):    # the second start reads the clean-manifest cache: `enabled: false` still holds
        code, out, _ = cli(capsys, "ext", "list", "--format", "json")
        assert {r["name"]: r["state"] for r in json.loads(out)}["sleepy"] == "disabled"
    code, out, _ = cli(capsys, "ext", "enable", "sleepy")
    code, out, _ = cli(capsys, "ext", "list", "--format", "json")
    assert {r["name"]: r["state"] for r in json.loads(out)}["sleepy"] == "loaded"


def test_project_extension_json_needs_trust(project, monkeypatch, capsys):
    go_extension(project / ".zot" / "extensions" / "weather")
    monkeypatch.chdir(project)
    code, out, _ = cli(capsys, "ext", "list", "--format", "json")
    [row] = [r for r in json.loads(out) if r["name"] == "weather"]
    assert row["state"] == "restricted"
    assert row["note"] == "waits for `zot trust` (it has no deny or confirm rules to apply before)"
    code, out, _ = cli(capsys, "trust", "--yes")
    assert code == 0 and f"runs script {sys.executable} main.py" in out
    code, out, _ = cli(capsys, "ext", "list", "--format", "json")
    assert [r["state"] for r in json.loads(out) if r["name"] == "weather"] == ["loaded"]


def test_e_wins_a_name_clash_over_a_global_extension(project, tmp_path, monkeypatch):
    from zot.ext.loader import load_extensions

    write_script(Path.home() / ".zot" / "extensions", "weather", "hello()\n")
    cli_folder = go_extension(tmp_path / "mine")
    exts = load_extensions(project, (cli_folder,))
    states = {(e.found.scope, e.state) for e in exts if e.name == "weather"}
    assert states == {("cli", "loaded"), ("global", "shadowed")}


@pytest.mark.parametrize("text, line, col, message", [
    ('{"name": "w", "exec": "./w",}', 1, 29, "this is not valid JSON: Expecting property name enclosed in double quotes"),
    ('{\n  "name": "w"\n  "exec": "./w"\n}', 3, 3, "this is not valid JSON: Expecting ',' delimiter"),
    ('{\n  "name": "w"\n}', 1, 1, "`exec` is missing: the program to start"),
    ('{\n  "exec": "./w",\n  "name": "no/slashes"\n}', 3, 3, "`name` must be a name like `weather`"),
    ('{\n  "name": "w",\n  "exec": "./w",\n  "args": "--stdio"\n}', 4, 3, "`args` must be a list of strings"),
    ('["w"]', 1, 1, "extension.json must be one JSON object"),
])
def test_validate_reports_extension_json_problems_with_positions(tmp_path, monkeypatch, capsys, text, line, col,
                                                                 message):
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "extension.json").write_text(text)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "ext", "validate", "w", "--format", "json")
    assert code == 1
    [diag] = json.loads(out)
    assert (diag["file"], diag["line"], diag["column"]) == ("w/extension.json", line, col)
    assert diag["message"].startswith(message)


def test_validate_accepts_a_folder_holding_only_extension_json(tmp_path, monkeypatch, capsys):
    go_extension(tmp_path / "weather")
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "ext", "validate", "weather")
    assert (code, out.strip()) == (0, "ok: 1 file, no problems")


def test_ext_logs_prints_and_follows(tmp_path, monkeypatch, capsys):
    folder = go_extension(tmp_path / "weather")
    (folder / "main.py").write_text(f"NAME = 'weather'\n" + PRELUDE + "print('to stderr', file=sys.stderr, flush=True)\n"
                                    + BODY, encoding="utf-8")

    async def go():
        async with session(folder):
            pass
    run(go())
    code, out, _ = cli(capsys, "ext", "logs", "weather")
    assert code == 0 and "to stderr" in out and "] started " in out and "] stopped" in out
    code, _, err = cli(capsys, "ext", "logs", "nobody")
    assert code == 1 and "no log for nobody yet" in err

    import time as time_mod

    calls = []

    def fake_sleep(seconds):
        calls.append(seconds)
        raise KeyboardInterrupt
    monkeypatch.setattr(time_mod, "sleep", fake_sleep)
    code, out, _ = cli(capsys, "ext", "logs", "weather", "-f")
    assert code == 0 and "to stderr" in out and calls == [0.2]


GUARDED = '''
guards:
  no-bad:
    tool: bash
    when: {regex: "bad"}
    action: deny
    reason: "bad is bad"
'''


def test_reload_rereads_manifests_restarts_scripts_and_keeps_a_broken_one(tmp_path):
    folder = write_script(tmp_path, "reloadable", BODY, yaml=GUARDED)

    def ctx(s):
        return toolpath.PathContext(tools=s.state.tools, hooks=s.state.hooks,
                                    tool_ctx=ToolContext(cwd=tmp_path, project_root=tmp_path))

    async def decide(s, command):
        return await toolpath.run_call("c", "bash", {"command": command}, None, ctx(s))

    async def go():
        async with session(folder) as s:
            hooks = s.state.hooks
            assert (await decide(s, "echo bad")).blocked
            assert not (await decide(s, "echo worse")).blocked
            manifest = folder / "extension.yaml"
            manifest.write_text(manifest.read_text().replace('regex: "bad"', 'regex: "bad|worse"'))
            assert await s.state.reload() == ["reload: extension reloadable: its rules changed"]
            assert s.state.hooks is hooks                       # the bus keeps its Hooks object
            assert (await decide(s, "echo worse")).blocked
            assert "weather" in s.state.tools
            assert len(of_type(received(folder), "hello_ack")) == 2      # the script was restarted
            manifest.write_text(manifest.read_text().replace("action: deny", "action: [deny"))
            notices = await s.state.reload()
            assert notices[0] == "extension reloadable keeps its previous version: its manifest has errors"
            assert any("extension.yaml:" in n for n in notices[1:])
            assert (await decide(s, "echo worse")).blocked       # the previous version is still in force
            assert "weather" in s.state.tools
            assert len(of_type(received(folder), "hello_ack")) == 3
        assert len(of_type(received(folder), "shutdown")) == 3
    run(go())
