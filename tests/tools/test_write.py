from __future__ import annotations


def test_creates_parents_and_reports_bytes(ctx, call):
    result = call("write", path="a/b/c.txt", content="héllo\n")
    assert not result.is_error
    assert result.content == "Created a/b/c.txt (7 bytes written)"
    assert (ctx.cwd / "a/b/c.txt").read_text(encoding="utf-8") == "héllo\n"
    assert result.details == {"path": str(ctx.cwd / "a/b/c.txt"), "bytes": 7, "created": True}


def test_overwrites(ctx, call):
    (ctx.cwd / "f.txt").write_text("old content")
    result = call("write", path="f.txt", content="new")
    assert result.content == "Overwrote f.txt (3 bytes written)"
    assert (ctx.cwd / "f.txt").read_text() == "new"


def test_refuses_directory(ctx, call):
    (ctx.cwd / "d").mkdir()
    result = call("write", path="d", content="x")
    assert result.is_error
    assert result.content == "d is a directory; give a file path"


def test_absolute_path_outside_cwd(ctx, call, tmp_path):
    target = tmp_path / "elsewhere" / "x.txt"
    result = call("write", path=str(target), content="x")
    assert result.content == f"Created {target} (1 bytes written)"
    assert target.read_text() == "x"


def test_os_error_becomes_error_result(ctx, call):
    (ctx.cwd / "file").write_text("")
    result = call("write", path="file/child.txt", content="x")
    assert result.is_error
    assert "file" in result.content
