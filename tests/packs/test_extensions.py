"""`zot ext install|info|remove`: an extension from a folder, a .tar.gz, or git (a Go zot's
`extension.json` folder included), and the shipped python-team recipe applied."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.fakellm import call, llm_server, text, tool_calls  # noqa: F401
from tests.packs.samples import ext_files
from tests.script.test_loading import go_extension
from tests.test_cli_run import model_flags, zot as zot_process


def user_lock() -> dict:
    return json.loads((Path(os.environ["ZOT_HOME"]) / "zot.lock").read_text())


def write(folder: Path, files: dict[str, str]) -> Path:
    for rel, body in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(body)
    return folder


def test_a_go_extension_json_folder_installs_from_git_and_runs(make_repo, project, llm_server, zot):  # noqa: F811
    repo = make_repo("weather")
    go_extension(repo.work)
    commit = repo.commit({}, tag="v0.3.0")
    got = zot("ext", "install", f"{repo.url}@v0.3.0", "--yes", cwd=project)
    assert got.code == 0, got
    assert f"extension weather:\n    runs script {sys.executable} main.py\n" in got.out
    entry = user_lock()["extensions"]["weather"]
    assert (entry["commit"], entry["version"]) == (commit, "0.3.0")
    store = Path(os.environ["ZOT_HOME"]) / "store" / "extensions" / "weather" / entry["sha256"]
    llm_server.enqueue(tool_calls([call("weather", {})]), text("It is sunny."))
    run = zot_process("-p", "weather?", *model_flags(llm_server), cwd=project)
    assert run.code == 0, run
    assert run.out.strip() == "It is sunny."
    answered = [m for m in llm_server.requests[1]["messages"] if m["role"] == "tool"]
    assert answered[0]["content"] == f"sunny in {store}"


def test_folder_and_archive_give_the_same_digest(zot, project, tmp_path):
    folder = write(tmp_path / "hello", ext_files())
    assert zot("ext", "install", str(folder), "--yes", cwd=project).code == 0
    from_folder = user_lock()["extensions"]["hello"]
    got = zot("recipe", "pack", str(folder), "-o", str(tmp_path / "hello.tar.gz"), cwd=project)
    assert got.code == 0 and got.out.startswith(f"wrote {tmp_path / 'hello.tar.gz'} (extension hello 1.0.0)")
    assert zot("ext", "remove", "hello", "--yes", cwd=project).code == 0
    assert zot("ext", "install", str(tmp_path / "hello.tar.gz"), "--yes", cwd=project).code == 0
    from_archive = user_lock()["extensions"]["hello"]
    assert from_archive["sha256"] == from_folder["sha256"]
    assert (from_folder["source"], from_archive["source"]) == (str(folder), str(tmp_path / "hello.tar.gz"))


def test_info_names_source_commit_digest_and_capabilities(zot, make_repo, project):
    repo = make_repo("hello")
    commit = repo.commit(ext_files(), tag="v1")
    assert zot("ext", "install", f"{repo.url}@v1", "--yes", cwd=project).code == 0
    got = zot("ext", "info", "hello", cwd=project)
    assert got.code == 0, got
    sha = user_lock()["extensions"]["hello"]["sha256"]
    lines = got.out.splitlines()
    assert lines[0] == "hello 1.0.0  (global, loaded)"
    assert lines[1] == "  Says hello"
    assert f"  installed with `zot ext install` in {Path(os.environ['ZOT_HOME']) / 'zot.lock'}" in lines
    assert f"    source: {repo.url}  ref: v1" in lines
    assert f"    commit: {commit}" in lines and f"    sha256: {sha}" in lines
    assert lines[-2:] == ["  can do:", "    command hi: Greet"]


def test_remove_asks_and_forgets(zot, project, tmp_path):
    folder = write(tmp_path / "hello", ext_files())
    assert zot("ext", "install", str(folder), "--yes", cwd=project).code == 0
    got = zot("ext", "remove", "hello", cwd=project)
    assert got.code == 1 and "not removed: this needs your consent and there is no terminal to ask" in got.err
    got = zot("ext", "remove", "hello", "--yes", cwd=project)
    assert got.code == 0, got
    assert not (Path(os.environ["ZOT_HOME"]) / "zot.lock").exists()
    assert "hello" not in (Path(os.environ["ZOT_HOME"]) / "settings.yaml").read_text()
    listed = json.loads(zot("ext", "list", "--format", "json", cwd=project).out)
    assert "hello" not in {r["name"] for r in listed}
    got = zot("ext", "remove", "hello", "--yes", cwd=project)
    assert got.err.splitlines()[0] == f"zot: error: no extension named hello is installed " \
                                      f"({Path(os.environ['ZOT_HOME']) / 'zot.lock'})"


def test_remove_of_a_project_extension_without_project_says_so(zot, project, tmp_path):
    folder = write(tmp_path / "hello", ext_files())
    assert zot("ext", "install", str(folder), "--project", "--yes", cwd=project).code == 0
    got = zot("ext", "remove", "hello", "--yes", cwd=project)
    assert got.code == 1
    assert got.err.splitlines() == [
        f"zot: error: extension hello is installed in this project ({project / '.zot' / 'zot.lock'}), not for you",
        "  hint: run the command again with --project"]


def test_python_team_applies(zot, project):
    settings = project / ".zot" / "settings.yaml"
    settings.parent.mkdir()
    settings.write_text("# team settings, kept\nmodel: openai/x   # our model\n")
    got = zot("recipe", "apply", "python-team", "--project", cwd=project)
    assert got.code == 0, got
    assert got.out.splitlines()[0] == (f"applied the shipped recipe python-team to {settings}: turned on safety, git, "
                                       "python (python=python3), notes (file=notes.jsonl)")
    text_ = settings.read_text()
    assert text_.startswith("# team settings, kept\nmodel: openai/x   # our model\n")
    assert zot("trust", "--yes", cwd=project).code == 0
    rows = {r["name"]: r for r in json.loads(zot("ext", "list", "--format", "json", cwd=project).out)}
    assert {n: rows[n]["state"] for n in ("safety", "git", "python", "notes")} == dict.fromkeys(
        ("safety", "git", "python", "notes"), "loaded")
    assert rows["todo"]["state"] == "disabled"


def test_python_team_applies_for_the_user(zot, project):
    got = zot("recipe", "apply", "python-team", cwd=project)
    assert got.code == 0, got
    rows = {r["name"]: r["state"] for r in json.loads(zot("ext", "list", "--format", "json", cwd=project).out)}
    assert rows["python"] == rows["notes"] == "loaded"


def test_recipe_list(zot, project, tmp_path):
    got = zot("recipe", "list", "--format", "json", cwd=project)
    rows = json.loads(got.out)
    assert [(r["name"], r["scope"]) for r in rows] == [("python-team", "shipped")]
    folder = write(tmp_path / "pack", {"recipe.yaml": "schema: zot/recipe/v1\nname: mine\nversion: 2.0.0\n"
                                       "description: Mine\nextensions:\n  - name: git\n"})
    assert zot("recipe", "install", str(folder), "--yes", cwd=project).code == 0
    got = zot("recipe", "list", cwd=project)
    assert got.out.splitlines()[0].split() == ["mine", "2.0.0", "user", "ok", str(folder)]
