"""Engine fixes found while building the safety corpus, each pinned by a unit test.

1. The paths a shell line writes are resolved after `cd`/`pushd`/`popd` (`cd .git && echo x >
   config` writes `.git/config`), not always in the starting folder.
2. More writers: `sed -i -e SCRIPT FILE` (every word is a file), `cp/mv/ln/install -t DIR`,
   `curl -o`, `wget -O`, `sort -o`, `dd of=`, `tar -x -C DIR`, `perl -i`.
3. Brace alternatives in paths are expanded (`rm -rf {/etc,/usr}` deletes /etc and /usr).
4. After a `cd` nobody can follow, only relative *paths* are unknown: `cd "$X" && git checkout
   main` is no longer taken for `git checkout .`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from zot.ext.matchers import CompileCtx, Subject, compile_matcher
from zot.ext.matchers.paths import command_cwds, command_targets, expand_braces, written_paths
from zot.ext.shell import parse_command_line


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    return root.resolve()


def bash(project: Path, command: str) -> Subject:
    return Subject("bash", {"command": command}, project, project)


def matches(node: dict, subject: Subject, fail_closed: bool = True) -> bool:
    return compile_matcher(node, CompileCtx(fail_closed=fail_closed, default_arg="command")).match(subject)


# ---------------------------------------------------------------------------- 1. cd
@pytest.mark.parametrize("command, written", [
    ("cd .git && echo x > config", ".git/config"),
    ("cd .git/hooks && cp ../../hook pre-commit", ".git/hooks/pre-commit"),
    ("cd src && touch a.py", "src/a.py"),
    ("pushd src && popd && touch b.py", "b.py"),
])
def test_written_paths_follow_cd(project: Path, command: str, written: str) -> None:
    assert str(project / written) in written_paths(bash(project, command))


def test_written_paths_after_an_unknown_cd_are_unknown(project: Path) -> None:
    assert written_paths(bash(project, 'cd "$X" && touch a')) == ["$(cd)/a"]


@pytest.mark.parametrize("command, folders", [
    ("cd src && ls", ["", "src"]),
    ("pushd src && popd && ls", ["", "src", ""]),
    ("cd - && ls", ["", None]),
    ('cd "$X" && cd src && ls', ["", None, None]),
    ("cd && ls", ["", "~"]),
])
def test_command_cwds(project: Path, command: str, folders: list) -> None:
    home = Path.home()
    want = [None if f is None else (home if f == "~" else project / f if f else project) for f in folders]
    assert command_cwds(parse_command_line(command), project) == want


def test_path_guard_sees_a_write_after_cd(project: Path) -> None:
    node = {"path": {"match": [".git/**"]}}
    assert matches(node, bash(project, "cd .git && echo x > config"))
    assert not matches(node, bash(project, "cd src && echo x > config"))


# ---------------------------------------------------------------------------- 2. writers
@pytest.mark.parametrize("command, targets", [
    ("sed -i -e s/a/b/ .env", [".env"]),
    ("sed -i -f script.sed a b", ["a", "b"]),
    ("sed -i s/a/b/ .env", [".env"]),
    ("sed s/a/b/ .env", []),
    ("perl -pi -e s/a/b/ .env", [".env"]),
    ("cp -t .git/hooks a b", [".git/hooks"]),
    ("cp --target-directory=dir a", ["dir"]),
    ("mv -t dir a b", ["dir", "a", "b"]),
    ("cp a b", ["b"]),
    ("curl -o .env https://x", [".env"]),
    ("curl -sSLo out.bin https://x", ["out.bin"]),
    ("curl https://x", []),
    ("wget -O .env https://x", [".env"]),
    ("wget -O- https://x", []),
    ("sort -o .env in.txt", [".env"]),
    ("dd if=/dev/zero of=.env bs=1", [".env"]),
    ("tar -xzf a.tgz -C .git", [".git"]),
    ("tar -czf a.tgz -C src .", []),
])
def test_command_targets(command: str, targets: list[str]) -> None:
    cmd = parse_command_line(command).commands[0]
    assert command_targets(cmd) == targets


# ---------------------------------------------------------------------------- 3. braces
@pytest.mark.parametrize("text, words", [
    ("{/etc,/usr}", ["/etc", "/usr"]),
    ("src/{a,b}.py", ["src/a.py", "src/b.py"]),
    ("x{a,b}{c,d}", ["xac", "xad", "xbc", "xbd"]),
    ("{a,{b,c}}", ["a", "b", "a", "c"]),
    ("${HOME}/x", ["${HOME}/x"]),
    ("${x:-a,b}", ["${x:-a,b}"]),
    ("{}", ["{}"]),
    ("a{1..3}", ["a{1..3}"]),
])
def test_expand_braces(text: str, words: list[str]) -> None:
    assert expand_braces(text) == words


def test_expand_braces_is_bounded() -> None:
    words = expand_braces("{a,b,c,d}" * 10)
    assert len(words) <= 70
    assert any(w.startswith("$") for w in words)     # the rest is unknown: a deny guard matches


def test_brace_alternative_outside_the_project_matches(project: Path) -> None:
    node = {"shell": {"program": "rm", "flags": ["r"], "args": {"path": {"inside_project": False}}}}
    assert matches(node, bash(project, "rm -rf {/etc,/usr}"))
    assert matches(node, bash(project, "rm -rf src/{a,../../..}"))
    assert not matches(node, bash(project, "rm -rf {build,dist}"))


# ---------------------------------------------------------------------------- 4. unknown cwd
def test_unknown_cwd_leaves_literal_words_alone(project: Path) -> None:
    node = {"shell": {"program": "git", "subcommand": "stash", "args": {"in": ["drop", "clear"]}}}
    assert not matches(node, bash(project, 'cd "$X" && git stash'))
    assert matches(node, bash(project, 'cd "$X" && git stash drop'))


def test_unknown_cwd_makes_relative_paths_unknown(project: Path) -> None:
    node = {"shell": {"program": "rm", "flags": ["r"], "args": {"path": {"inside_project": False}}}}
    assert matches(node, bash(project, 'cd "$X" && rm -rf build'))              # fail closed
    assert not matches(node, bash(project, 'cd "$X" && rm -rf build'), fail_closed=False)
    assert not matches(node, bash(project, 'cd "$X" && rm -rf @PROJECT@'.replace("@PROJECT@", str(project))))


def test_xargs_and_find_exec_words_still_match_anything(project: Path) -> None:
    node = {"shell": {"program": "git", "subcommand": "stash", "args": {"in": ["drop"]}}}
    assert matches(node, bash(project, "echo drop | xargs git stash"))
    rm = {"shell": {"program": "rm", "flags": ["r"], "args": {"path": {"inside_project": False}}}}
    assert matches(rm, bash(project, "find . -exec rm -rf {} +"))
