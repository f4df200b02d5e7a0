"""The REPL, started where the lock pins a pack the store lacks, offers `zot recipe sync`."""
from __future__ import annotations

import json
import shutil
import time

import pytest

from tests.packs.samples import pack_files
from tests.ui.term import Term


@pytest.fixture
def teammate(tmp_path, make_repo, zot, monkeypatch):
    """A project whose lock pins a pack, in a ZOT_HOME whose store does not hold it yet."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ZOT_HOME", str(home / ".zot"))
    repo = make_repo("team-rules")
    repo.commit(pack_files("1.0.0"), tag="v1")
    project = tmp_path / "proj"
    (project / ".git").mkdir(parents=True)
    assert zot("recipe", "install", f"{repo.url}@v1", "--project", "--yes", cwd=project).code == 0
    assert zot("trust", "--yes", cwd=project).code == 0
    store = home / ".zot" / "store"
    for path in store.rglob("*"):
        path.chmod(0o755)
    shutil.rmtree(store)
    return project


def test_accepting_the_offer_syncs_and_starts(teammate, tmp_path):
    term = Term([], teammate, tmp_path / "home")
    try:
        term.wait_for("Run `zot recipe sync` now? [Y/n]")
        assert "pack team-rules (.zot/zot.lock): not in the store" in term.text()
        term.send("y\r")
        term.wait_for("installed pack team-rules 1.0.0")
        term.ready()
    finally:
        term.close()
    lock = json.loads((teammate / ".zot" / "zot.lock").read_text())
    sha = lock["packs"]["team-rules"]["sha256"]
    assert (tmp_path / "home" / ".zot" / "store" / "packs" / "team-rules" / sha / "recipe.yaml").is_file()


def test_declining_the_offer_stops_with_the_reason(teammate, tmp_path):
    term = Term([], teammate, tmp_path / "home")
    try:
        term.wait_for("Run `zot recipe sync` now? [Y/n]")
        term.send("n\r")
        deadline = time.monotonic() + 30
        while term.pump() and time.monotonic() < deadline:
            pass
        assert "zot: error: pack team-rules (.zot/zot.lock): not in the store" in term.raw
        assert "run `zot recipe sync` to install it" in term.raw
    finally:
        term.close()
    assert term.child.exitstatus == 1
