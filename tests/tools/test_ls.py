from __future__ import annotations


def test_sorted_with_folders_marked(ctx, call):
    for name in ("b.txt", "A.txt", ".env"):
        (ctx.cwd / name).write_text("")
    (ctx.cwd / "src").mkdir()
    result = call("ls")
    assert not result.is_error
    assert result.content == ".env\nA.txt\nb.txt\nsrc/"


def test_limit_note(ctx, call):
    for i in range(5):
        (ctx.cwd / f"f{i}").write_text("")
    result = call("ls", path=".", limit=2)
    assert result.content == ("f0\nf1\n\n[showing 2 of 5 entries; call ls with a larger limit, "
                              "or use find with a pattern, to see the rest]")
    assert result.details["truncated"] is True


def test_subfolder_and_empty(ctx, call):
    (ctx.cwd / "d").mkdir()
    assert call("ls", path="d").content == "[d is empty]"


def test_errors(ctx, call):
    (ctx.cwd / "f").write_text("")
    assert call("ls", path="nope").content == "Folder not found: nope"
    result = call("ls", path="f")
    assert result.is_error and result.content == "f is a file, not a folder; use read to see it"
