from __future__ import annotations

import pytest


@pytest.fixture
def tree(ctx):
    for rel in ("a.py", "src/b.py", "src/c.txt", "src/deep/d.py", ".git/hooks/x.py", "docs/readme.md"):
        path = ctx.cwd / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    return ctx.cwd


@pytest.mark.parametrize("pattern, expected", [
    ("**/*.py", ["a.py", "src/b.py", "src/deep/d.py"]),
    ("*.py", ["a.py", "src/b.py", "src/deep/d.py"]),
    ("src/*.py", ["src/b.py"]),
    ("src/**", ["src/b.py", "src/c.txt", "src/deep/", "src/deep/d.py"]),
    ("deep", ["src/deep/"]),
    ("*.[mt][dx]*", ["docs/readme.md", "src/c.txt"]),
])
def test_patterns(tree, call, pattern, expected):
    result = call("find", pattern=pattern)
    assert not result.is_error
    assert result.content.splitlines() == expected


def test_under_path_paths_stay_relative_to_cwd(tree, call):
    assert call("find", pattern="*.py", path="src/deep").content == "src/deep/d.py"


def test_limit_and_no_match(tree, call):
    result = call("find", pattern="*.py", limit=2)
    assert result.content == ("a.py\nsrc/b.py\n\n[showing 2 of 3 matches; use a narrower pattern or path, "
                              "or a larger limit]")
    assert call("find", pattern="*.rs").content == "No paths match '*.rs' under ."


def test_missing_root(tree, call):
    result = call("find", pattern="*", path="nope")
    assert result.is_error and result.content == "Cannot search nope: it does not exist"
