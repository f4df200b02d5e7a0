"""Lines that cannot be read set ``error``, so guards fail closed; valid lines never do."""
from __future__ import annotations

import shlex

import pytest

from zot.ext.shell import MAX_NESTING, MAX_SOURCE_BYTES, parse_command_line
from zot.ext.shell.grammar import MAX_KEYWORD_PASSES


def _bash_c(depth: int, inner: str = "rm -rf /") -> str:
    for _ in range(depth):
        inner = "bash -c " + shlex.quote(inner)
    return inner


ERRORS = [
    "echo 'abc",
    'echo "abc',
    "echo $(",
    "echo $(ls",
    "echo `ls",
    "echo \\$(rm -rf /)",
    "if true; then",
    "for x in; do",
    "rm (",
    "a |",
    "bash -c 'echo $('",
    "eval 'if'",
    "sh -c \"bash -c 'echo \\\"x'\"",
    "cat <<EOF | bash\nif\nEOF",
    "cat <<EOF\n`rm -rf /\nEOF",
    "cat <<A <<B\nx\nA\ny\nB",         # two here-documents on one command, likewise
    "eval " * (MAX_NESTING + 2) + "rm -rf /",
    "sudo " * 3000 + "rm -rf /",
    'bash -c "$(' * 40 + "ls" + ')"' * 40,      # strings inside strings: bounded work
    "echo " + "$(" * 300 + "ls" + ")" * 300,
    "echo " + "a" * (MAX_SOURCE_BYTES + 1),
    "ls\0; rm -rf /",
    "\"$SHELL\" -c 'echo $('",          # a program named by an expansion may be a shell
    "script -c 'echo $(' log",
    "parallel 'echo (' ::: a",          # parallel hands the words to a shell
    "time { if a; then " * (MAX_KEYWORD_PASSES + 1) + "ls" + "; fi; }" * (MAX_KEYWORD_PASSES + 1),
    "time { " * 9000 + "ls",           # unclosed, and a 63 KiB line: bounded work
    "[ -d ~ ] && echo $(",             # the `~` fix does not hide a real error
]


@pytest.mark.parametrize("src", ERRORS, ids=[e[:40] for e in ERRORS])
def test_error_is_set(src):
    assert parse_command_line(src).error


def test_unparsable_line_still_reports_what_it_found():
    line = parse_command_line("rm -rf / ; echo 'oops")
    assert line.error
    assert "rm" in line.programs()


def test_error_names_the_position():
    assert parse_command_line("ls\necho 'abc").error.startswith("syntax error at 2:")


def test_nested_error_names_the_string():
    assert parse_command_line("bash -c 'echo $('").error.startswith("bash -c: ")


def test_nesting_up_to_the_limit_is_fine():
    line = parse_command_line(_bash_c(MAX_NESTING))
    assert line.error is None
    assert line.commands[-1].program == "rm"
    assert line.commands[-1].via == ("bash -c",) * MAX_NESTING


def test_one_level_too_deep_is_an_error():
    error = parse_command_line(_bash_c(MAX_NESTING + 1)).error
    # quoting a string once more per level doubles its quotes: the node budget may stop it first
    assert "nests deeper" in error or "parts to check" in error


OK = ["", "   ", "# just a comment", "echo 'abc'", "ls\n\n", "a; b;", "echo $'\\x41'",
      "x=1", "[[ -f x ]] && echo y", "cat <<-EOF\n\tbody\n\tEOF",
      "[ -d ~ ] && echo yes", "[[ -d ~ ]] && echo yes", "[ -d ~+ ] || [ ~ = \"$HOME\" ]",
      "[[ ~ == ~ && -w ~ ]]", "echo $(( ~ 1 ))", "time { ls; }", "time -p (ls) | cat",
      "coproc NAME (ls)", "coproc NAME { ls; }", "! { ls; }", "! ! if a; then b; fi",
      "time { " * 30 + "ls" + "; }" * 30,     # a chain of groups is followed in one parse
      "time { if a; then " * MAX_KEYWORD_PASSES + "ls" + "; fi; }" * MAX_KEYWORD_PASSES,
      "a <> b", "exec 3<>/dev/tcp/localhost/8000"]   # `<>`, which the grammar lacks, is a write


@pytest.mark.parametrize("src", OK)
def test_valid_lines_have_no_error(src):
    assert parse_command_line(src).error is None


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
_SHELLISH = st.text(alphabet="abcrm -|&;()$`'\"\\<>{}\n#=*~!%0123EOF", max_size=80)


@hypothesis.settings(max_examples=400, deadline=None)
@hypothesis.given(st.one_of(_SHELLISH, st.text(max_size=60)))
def test_parser_never_raises(src):
    from zot.ext.shell.parse import parse   # the uncached parser, without the safety net

    line = parse(src)
    assert line.error is None or isinstance(line.error, str)


@pytest.mark.parametrize("src", ["{\U000E0000", "echo x{\U0010FFFF,b}", "a{\U000DE0C6a"])
def test_code_points_that_crash_tree_sitter_are_kept_away_from_it(src):
    # tree-sitter-bash calls C isalpha() on code points: these used to kill the process
    for _ in range(50):
        parse_command_line.__wrapped__(src)


def test_non_ascii_text_is_read_from_the_real_line():
    line = parse_command_line("rm -rf 'café' ünïcode\\ x && echo 日本 > ☃.txt")
    rm = line.commands[0]
    assert rm.argv == ("rm", "-rf", "café", "ünïcode x")
    assert line.writes[0].target == "☃.txt"
    assert parse_command_line("cat <<ÉOF | bash\nrm -rf /\nÉOF").programs()[-1] == "rm"


def test_a_1_mib_heredoc_that_writes_a_file_is_read_and_judged():
    line = parse_command_line("cat > notes.txt <<'EOF'\n" + "line of text\n" * 80_000 + "EOF")
    assert line.error is None
    assert [(w.op, w.target) for w in line.writes] == [(">", "notes.txt")]


def test_a_1_mib_line_of_words_fails_closed_with_a_reason():
    line = parse_command_line("curl " + " ".join(f"-H 'X-{i}: v'" for i in range(40_000)) + " x")
    assert line.error is not None and "parts to check" in line.error
