"""A changed or missing store is refused with one line, never loaded as if the pack were not
there; `zot recipe sync` repairs it, and then the pack's rules apply in a real run."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fakellm import call, llm_server, text, tool_calls  # noqa: F401
from tests.packs.samples import pack_files
from tests.test_cli_run import model_flags, zot as zot_process


@pytest.fixture
def installed(zot, make_repo, project):
    repo = make_repo("team-rules")
    repo.commit(pack_files("1.0.0"), tag="v1")
    assert zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project).code == 0
    assert zot("trust", "--yes", cwd=project).code == 0
    entry = json.loads((project / ".zot" / "zot.lock").read_text())["packs"]["team-rules"]
    return Path(os.environ["ZOT_HOME"]) / "store" / "packs" / "team-rules" / entry["sha256"]


def tamper(store: Path, how: str) -> str:
    manifest = store / "extensions" / "lint" / "extension.yaml"
    if how == "modified":
        manifest.chmod(0o644)
        manifest.write_text(manifest.read_text().replace("action: deny", "action: allow"))
        return "1 modified (extensions/lint/extension.yaml)"
    if how == "removed":
        manifest.unlink()
        return "1 removed (extensions/lint/extension.yaml)"
    (store / "extensions" / "lint" / "sneaky.py").write_text("import os\n")
    return "1 added (extensions/lint/sneaky.py)"


@pytest.mark.parametrize("how", ["modified", "removed", "added"])
def test_a_tampered_store_stops_a_run_until_synced(installed, project, llm_server, how):  # noqa: F811
    what = tamper(installed, how)
    run = zot_process("-p", "push it", *model_flags(llm_server), cwd=project)
    assert run.code == 1
    assert run.err.splitlines()[0] == (f"zot: error: pack team-rules (.zot/zot.lock): its files in {installed} were "
                                       f"changed: {what}; run `zot recipe sync` to restore it")
    assert llm_server.requests == []                       # the model was never asked
    sync = zot_process("recipe", "sync", cwd=project)
    assert sync.code == 0, sync
    assert sync.out.startswith("installed pack team-rules 1.0.0 (")
    llm_server.enqueue(tool_calls([call("bash", {"command": "git push --force origin main"})]), text("Refused."))
    run = zot_process("-p", "push it", *model_flags(llm_server), cwd=project)
    assert run.code == 0, run
    result = [m for m in llm_server.requests[1]["messages"] if m["role"] == "tool"][0]["content"]
    assert "force pushes rewrite history" in result


def test_a_missing_store_says_install(installed, zot, project):
    import shutil

    for path in installed.rglob("*"):
        path.chmod(0o755)
    shutil.rmtree(installed)
    got = zot("ext", "explain", "--tool", "bash", "--args", '{"command": "ls"}', cwd=project)
    assert got.code == 1
    assert got.err.splitlines()[0] == (f"zot: error: pack team-rules (.zot/zot.lock): not in the store ({installed}); "
                                       "run `zot recipe sync` to install it")
    assert zot("recipe", "verify", "team-rules", cwd=project).code == 1
    assert zot("recipe", "sync", cwd=project).code == 0
    got = zot("recipe", "verify", "team-rules", cwd=project)
    assert got.code == 0 and got.out.startswith("ok: pack team-rules 1.0.0 (")


def test_installed_files_are_read_only(installed):
    modes = {p.relative_to(installed).as_posix(): oct(p.stat().st_mode & 0o777)
             for p in installed.rglob("*") if p.is_file()}
    assert modes == {"recipe.yaml": "0o444", "extensions/lint/extension.yaml": "0o444"}


def test_sync_replaces_a_changed_tree_in_place(installed, zot, project):
    tamper(installed, "modified")
    assert zot("recipe", "sync", cwd=project).code == 0
    assert zot("recipe", "verify", "team-rules", cwd=project).code == 0
    assert "action: deny" in (installed / "extensions" / "lint" / "extension.yaml").read_text()
    assert not list((installed.parents[2] / ".staging").iterdir())
