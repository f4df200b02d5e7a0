from __future__ import annotations

import pytest

from zot.tools._common import MAX_BYTES


def test_reads_whole_small_file_as_is(ctx, call):
    (ctx.cwd / "a.txt").write_text("one\n  two\nthree\n")
    result = call("read", path="a.txt")
    assert not result.is_error
    assert result.content == "one\n  two\nthree"
    assert result.details["total_lines"] == 3


def test_offset_and_limit_window_with_continue_note(ctx, call):
    (ctx.cwd / "a.txt").write_text("".join(f"line {i}\n" for i in range(1, 11)))
    result = call("read", path="a.txt", offset=3, limit=2)
    assert result.content == "line 3\nline 4\n\n[showing lines 3-4 of 10; call read with offset=5 to continue]"


def test_caps_at_2000_lines(ctx, call):
    (ctx.cwd / "big.txt").write_text("".join(f"{i}\n" for i in range(1, 5235)))
    result = call("read", path="big.txt")
    body, note = result.content.split("\n\n")
    assert body.splitlines() == [str(i) for i in range(1, 2001)]
    assert note == "[showing lines 1-2000 of 5234; call read with offset=2001 to continue]"
    assert call("read", path="big.txt", offset=5001).content.endswith("5234")


def test_caps_at_50_kib(ctx, call):
    line = "x" * 99
    (ctx.cwd / "wide.txt").write_text(f"{line}\n" * 1000)   # 100 KB in 1000 lines
    result = call("read", path="wide.txt")
    body, note = result.content.split("\n\n")
    shown = MAX_BYTES // 100
    assert len(body.splitlines()) == shown
    assert note == (f"[showing lines 1-{shown} of 1000 (50 KiB limit reached); "
                    f"call read with offset={shown + 1} to continue]")


def test_single_oversized_line(ctx, call):
    (ctx.cwd / "min.js").write_text("y" * (MAX_BYTES * 2) + "\nnext\n")
    result = call("read", path="min.js")
    assert not result.is_error
    assert result.content.startswith("y" * 100)
    assert "[line 1 is 100.0 KiB; showing its first 50 KiB" in result.content
    assert "offset=2" in result.content


def test_refuses_binary(ctx, call):
    (ctx.cwd / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = call("read", path="img.png")
    assert result.is_error
    assert "img.png looks like a binary file" in result.content


@pytest.mark.parametrize("name, message", [
    ("nope.txt", "File not found: nope.txt"),
    ("sub", "sub is a directory, not a file; use ls to list it"),
])
def test_missing_file_and_directory(ctx, call, name, message):
    (ctx.cwd / "sub").mkdir()
    result = call("read", path=name)
    assert result.is_error
    assert result.content == message


def test_offset_past_end(ctx, call):
    (ctx.cwd / "a.txt").write_text("a\nb\n")
    result = call("read", path="a.txt", offset=5)
    assert result.is_error
    assert result.content == "offset=5 is past the end of a.txt, which has 2 lines"


def test_empty_file(ctx, call):
    (ctx.cwd / "e.txt").write_text("")
    assert call("read", path="e.txt").content == "[e.txt is empty]"


def test_crlf_and_bom_are_normalised(ctx, call):
    (ctx.cwd / "w.txt").write_bytes(b"\xef\xbb\xbfa\r\nb\r\n")
    assert call("read", path="w.txt").content == "a\nb"


def test_tilde_and_absolute_paths(ctx, call, isolated_home):
    (isolated_home / "notes.txt").write_text("home\n")
    assert call("read", path="~/notes.txt").content == "home"
    assert call("read", path=str(isolated_home / "notes.txt")).content == "home"
