"""The path side of the engine, pinned by unit tests: path uses, `cd`, braces, links.

1. The paths a shell line writes are resolved after `cd`/`pushd`/`popd` (`cd .git && echo x >
   config` writes `.git/config`), not always in the starting folder.
2. Reads and writes are told apart (`cp SRC DST` reads SRC and writes DST; `sed -i` changes,
   `>>` appends), for `cp/mv/ln/install -t DIR`, `curl -o`, `wget -O`, `sort -o`, `dd if= of=`,
   `tar -x -C DIR`, `perl -i`, `git checkout/restore`, `python -c open(...,'w')`.
3. Brace alternatives in paths are expanded (`rm -rf {/etc,/usr}` deletes /etc and /usr).
4. After a `cd` nobody can follow, only relative *paths* are unknown.
5. Links: a link made earlier in the line is followed, and so is a file's other hard links.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from zot.ext.matchers import CompileCtx, Subject, compile_matcher
from zot.ext.matchers.paths import expand_braces, written_paths
from zot.ext.matchers.resolve import NOWHERE, UNKNOWN, Partial, folders, resolve
from zot.ext.shell import parse_command_line


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir()
    return root.resolve()


def bash(project: Path, command: str) -> Subject:
    return Subject("bash", {"command": command}, project, project)


def matches(node: dict, subject: Subject, fail_closed: bool = True) -> bool:
    return compile_matcher(node, CompileCtx(fail_closed=fail_closed, default_arg="command")).match(subject)


def written(project: Path, command: str) -> list:
    found = written_paths(bash(project, command))
    return [t.resolved for t in found] if isinstance(found, list) else []


# ---------------------------------------------------------------------------- 1. cd
@pytest.mark.parametrize("command, path", [
    ("cd .git && echo x > config", ".git/config"),
    ("cd .git/hooks && cp ../../hook pre-commit", ".git/hooks/pre-commit"),
    ("cd src && touch a.py", "src/a.py"),
    ("pushd src && popd && touch b.py", "b.py"),
    ("cd src; cd ..; touch c.py", "c.py"),
    ("(cd src) && touch d.py", "d.py"),               # a subshell's cd stays inside it
    ("cd src | cat; touch e.py", "e.py"),             # so does a pipeline part's
])
def test_written_paths_follow_cd(project: Path, command: str, path: str) -> None:
    assert project / path in written(project, command)


def test_a_cd_that_may_fail_keeps_both_folders(project: Path) -> None:
    found = written(project, "cd nonexistent; touch f")
    assert project / "nonexistent" / "f" in found and project / "f" in found


def test_written_paths_after_an_unknown_cd(project: Path) -> None:
    [where] = written(project, 'cd "$(cat dir.txt)" && touch a')
    assert where is UNKNOWN
    [env] = written(project, 'cd "$X" && touch a')
    assert isinstance(env, Partial) and env.anywhere


def test_folders_resolve_each_step(project: Path) -> None:
    Path.home().mkdir(parents=True, exist_ok=True)
    line = parse_command_line("cd src && pushd ~ && popd && cd /tmp && ls")
    home = Path(os.path.realpath(Path.home()))
    assert [folders(c.dirs, project, {}) for c in line.commands] == [
        [project], [project / "src"], [home], [project / "src"], [Path(os.path.realpath("/tmp"))]]


def test_path_guard_sees_a_write_after_cd(project: Path) -> None:
    node = {"path": {"match": [".git/**"]}}
    assert matches(node, bash(project, "cd .git && echo x > config"))
    assert not matches(node, bash(project, "cd src && echo x > config"))


# ---------------------------------------------------------------------------- 2. reads and writes
@pytest.mark.parametrize("command, uses", [
    ("sed -i -e s/a/b/ .env", [("change", ".env")]),
    ("sed -i -f script.sed a b", [("change", "a"), ("change", "b")]),
    ("sed -i s/a/b/ .env", [("change", ".env")]),
    ("sed s/a/b/ .env", [("read", ".env")]),
    ("perl -pi -e s/a/b/ .env", [("change", "s/a/b/"), ("change", ".env")]),
    ("cp -t .git/hooks a b", [("read", "a"), ("read", "b"), ("write", ".git/hooks"),
                              ("write", ".git/hooks/a"), ("write", ".git/hooks/b")]),
    ("cp --target-directory=dir a", [("read", "a"), ("write", "dir"), ("write", "dir/a")]),
    ("mv -t dir a b", [("delete", "a"), ("delete", "b"), ("write", "dir"), ("write", "dir/a"),
                       ("write", "dir/b")]),
    ("cp a b dir", [("read", "a"), ("read", "b"), ("write", "dir"), ("write", "dir/a"), ("write", "dir/b")]),
    ("cp a b", [("read", "a"), ("write", "b")]),
    ("cp .env .env.bak", [("read", ".env"), ("write", ".env.bak")]),
    ("curl -o .env https://x", [("write", ".env")]),
    ("curl -sSLo out.bin https://x", [("write", "out.bin")]),
    ("curl https://x", []),
    ("wget -O .env https://x", [("write", ".env")]),
    ("wget -O- https://x", []),
    ("sort -o .env in.txt", [("write", ".env"), ("read", "in.txt")]),
    ("dd if=/dev/zero of=.env bs=1", [("write", ".env"), ("read", "/dev/zero")]),
    ("tar -xzf a.tgz -C .git", [("read", "a.tgz"), ("write", ".git")]),
    ("tar -czf a.tgz -C src .", [("write", "a.tgz"), ("read", ".")]),
    ("echo x >> log", [("append", "log")]),
    ("echo x | tee -a log", [("append", "log")]),
    ("grep KEY .env > out", [("read", ".env"), ("write", "out")]),
    ("cat < .env", [("read", ".env")]),
    ("install -m 600 key .env", [("read", "key"), ("write", ".env")]),
    ("ln -sf /dev/null .env", [("link", ".env")]),
    ("git checkout HEAD src/app.py", [("change", "src/app.py")]),
    ("git checkout -- a b", [("change", "a"), ("change", "b")]),
    ("git restore --staged a", []),
    ("git rm -r old", [("delete", "old")]),
    ("python3 -c \"open('.env','w').write('x')\"", [("write", ".env")]),
    ("python3 -c \"print(open('.env').read())\"", [("read", ".env")]),
    ("ssh-keygen -lf ~/.ssh/id_ed25519.pub", []),
    ("ssh-keygen -t ed25519 -f ~/.ssh/id_x", [("write", "~/.ssh/id_x"), ("write", "~/.ssh/id_x.pub")]),
    ("openssl genrsa -out server.key 2048", [("write", "server.key")]),
    ("find src -name '*.pyc' -delete", [("delete", "src"), ("delete", "src/**/*.pyc")]),
])
def test_path_uses(command: str, uses: list[tuple[str, str]], tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)     # `cp a b`: b is a file here, whatever folders the checkout has
    assert sorted((u.how, str(u.path)) for u in parse_command_line(command).uses) == sorted(uses)


def test_git_checkout_of_one_name_is_a_path_only_when_it_exists(project: Path) -> None:
    (project / "src" / "app.py").write_text("x")
    [use] = parse_command_line("git checkout main").uses
    assert use.maybe
    assert written(project, "git checkout main") == []
    assert written(project, "git checkout src/app.py") == [project / "src" / "app.py"]


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


@pytest.mark.parametrize("command, words", [
    ("rm -rf {/etc,/usr}", ["/etc", "/usr"]),
    ("echo {1..3}", ["1", "2", "3"]),
    ("echo a{b,c}d", ["abd", "acd"]),
    ("echo '{a,b}'", ["{a,b}"]),
    ("echo {a..c}", ["a", "b", "c"]),
])
def test_the_shell_expands_braces_too(command: str, words: list[str]) -> None:
    assert [str(w) for w in parse_command_line(command).commands[0].positionals] == words


def test_brace_alternative_outside_the_project_matches(project: Path) -> None:
    node = {"shell": {"program": "rm", "flags": ["r"], "args": {"path": {"inside_project": False}}}}
    assert matches(node, bash(project, "rm -rf {/etc,/usr}"))
    assert matches(node, bash(project, "rm -rf src/{a,../../..}"))
    assert not matches(node, bash(project, "rm -rf {build,dist}"))


# ---------------------------------------------------------------------------- 4. unknowns
def test_unknown_cwd_leaves_literal_words_alone(project: Path) -> None:
    node = {"shell": {"program": "git", "subcommand": "stash", "args": {"in": ["drop", "clear"]}}}
    assert not matches(node, bash(project, 'cd "$X" && git stash'))
    assert matches(node, bash(project, 'cd "$X" && git stash drop'))


def test_unknown_cwd_makes_relative_paths_unknown(project: Path) -> None:
    node = {"shell": {"program": "rm", "flags": ["r"], "args": {"path": {"inside_project": False}}}}
    assert matches(node, bash(project, 'cd "$X" && rm -rf build'))              # fail closed
    assert not matches(node, bash(project, 'cd "$X" && rm -rf build'), fail_closed=False)
    assert not matches(node, bash(project, f'cd "$X" && rm -rf {project}'))


def test_xargs_and_find_exec_words_still_match_anything(project: Path) -> None:
    node = {"shell": {"program": "git", "subcommand": "stash", "args": {"in": ["drop"]}}}
    assert matches(node, bash(project, "cat x | xargs git stash"))
    rm = {"shell": {"program": "rm", "flags": ["r"], "args": {"path": {"inside_project": False}}}}
    assert matches(rm, bash(project, "find . -exec rm -rf {} +"))


@pytest.mark.parametrize("word, kind", [
    ("$(mktemp -d)/x", "nowhere"), ("$(mktemp)/../x", "unknown"), ("$(cat f)", "unknown"),
    ("$OUT", "anywhere"), ("build/$(date +%s).log", "partial"), ("x" * 5000, "unknown"),
])
def test_how_unknown_words_resolve(project: Path, word: str, kind: str) -> None:
    [cmd] = [c for c in parse_command_line(f'touch "{word}"').commands if c.program == "touch"]
    where = resolve(cmd.positionals[0], project)
    got = ("nowhere" if where is NOWHERE else "unknown" if where is UNKNOWN else
           "anywhere" if isinstance(where, Partial) and where.anywhere else
           "partial" if isinstance(where, Partial) else "known")
    assert got == kind


# ---------------------------------------------------------------------------- 5. links
def test_a_link_made_in_the_line_is_followed(project: Path) -> None:
    node = {"path": {"match": ["~/.ssh/**"]}}
    assert matches(node, bash(project, "ln -s ~/.ssh/authorized_keys k && echo x >> k"))
    assert matches(node, bash(project, "ln -s ~/.ssh d; cp key d/authorized_keys"))
    assert not matches(node, bash(project, "ln -s ~/.ssh/authorized_keys k; echo x >> other"))


def test_an_existing_symlink_and_a_hard_link_are_their_target(project: Path) -> None:
    env = project / ".env"
    env.write_text("A=1\n")
    (project / "soft").symlink_to(env)
    os.link(env, project / "hard")
    node = {"path": {"match": [".env"]}}
    for command in ("echo x > soft", "echo x >> hard", "sed -i s/A/B/ hard", "cp y hard"):
        assert matches(node, bash(project, command)), command
    write = Subject("write", {"path": "hard", "content": "x"}, project, project)
    assert compile_matcher(node, CompileCtx(fail_closed=True)).match(write)
    assert not matches(node, bash(project, "cat hard > copy.txt"))
