"""Quoting a program name or a flag the way bash removes it again never changes a decision.

`r''m`, `"rm"`, `\\rm`, `$'r\\x6d'`, `-'r'f`, `"--for"ce`: bash runs the same command, so the
shipped rules must decide the same. Hypothesis quotes the program, subcommand and flag words of
dangerous commands at random (paths are left alone: a quoted `~` is a folder named `~`).
"""
from __future__ import annotations

import pytest

from .engine import judge

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

# (words that may be quoted, words left as they are), and the decision the plain form gets
COMMANDS = [
    (["rm", "-rf"], ["~"], "deny"),
    (["rm", "-r", "-f"], ["/"], "deny"),
    (["rm", "--recursive", "--force"], ["~/work"], "deny"),
    (["sudo", "rm", "-rf"], ["/"], "deny"),
    (["find"], ["~", "-delete"], "deny"),
    (["git", "push", "--force"], [], "confirm"),
    (["git", "push", "-f", "origin", "main"], [], "confirm"),
    (["git", "reset", "--hard"], [], "confirm"),
    (["git", "clean", "-fdx"], [], "confirm"),
    (["bash", "-c"], ["'rm -rf ~'"], "deny"),
    (["sudo", "apt-get", "install"], ["ripgrep"], "confirm"),
]


def _piece(draw, text: str) -> str:
    """One way to write `text` that bash reads back as `text`."""
    how = draw(st.sampled_from(["plain", "single", "double", "split", "backslash", "ansi"]))
    if how == "single":
        return f"'{text}'"
    if how == "double":
        return f'"{text}"'
    if how == "ansi":
        return "$'" + "".join(f"\\x{ord(c):02x}" if draw(st.booleans()) else c for c in text) + "'"
    if how == "backslash":
        return "".join("\\" + c if c.isalnum() and draw(st.booleans()) else c for c in text)
    if how == "split" and len(text) > 1:
        cut = draw(st.integers(1, len(text) - 1))
        glue = draw(st.sampled_from(["''", '""']))
        return text[:cut] + glue + text[cut:]
    return text


@st.composite
def quoted(draw):
    words, rest, expect = draw(st.sampled_from(COMMANDS))
    written = [_piece(draw, w) for w in words]
    return " ".join(written + rest), " ".join(words + rest), expect


@hypothesis.settings(max_examples=300, deadline=None,
                     suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
@hypothesis.given(quoted())
def test_random_quoting_never_changes_the_decision(world, case) -> None:
    command, plain, expect = case
    assert judge(world, "bash", {"command": plain})[0] == expect
    decision, _, verdicts = judge(world, "bash", {"command": command})
    assert decision == expect, (command, [(v.decision, v.reason) for v in verdicts])
