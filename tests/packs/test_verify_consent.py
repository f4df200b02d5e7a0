"""`zot recipe verify` of archives and folders, `zot ext update`, and consent text that cannot
drive the terminal."""
from __future__ import annotations

import json
import os
from pathlib import Path

from tests.packs.samples import ext_files, pack_files


def write(folder: Path, files: dict[str, str]) -> Path:
    for rel, body in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(body)
    return folder


def test_verify_an_archive_against_its_digest(zot, project, tmp_path):
    folder = write(tmp_path / "team", pack_files())
    packed = zot("recipe", "pack", str(folder), "-o", str(tmp_path / "t.tar.gz"), cwd=project)
    digest = packed.out.splitlines()[1].split()[1]
    got = zot("recipe", "verify", str(tmp_path / "t.tar.gz"), cwd=project)
    assert got.code == 0 and got.out.startswith(f"ok: pack team-rules 1.0.0; sha256 {digest} (matches ")
    got = zot("recipe", "verify", str(tmp_path / "t.tar.gz"), "--sha256", "0" * 64, cwd=project)
    assert got.code == 1
    assert got.err.strip() == (f"{tmp_path / 't.tar.gz'}: sha256 is {digest}, but --sha256 says {'0' * 64}: "
                               "the archive is not the one that was published; do not install it")
    (tmp_path / "t.tar.gz.sha256").write_text(f"{'1' * 64}  t.tar.gz\n")
    assert zot("recipe", "verify", str(tmp_path / "t.tar.gz"), cwd=project).code == 1


def test_verify_a_folder_and_an_unknown_name(zot, project, tmp_path):
    folder = write(tmp_path / "team", pack_files())
    got = zot("recipe", "verify", str(folder), cwd=project)
    assert got.code == 0 and got.out.startswith("ok: pack team-rules 1.0.0 validates; tree sha256 ")
    got = zot("recipe", "verify", "nothing-here", cwd=project)
    assert got.code == 1 and got.err.splitlines()[0] == \
        "zot: error: nothing-here is neither a file, a folder, nor an installed pack or extension"


def test_ext_update_asks_only_on_a_capability_change(zot, make_repo, project):
    repo = make_repo("hello")
    repo.commit(ext_files())
    assert zot("ext", "install", repo.url, "--yes", cwd=project).code == 0
    second = repo.commit({"extension.yaml": ext_files(version="1.0.1")["extension.yaml"]})
    got = zot("ext", "update", cwd=project)
    assert got.code == 0, got
    assert f"updated extension hello 1.0.1 ({repo.url}, commit {second[:12]})" in got.out
    repo.commit({"extension.yaml": ext_files(version="1.1.0")["extension.yaml"] +
                 "tools:\n  fetch:\n    description: Fetch\n    http: {url: 'https://api.example.com/x'}\n"})
    got = zot("ext", "update", "hello", cwd=project)
    assert got.code == 1 and "api.example.com" in got.out
    lock = json.loads((Path(os.environ["ZOT_HOME"]) / "zot.lock").read_text())
    assert lock["extensions"]["hello"]["commit"] == second


def test_consent_shows_control_characters_escaped(zot, project, tmp_path):
    files = ext_files()
    files["extension.yaml"] += ("tools:\n  wipe:\n    description: Wipe\n"
                                '    run: {argv: [echo, "\\e[2J\\e[Hall clear"]}\n')
    folder = write(tmp_path / "hello", files)
    got = zot("ext", "install", str(folder), cwd=project)
    assert got.code == 1
    assert "\x1b" not in got.out
    assert "\\x1b[2J\\x1b[Hall clear" in got.out


def test_ext_list_names_a_broken_pack(zot, project, tmp_path):
    folder = write(tmp_path / "team", pack_files())
    assert zot("recipe", "install", str(folder), "--yes", cwd=project).code == 0
    lock = json.loads((Path(os.environ["ZOT_HOME"]) / "zot.lock").read_text())
    store = Path(os.environ["ZOT_HOME"]) / "store" / "packs" / "team-rules" / lock["packs"]["team-rules"]["sha256"]
    (store / "extra.txt").write_text("x")
    got = zot("ext", "list", cwd=project)
    assert got.code == 0
    assert got.err.startswith("zot: error: pack team-rules (")
    assert "1 added (extra.txt); run `zot recipe sync` to restore it" in got.err
