from __future__ import annotations

import shutil

import pytest

from zot.tools import _grep_rg, grep
from zot.tools._grep_common import Query

HAS_RG = shutil.which("rg") is not None


@pytest.fixture(params=["python", pytest.param("rg", marks=pytest.mark.skipif(not HAS_RG, reason="rg not installed"))])
def engine(request, monkeypatch):
    monkeypatch.setenv("ZOT_GREP_ENGINE", request.param)
    assert (grep.ripgrep() is None) == (request.param == "python")
    return request.param


@pytest.fixture
def tree(ctx):
    files = {
        "a.py": "import os\nprint('Hello')\n",
        "a/x.py": "def hello():\n    return 1\n",
        "a-b.txt": "one\ntwo\nhello there\nfour\nfive\nsix\nhello again\n",
        ".git/config": "hello from git\n",
        "bin.dat": "hello\0binary",
        "notes/-dash.md": "-v is a flag\n",
    }
    for rel, text in files.items():
        path = ctx.cwd / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return ctx.cwd


def test_matches_sorted_like_rg(tree, call, engine):
    result = call("grep", pattern="hello")
    assert not result.is_error
    assert result.content == "a/x.py:1:def hello():\na-b.txt:3:hello there\na-b.txt:7:hello again"
    assert result.details["engine"] == engine


def test_ignore_case_and_glob(tree, call, engine):
    result = call("grep", pattern="hello", ignore_case=True, glob="*.py")
    assert result.content == "a/x.py:1:def hello():\na.py:2:print('Hello')"


def test_literal_and_dash_pattern(tree, call, engine):
    assert call("grep", pattern="print('", literal=True).content == "a.py:2:print('Hello')"
    assert call("grep", pattern="-v").content == "notes/-dash.md:1:-v is a flag"


def test_context_with_separators(tree, call, engine):
    result = call("grep", pattern="hello", path="a-b.txt", context=1)
    assert result.content == ("a-b.txt-2-two\na-b.txt:3:hello there\na-b.txt-4-four\n--\n"
                              "a-b.txt-6-six\na-b.txt:7:hello again")


def test_limit(tree, call, engine):
    result = call("grep", pattern="hello", limit=2, context=1)
    assert result.content == ("a/x.py:1:def hello():\na/x.py-2-    return 1\n--\na-b.txt-2-two\n"
                              "a-b.txt:3:hello there\na-b.txt-4-four\n\n[showing the first 2 matches; more exist. "
                              "Narrow the pattern, path or glob, or raise limit]")
    assert result.details["truncated"] is True


def test_no_match_is_not_an_error(tree, call, engine):
    result = call("grep", pattern="zebra")
    assert not result.is_error
    assert result.content == "No matches for 'zebra' in ."


def test_invalid_regex(tree, call, engine):
    result = call("grep", pattern="(unclosed")
    assert result.is_error
    assert ("Invalid regular expression" in result.content) or ("regex parse error" in result.content)


def test_long_lines_are_clipped(ctx, call, engine):
    (ctx.cwd / "min.js").write_text("x" * 600 + "needle\n")
    assert call("grep", pattern="needle").content == "min.js:1:" + "x" * 500 + "... [106 more characters]"


def test_missing_path(ctx, call, engine):
    result = call("grep", pattern="x", path="nope")
    assert result.is_error and result.content == "Path not found: nope"


def test_rg_argv_puts_pattern_after_double_dash(tmp_path):
    query = Query(pattern="-rf", root=tmp_path, glob="*.py", ignore_case=True, literal=True, context=2, max_matches=5)
    assert _grep_rg.argv("rg", query) == [
        "rg", "--json", "--no-config", "--hidden", "--sort", "path", "--no-messages", "--ignore-case",
        "--fixed-strings", "--context", "2", "--glob", "*.py", "--glob", "!.git", "--", "-rf", str(tmp_path)]
