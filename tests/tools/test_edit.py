from __future__ import annotations

import pytest

SOURCE = "def f():\n    return 1\n\n\ndef g():\n    return 1\n"


@pytest.fixture
def py(ctx):
    path = ctx.cwd / "m.py"
    path.write_text(SOURCE)
    return path


def test_single_edit_returns_diff(py, call):
    result = call("edit", path="m.py", edits=[{"old_text": "def f():\n    return 1", "new_text": "def f():\n    return 2"}])
    assert not result.is_error
    assert py.read_text() == SOURCE.replace("return 1", "return 2", 1)
    diff = ("--- a/m.py\n+++ b/m.py\n@@ -1,5 +1,5 @@\n def f():\n-    return 1\n+    return 2\n \n \n def g():\n")
    assert result.details["diff"] == diff
    assert result.display == diff
    assert result.content == "Edited m.py: 1 edit applied (+1 -1 lines)\n" + diff


def test_multiple_edits_against_original(py, call):
    result = call("edit", path="m.py", edits=[
        {"old_text": "def g", "new_text": "def f"},     # would make "def f" ambiguous if applied in turn
        {"old_text": "def f", "new_text": "def h"},
    ])
    assert not result.is_error, result.content
    assert py.read_text() == SOURCE.replace("def f", "def h").replace("def g", "def f")
    assert result.content.startswith("Edited m.py: 2 edits applied (+2 -2 lines)")


def test_zero_matches_fails(py, call):
    result = call("edit", path="m.py", edits=[{"old_text": "return 3", "new_text": "x"}])
    assert result.is_error
    assert "edit 1 of 1: old_text matched 0 times" in result.content
    assert py.read_text() == SOURCE


def test_two_matches_fails(py, call):
    result = call("edit", path="m.py", edits=[{"old_text": "return 1", "new_text": "x"}])
    assert result.is_error
    assert "edit 1 of 1: old_text matched 2 times; include more surrounding lines" in result.content


def test_all_or_nothing(py, call):
    result = call("edit", path="m.py", edits=[
        {"old_text": "def f():", "new_text": "def ok():"},
        {"old_text": "missing", "new_text": "x"},
        {"old_text": "return 1", "new_text": "x"},
    ])
    assert result.is_error
    assert result.content.splitlines() == [
        "No changes made to m.py:",
        "edit 2 of 3: old_text matched 0 times; it must match the file exactly, including whitespace "
        "and indentation (read the file again to check)",
        "edit 3 of 3: old_text matched 2 times; include more surrounding lines so it matches exactly once",
    ]
    assert py.read_text() == SOURCE


def test_overlapping_edits_fail(py, call):
    result = call("edit", path="m.py", edits=[
        {"old_text": "def f():\n    return", "new_text": "a"},
        {"old_text": "f():", "new_text": "b"},
    ])
    assert result.is_error
    assert "overlap" in result.content
    assert py.read_text() == SOURCE


def test_no_change_is_an_error(py, call):
    result = call("edit", path="m.py", edits=[{"old_text": "def f", "new_text": "def f"}])
    assert result.is_error
    assert "new text equals the old text" in result.content


def test_keeps_crlf(ctx, call):
    path = ctx.cwd / "w.txt"
    path.write_bytes(b"alpha\r\nbeta\r\ngamma\r\n")
    result = call("edit", path="w.txt", edits=[{"old_text": "alpha\nbeta", "new_text": "alpha\nBETA\nextra"}])
    assert not result.is_error, result.content
    assert path.read_bytes() == b"alpha\r\nBETA\r\nextra\r\ngamma\r\n"
    assert "\r" not in result.details["diff"]


def test_keeps_bom(ctx, call):
    path = ctx.cwd / "b.txt"
    path.write_bytes(b"\xef\xbb\xbfkey = 1\r\n")
    result = call("edit", path="b.txt", edits=[{"old_text": "key = 1", "new_text": "key = 2"}])
    assert not result.is_error
    assert path.read_bytes() == b"\xef\xbb\xbfkey = 2\r\n"


def test_mixed_line_endings_are_matched_as_is(ctx, call):
    path = ctx.cwd / "mixed.txt"
    path.write_bytes(b"a\r\nb\nc\n")
    result = call("edit", path="mixed.txt", edits=[{"old_text": "b\nc", "new_text": "B\nC"}])
    assert not result.is_error
    assert path.read_bytes() == b"a\r\nB\nC\n"


def test_no_newline_at_end_marked_in_diff(ctx, call):
    (ctx.cwd / "n.txt").write_text("x")
    result = call("edit", path="n.txt", edits=[{"old_text": "x", "new_text": "y"}])
    assert result.details["diff"] == ("--- a/n.txt\n+++ b/n.txt\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n"
                                      "+y\n\\ No newline at end of file\n")


@pytest.mark.parametrize("setup, message", [
    (None, "Cannot edit gone.txt: it does not exist. Use write to create a file."),
    ("binary", "Cannot edit gone.txt: it looks like a binary file"),
    ("latin1", "Cannot edit gone.txt: it is not valid UTF-8 (invalid continuation byte at byte 3)"),
])
def test_unusable_files(ctx, call, setup, message):
    if setup == "binary":
        (ctx.cwd / "gone.txt").write_bytes(b"a\x00b")
    elif setup == "latin1":
        (ctx.cwd / "gone.txt").write_bytes(b"caf\xe9 x")
    result = call("edit", path="gone.txt", edits=[{"old_text": "a", "new_text": "b"}])
    assert result.is_error
    assert result.content == message
