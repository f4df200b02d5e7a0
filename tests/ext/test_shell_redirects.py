"""Every file a line writes: redirections anywhere in it, and tee's file arguments."""
from __future__ import annotations

import pytest

from zot.ext.shell import Redirect, parse_command_line

T = True   # is_tee

WRITES = [
    ("echo 'rm -rf /' >> notes.md", [(">>", "notes.md")]),
    ("echo hi > out.txt", [(">", "out.txt")]),
    ("cmd 2> err.log", [("2>", "err.log")]),
    ("cmd &> all.log", [("&>", "all.log")]),
    ("cmd &>> all.log", [("&>>", "all.log")]),
    ("cmd >| clobber", [(">|", "clobber")]),
    ("cmd >& both.log", [(">&", "both.log")]),
    ("cmd 2>&1", []),
    ("cmd > out 2>&1", [(">", "out")]),
    ("cmd < in.txt", []),
    ("cmd 3>&-", []),
    ("cmd 2>/dev/null", [("2>", "/dev/null")]),
    ("exec 3> log", [("3>", "log")]),
    ("> early.txt rm x", [(">", "early.txt")]),
    ('echo x > "$HOME/out"', [(">", "$HOME/out")]),
    ("echo x > 'a b.txt'", [(">", "a b.txt")]),
    ("(echo a; echo b > inner.txt) > outer.txt", [(">", "inner.txt"), (">", "outer.txt")]),
    ("{ echo a; } > grp.txt", [(">", "grp.txt")]),
    ("if true; then echo a > in_if.txt; fi", [(">", "in_if.txt")]),
    ("for i in 1 2; do echo $i >> loop.txt; done", [(">>", "loop.txt")]),
    ("while read l; do :; done < in > out", [(">", "out")]),
    ("f() { echo x > fn.txt; }", [(">", "fn.txt")]),
    ("echo $(echo x > sub.txt)", [(">", "sub.txt")]),
    ("bash -c 'echo x > nested.txt'", [(">", "nested.txt")]),
    ("sudo sh -c 'echo x >> /etc/hosts'", [(">>", "/etc/hosts")]),
    ("ls | sort > sorted.txt", [(">", "sorted.txt")]),
    ("cat <<EOF > file.txt\nbody\nEOF", [(">", "file.txt")]),
    ("bash <<'EOF' > out\nrm $x\nEOF", [(">", "out")]),
    ("bash <<EOF\necho x > from_heredoc\nEOF", [(">", "from_heredoc")]),
    ("echo x | tee out.txt", [(">", "out.txt", T)]),
    ("echo x | tee -a a.txt b.txt", [(">>", "a.txt", T), (">>", "b.txt", T)]),
    ("echo x | sudo tee /etc/hosts > /dev/null",
     [(">", "/etc/hosts", T), (">", "/dev/null")]),
    ("diff a b > >(tee log)", [(">", "log", T)]),
    ("cat a > >(grep x)", []),
]


@pytest.mark.parametrize(("src", "expected"), WRITES, ids=[row[0] for row in WRITES])
def test_writes(src, expected):
    line = parse_command_line(src)
    assert line.error is None
    want = [Redirect(*row) for row in expected]
    assert sorted(line.writes, key=repr) == sorted(want, key=repr)


def test_words_after_a_redirect_are_arguments():
    line = parse_command_line("echo > out x y")
    assert line.commands[0].argv == ("echo", "x", "y")
    assert line.writes == (Redirect(">", "out"),)
