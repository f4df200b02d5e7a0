"""Option normalisation and has_flag, including the built-in alias table."""
from __future__ import annotations

import pytest

from zot.ext.shell import FLAG_ALIASES, has_flag, normalise, parse_command_line

NORMALISE = [
    # (program, args, flags, positionals)
    ("rm", ["-rf", "x"], {"r", "f"}, ("x",)),
    ("rm", ["-fr", "x"], {"r", "f"}, ("x",)),
    ("rm", ["-r", "-f", "x"], {"r", "f"}, ("x",)),
    ("rm", ["--recursive", "--force", "x"], {"r", "f"}, ("x",)),
    ("rm", ["-R", "--dir", "x"], {"r", "d"}, ("x",)),
    ("rm", ["--interactive=never", "x"], {"i"}, ("x",)),
    ("rm", ["-", "--", "-f"], set(), ("-", "-f")),
    ("cp", ["-R", "a", "b"], {"r"}, ("a", "b")),
    ("cp", ["--target-directory", "/d", "a"], {"t"}, ("a",)),
    ("mv", ["-S", ".bak", "a", "b"], {"S"}, ("a", "b")),
    ("chown", ["--recursive", "u", "f"], {"R"}, ("u", "f")),
    ("chmod", ["-R", "-w", "f"], {"R"}, ("-w", "f")),
    ("chmod", ["--reference", "ref", "f"], {"reference"}, ("f",)),
    ("unknown", ["--long-name=value", "-abc", "pos"], {"long-name", "a", "b", "c"}, ("pos",)),
    ("unknown", ["-10", "x"], {"10"}, ("x",)),
    ("timeout", ["-s", "KILL", "5", "cmd", "-x"], {"s"}, ("5", "cmd", "-x")),
    ("git", ["-C", "dir", "status", "-s"], {"C", "s"}, ("status",)),
    ("git", ["push", "--force", "origin", "main"], {"f"}, ("push", "origin", "main")),
    ("git", ["push", "origin", "+HEAD:main"], {"f"}, ("push", "origin", "+HEAD:main")),
    ("git", ["clean", "-f", "-e", "keep", "-d"], {"f", "e", "d"}, ("clean",)),
    ("git", ["reset", "--hard", "HEAD"], {"hard"}, ("reset", "HEAD")),
    ("git", ["restore", "--source=HEAD~1", "f"], {"s"}, ("restore", "f")),
    ("git", ["checkout", "--force", "main"], {"f"}, ("checkout", "main")),
    ("find", [".", "-name", "x", "-delete"], {"name", "delete"}, (".",)),
    ("find", [".", "(", "-name", "a", "-o", "-name", "b", ")", "-print"],
     {"name", "o", "print"}, (".",)),
    ("curl", ["--request", "DELETE", "-H", "X: y", "u"], {"X", "H"}, ("u",)),
    ("wget", ["--output-document=-", "u"], {"O"}, ("u",)),
    ("sudo", ["-u", "bob", "-i"], {"u", "i"}, ()),
    ("xargs", ["-d", "\\n", "-P4", "rm", "-f"], {"d", "P"}, ("rm", "-f")),
    ("strace", ["-f", "-o", "log", "-e", "trace=file", "ls", "-l"], {"f", "o", "e"},
     ("ls", "-l")),
    ("strace", ["--output", "log", "--attach=12", "ls"], {"o", "p"}, ("ls",)),
    ("ltrace", ["-n", "2", "-l", "libc.so", "ls"], {"n", "l"}, ("ls",)),
    ("faketime", ["-1d", "date", "-u"], set(), ("-1d", "date", "-u")),
    ("faketime", ["-p", "42", "@2020-01-01", "date"], {"p"}, ("@2020-01-01", "date")),
    ("proot", ["-r", "/r", "-b", "/dev", "-0", "sh"], {"r", "b", "0"}, ("sh",)),
    ("nsenter", ["-t", "1", "-m/proc/1/ns/mnt", "-u", "sh"], {"t", "m", "u"}, ("sh",)),
    ("script", ["-qc", "make", "log"], {"q", "c"}, ("log",)),
    ("script", ["log", "--command", "make"], {"c"}, ("log",)),
    ("parallel", ["-j", "4", "--joblog", "j", "gzip", ":::", "a"], {"j", "joblog"},
     ("gzip", ":::", "a")),
    ("sem", ["--id", "x", "-j2", "make"], {"id", "j"}, ("make",)),
]


@pytest.mark.parametrize(("program", "args", "flags", "positionals"), NORMALISE,
                         ids=[" ".join([r[0], *r[1]]) for r in NORMALISE])
def test_normalise(program, args, flags, positionals):
    opts = normalise(program, args)
    assert (set(opts.flags), opts.positionals) == (flags, positionals)


HAS_FLAG = [
    # (line, name, extra aliases, expected)
    ("rm -rf x", "r", None, True),
    ("rm -rf x", "-r", None, True),
    ("rm -rf x", "recursive", None, True),
    ("rm -rf x", "--force", None, True),
    ("rm -rf x", "R", None, True),
    ("rm -rf x", "d", None, False),
    ("rm --recursive x", "r", None, True),
    ("chmod -R 700 x", "recursive", None, True),
    ("chmod -R 700 x", "r", None, False),
    ("git push --force", "force", None, True),
    ("git push origin +main", "f", None, True),
    ("git push --force-with-lease", "force-with-lease", None, True),
    ("git push --force-with-lease", "f", None, False),
    ("git clean -fdx", "force", None, True),
    ("find . -delete", "delete", None, True),
    ("find . -delete", "-delete", None, True),
    ("mytool --yes", "y", {"yes": "y"}, True),
    ("mytool -y", "yes", {"yes": "y"}, True),
    ("mytool -y", "yes", None, False),
    ("terraform destroy -auto-approve", "auto-approve", None, False),
]


@pytest.mark.parametrize(("src", "name", "aliases", "expected"), HAS_FLAG,
                         ids=[f"{r[0]} ? {r[1]}" for r in HAS_FLAG])
def test_has_flag(src, name, aliases, expected):
    cmd = parse_command_line(src).commands[0]
    assert has_flag(cmd, name, aliases) is expected


def test_alias_table_covers_the_programs_guards_need():
    for key in ("rm", "cp", "mv", "chmod", "chown", "git push", "git reset", "git clean",
                "git checkout", "git restore", "curl", "wget"):
        assert key in FLAG_ALIASES
    assert FLAG_ALIASES["rm"]["recursive"] == "r"
    assert FLAG_ALIASES["rm"]["R"] == "r"
    assert FLAG_ALIASES["git push"]["force"] == "f"
    assert FLAG_ALIASES["chmod"]["recursive"] == "R"
