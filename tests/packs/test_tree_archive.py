"""Installed trees: what the digest covers, what is refused, and the reproducible archive."""
from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

from zot.config import UserError
from zot.ext.packs import archive, tree


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


FILES = {"recipe.yaml": "name: team\n", "extensions/lint/extension.yaml": "name: lint\n",
         "extensions/lint/run.py": "print(1)\n"}


def test_digest_ignores_mtimes_and_caches_but_not_content_or_exec_bit(tmp_path):
    a = write(tmp_path / "a", FILES)
    b = write(tmp_path / "b", FILES)
    os.utime(b / "recipe.yaml", (1, 1))
    write(b, {"extensions/lint/__pycache__/run.cpython-311.pyc": "x", ".git/HEAD": "ref", "x.pyc": "y"})
    assert tree.digest(a) == tree.digest(b)
    (b / "extensions/lint/run.py").chmod(0o755)
    assert tree.digest(a) != tree.digest(b)
    (b / "extensions/lint/run.py").chmod(0o644)
    write(b, {"recipe.yaml": "name: team2\n"})
    assert tree.differences(tree.listing(a), tree.listing(b)) == \
        {"added": [], "removed": [], "modified": ["recipe.yaml"]}


def test_links_are_refused(tmp_path):
    root = write(tmp_path / "p", FILES)
    (root / "escape").symlink_to("/etc/passwd")
    with pytest.raises(UserError) as err:
        tree.files_of(root, "team@v1")
    assert err.value.message == "team@v1: escape is a symbolic link"


def test_describe_lists_what_differs():
    diff = {"added": ["n"], "removed": [], "modified": ["a", "b", "c", "d"]}
    assert tree.describe(diff) == "4 modified (a, b, c, ...), 1 added (n)"


def test_pack_twice_gives_the_same_bytes(tmp_path):
    root = write(tmp_path / "p", FILES)
    (root / "extensions/lint/run.py").chmod(0o755)
    first = archive.pack(root, "team", tmp_path / "one.tar.gz")
    os.utime(root / "recipe.yaml", (12345, 12345))
    second = archive.pack(root, "team", tmp_path / "two.tar.gz")
    assert first == second == archive.sha256_file(tmp_path / "one.tar.gz")
    header = (tmp_path / "one.tar.gz").read_bytes()[:10]
    assert header[3] == 0 and header[4:8] == bytes(4)      # no file name, mtime 0
    with tarfile.open(tmp_path / "one.tar.gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == ["team", "team/extensions", "team/extensions/lint",
                                         "team/extensions/lint/extension.yaml", "team/extensions/lint/run.py",
                                         "team/recipe.yaml"]
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {(0, 0, "", "", 0)}
    assert [oct(m.mode) for m in members if m.isfile()] == ["0o644", "0o755", "0o644"]


def test_extract_gives_the_same_tree(tmp_path):
    root = write(tmp_path / "p", FILES)
    archive.pack(root, "team", tmp_path / "t.tar.gz")
    archive.extract(tmp_path / "t.tar.gz", tmp_path / "out")
    assert tree.digest(tmp_path / "out") == tree.digest(root)


def _evil(path: Path, add) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        add(tar)
    return path


def _file(name: str) -> tuple[tarfile.TarInfo, object]:
    import io

    info = tarfile.TarInfo(name)
    info.size = 1
    return info, io.BytesIO(b"x")


def _link(tar: tarfile.TarFile) -> None:
    tar.addfile(*_file("team/recipe.yaml"))
    info = tarfile.TarInfo("team/passwd")
    info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
    tar.addfile(info)


@pytest.mark.parametrize("add, message", [
    (lambda tar: tar.addfile(*_file("team/../../escape")), "entry `team/../../escape` points outside"),
    (lambda tar: tar.addfile(*_file("/abs")), "entry `/abs` points outside"),
    (_link, "entry `team/passwd` is a link or a special file"),
    (lambda tar: (tar.addfile(*_file("a/x")), tar.addfile(*_file("b/y"))), "must hold exactly one top folder"),
])
def test_unsafe_archives_are_refused(tmp_path, add, message):
    path = _evil(tmp_path / "evil.tar.gz", add)
    with pytest.raises(UserError) as err:
        archive.extract(path, tmp_path / "out")
    assert message in err.value.message
    assert not (tmp_path / "out").exists() and not (tmp_path / "escape").exists()


def test_not_an_archive(tmp_path):
    (tmp_path / "x.tar.gz").write_text("hello")
    with pytest.raises(UserError) as err:
        archive.extract(tmp_path / "x.tar.gz", tmp_path / "out")
    assert err.value.message.startswith(f"{tmp_path / 'x.tar.gz'} is not a .tar.gz zot can read")
