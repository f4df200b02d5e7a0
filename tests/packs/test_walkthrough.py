"""docs/sharing.md's team walk-through, run as written: Alice packs and publishes a pack, adds it
to the project and commits; Bob clones the project in another $ZOT_HOME, trusts and syncs. Both
stores must hold byte-identical content with the locked digest."""
from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

from tests.packs.gitrepo import Repo, run_git
from tests.packs.samples import pack_files
from zot.ext.packs import tree

DOC = Path(__file__).resolve().parents[2] / "docs" / "sharing.md"
PACK_URL = "https://git.example.com/acme/team-rules.git"
APP_URL = "https://git.example.com/acme/app.git"


def blocks() -> dict[str, list[str]]:
    """`<!-- walkthrough: NAME -->` followed by a ```sh block: NAME -> its command lines."""
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- walkthrough: ([a-z-]+) -->\n```sh\n(.*?)```", text, re.S)
    return {name: [ln for ln in body.splitlines() if ln.strip()] for name, body in found}


class Person:
    def __init__(self, zot, monkeypatch, home: Path, cwd: Path, urls: dict[str, str]) -> None:
        self.zot, self.monkeypatch, self.home, self.cwd, self.urls = zot, monkeypatch, home, cwd, urls
        self.outputs: list[tuple[str, object]] = []

    def run(self, line: str) -> None:
        for fake, real in self.urls.items():
            line = line.replace(fake, real)
        argv = shlex.split(line)
        self.monkeypatch.setenv("ZOT_HOME", str(self.home))
        if argv[0] == "cd":
            self.cwd = self.cwd / argv[1]
        elif argv[0] == "git":
            subprocess.run(argv, cwd=self.cwd, check=True, capture_output=True, timeout=60)
        else:
            assert argv[0] == "zot", line
            args = argv[1:] + (["--yes"] if argv[1:3] in (["recipe", "install"], ["trust"]) else [])
            got = self.zot(*args, cwd=self.cwd)
            assert got.code == 0, (line, got)
            self.outputs.append((line, got))


def test_the_walkthrough(zot, monkeypatch, tmp_path):
    steps = blocks()
    assert list(steps) == ["alice-pack", "alice-project", "bob"]
    pack = Repo(tmp_path / "repos", "team-rules")
    pack.commit(pack_files("1.0.0"))
    app_bare = tmp_path / "repos" / "app.git"
    app = tmp_path / "alice" / "app"
    app.mkdir(parents=True)
    run_git("init", "-q", "-b", "main", cwd=app)
    run_git("init", "-q", "--bare", "-b", "main", str(app_bare), cwd=tmp_path)
    run_git("remote", "add", "origin", str(app_bare), cwd=app)
    (app / "README.md").write_text("the app\n")
    run_git("add", "-A", cwd=app)
    run_git("commit", "-q", "-m", "start", cwd=app)
    urls = {PACK_URL: pack.url, APP_URL: app_bare.as_uri()}

    alice = Person(zot, monkeypatch, tmp_path / "alice-zot", pack.work, urls)
    for line in steps["alice-pack"]:
        alice.run(line)
    packed = [got.out for line, got in alice.outputs if line == "zot recipe pack ."]
    assert len(packed) == 2
    assert packed[0].splitlines()[1] == packed[1].splitlines()[1]          # the same sha256 twice
    assert re.fullmatch(r"sha256 [0-9a-f]{64}", packed[0].splitlines()[1])
    alice.cwd = app
    for line in steps["alice-project"]:
        alice.run(line)

    bob = Person(zot, monkeypatch, tmp_path / "bob-zot", tmp_path / "bob", urls)
    bob.cwd.mkdir()
    for line in steps["bob"]:
        bob.run(line)
    trusted = dict(bob.outputs)["zot trust"].out
    assert ("  extension lint (pack team-rules):\n    restricts deny bash (guard no-force-push)\n"
            '    param level: "low"\n') in trusted

    import json

    lock = json.loads((bob.cwd / ".zot" / "zot.lock").read_text())
    sha = lock["packs"]["team-rules"]["sha256"]
    stores = [home / "store" / "packs" / "team-rules" / sha for home in (alice.home, bob.home)]
    listings = [tree.listing(s) for s in stores]
    assert listings[0] == listings[1] and tree.digest_of(listings[0]) == sha
    for rel in listings[0]:
        assert (stores[0] / rel).read_bytes() == (stores[1] / rel).read_bytes()
    monkeypatch.setenv("ZOT_HOME", str(bob.home))
    got = zot("ext", "explain", "--tool", "bash", "--args", '{"command": "git push --force"}', cwd=bob.cwd)
    assert got.code == 0 and "decision: deny" in got.out
