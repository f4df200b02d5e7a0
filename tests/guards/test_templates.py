"""The template sandbox: a guard `reason` or a rewrite `set` cannot reach Python internals or
run away. Validation rejects what it can see; at run time (validation bypassed by compiling the
manifest directly) rendering raises, and the guard still decides without crashing.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from tests.guards.harness import compile_unvalidated, decide, write_extension
from zot.ext import templates

ZOT = Path(sys.executable).with_name("zot")

ESCAPES = {
    "mro": "{{ ''.__class__.__mro__ }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__ }}",
    "self-init": "{{ self.__init__ }}",
    "lipsum-globals": "{{ lipsum.__globals__ }}",
    "config": "{{ config }}",
    "request": "{{ request }}",
    "attr-filter": "{{ tool|attr('__class__') }}",
    "str-format": "{{ '{0.__class__}'.format(tool) }}",
}
# what `zot ext validate` says about each (the ones it can see without running them)
VALIDATION = {
    "mro": "`__class__`: names starting with `_`",
    "subclasses": "`__class__`: names starting with `_`",
    "cycler-globals": "`__init__`: names starting with `_`",
    "self-init": "`__init__`: names starting with `_`",
    "lipsum-globals": "`__globals__`: names starting with `_`",
    "config": "the template uses `config`, which is not available in a guard",
    "request": "the template uses `request`, which is not available in a guard",
    "attr-filter": "`__class__`: names starting with `_`",
}
INTERNALS = ("<class", "<function", "<built-in", "0x", "<module", "__builtins__", "object at")

NESTED = "{% set a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] %}" + "".join("{%% set %s = [%s] %%}" % (chr(98 + i), ",".join([chr(97 + i)] * 10)) for i in range(7))
HUGE = {
    "range": "{% for i in range(10**7) %}x{% endfor %}",
    "nested-loops": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "silent-loops": "{% set r = range(100000)|list %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
    "repeat": "{{ 'x' * 10**9 }}",
    "repeat-twice": "{{ ('x' * 1000) * 1000000 }}",
    "center": "{{ 'x'|center(10**9) }}",
    "indent": "{{ ('\\n' * 100000)|indent(100000, true) }}",
    "ljust": "{{ 'x'.ljust(10**9) }}",
    "replace": "{{ ('x' * 99999).replace('', 'x' * 99999) }}",
    "replace-filter": "{{ ('x' * 99999)|replace('', 'x' * 99999) }}",
    "join": "{{ ('x' * 99999).join('y' * 99999) }}",
    "join-filter": "{{ ('y' * 99999)|join('x' * 99999) }}",
    "percent": "{{ '%1000000000s' % 'x' }}",
    "percent-star": "{{ '%*s' % (10**9, 'x') }}",
    "format-filter": "{{ '%1000000000s'|format('x') }}",
    "big-output": "{% for i in range(100000) %}{{ 'x' * 999999 }}{% endfor %}",
    "recursion": "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}",
    # lists that hold one list ten times, seven levels deep: a few bytes, 10**8 items printed
    "nested-lists": NESTED + "{{ h }}",
    "nested-concat": NESTED + "{{ h ~ '' }}",
    "nested-tojson": NESTED + "{{ h|tojson }}",
    "nested-string": NESTED + "{{ h|string|length }}",
    "nested-join": NESTED + "{{ h|join(',') }}",
}

CONTEXT = {"tool": "bash", "args": {"command": "ls"}, "cwd": "/p", "project": "/p", "params": {}}


def guards_yaml(sources: dict[str, str], on_error: str | None = None) -> str:
    """One deny guard per source (as its reason) and one rewrite per source (as its `set`)."""
    out = ["guards:"]
    for name, source in sources.items():
        quoted = json.dumps(source)
        out += [f"  deny-{name}:", "    tool: bash", "    action: deny", f"    reason: {quoted}",
                f"  rewrite-{name}:", "    tool: bash", "    action: rewrite",
                f"    rewrite: [{{arg: command, set: {quoted}}}]"]
        if on_error:
            out.append(f"    on_error: {on_error}")
    return "\n".join(out) + "\n"


def test_validation_rejects_every_escape_it_can_see(tmp_path):
    folder = write_extension(tmp_path / "ext", guards_yaml(ESCAPES))
    result = subprocess.run([str(ZOT), "ext", "validate", "--format", "json", str(folder)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    found = {(d["path"][1], d["message"]) for d in json.loads(result.stdout)}
    for name, message in VALIDATION.items():
        for rule in (f"deny-{name}", f"rewrite-{name}"):
            assert any(r == rule and message in m for r, m in found), (rule, sorted(found))


@pytest.mark.parametrize("name", ESCAPES)
def test_rendering_an_escape_raises_without_showing_internals(name):
    with pytest.raises((SecurityError, UndefinedError)) as info:
        templates.render(ESCAPES[name], CONTEXT)
    assert not any(mark in str(info.value) for mark in INTERNALS), str(info.value)


def test_at_run_time_the_guard_still_denies_and_the_rewrite_changes_nothing(tmp_path):
    project = tmp_path / "project"
    hooks = compile_unvalidated(write_extension(tmp_path / "ext", guards_yaml(ESCAPES)), project)
    decision, final = decide(hooks, "bash", {"command": "ls"}, project)
    assert decision.decision == "deny"
    assert final == {"command": "ls"}                     # every rewrite failed, none applied
    assert len(decision.rewrites) == len(ESCAPES) and all("error" in r for r in decision.rewrites)
    deny = [v for v in decision.verdicts if v.decision == "deny"]
    assert len(deny) == len(ESCAPES)
    for verdict in deny:
        assert "the reason template failed" in verdict.reason
        assert not any(mark in verdict.reason for mark in INTERNALS), verdict.reason


def test_a_failing_rewrite_template_blocks_the_call_when_its_on_error_is_deny(tmp_path):
    project = tmp_path / "project"
    hooks = compile_unvalidated(write_extension(tmp_path / "ext", guards_yaml({"mro": ESCAPES["mro"]}, "deny")),
                                project)
    decision, final = decide(hooks, "bash", {"command": "ls"}, project)
    assert decision.decision == "deny" and "rewrite `rewrite-mro` failed" in decision.reason
    assert final == {"command": "ls"}


@pytest.mark.parametrize("name", HUGE)
def test_a_runaway_template_stops_quickly_without_eating_memory(name):
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as info:
            templates.render(HUGE[name], CONTEXT)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 5, f"{name} took {elapsed:.1f}s"
    assert peak < 64 * 2**20, f"{name} used {peak / 2**20:.0f} MiB"
    assert isinstance(info.value, (SecurityError, OverflowError, ValueError, RecursionError)), repr(info.value)


def test_a_runaway_reason_still_gives_a_deny_with_a_fallback_reason(tmp_path):
    project = tmp_path / "project"
    hooks = compile_unvalidated(write_extension(tmp_path / "ext", guards_yaml(
        {"loops": HUGE["nested-loops"], "repeat": HUGE["repeat"]})), project)
    started = time.monotonic()
    decision, final = decide(hooks, "bash", {"command": "ls"}, project)
    assert time.monotonic() - started < 5
    assert decision.decision == "deny" and final == {"command": "ls"}
    assert all("the reason template failed" in v.reason for v in decision.verdicts)


@pytest.mark.parametrize("source, expected", [
    ("{% for x in args['items'] %}{{ loop.index }}:{{ x }} {% endfor %}", "1:a 2:b "),
    ("{% for x in [] %}{{ x }}{% else %}none{% endfor %}", "none"),
    ("{{ args.command.split()|join('-') }}|{{ args.command.replace('l', 'L') }}", "ls--la|Ls -La"),
    ("{{ '%-4s|' % tool }}{{ tool|center(8) }}|{{ 'ab' * 3 }}|{{ 2 ** 10 }}", "bash|  bash  |ababab|1024"),
    ("{{ args.command|upper|truncate(4, true, '', 0) }}|{{ args['items']|length }}", "LS -|2"),
    ("{% for k, v in {'a': 1}|dictsort %}{{ k }}={{ v }}{% endfor %}{{ range(3)|list|sum }}", "a=13"),
])
def test_ordinary_templates_still_render(source, expected):
    assert templates.render(source, {"tool": "bash", "args": {"command": "ls -la", "items": ["a", "b"]}}) == expected
