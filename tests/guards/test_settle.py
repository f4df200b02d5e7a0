"""A big rule set is kept out of the garbage collector's full collections once loaded (a full
collection walking 5,000 compiled rules stalled a decision ~0.1 s); a small one is left alone."""
from __future__ import annotations

import gc
import textwrap

from tests.guards.harness import load_many
from zot.ext.engine import BIG_RULE_SET, Engine, settle


def _manifest(i: int) -> str:
    rules = "".join(f"""
          r{j}:
            tool: bash
            when: {{regex: 'team-{i}-rule-{j}'}}
            action: deny
            reason: rule {j}""" for j in range(10))
    return textwrap.dedent(f"""\
        schema: zot/extension/v1
        name: big-{i:03d}
        version: 1.0.0
        description: ten rules
        guards:""") + textwrap.indent(textwrap.dedent(rules), "  ") + "\n"


def test_only_a_big_rule_set_is_frozen(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ZOT_HOME", str(tmp_path / "home" / ".zot"))
    project = tmp_path / "home" / "project"
    (project / ".git").mkdir(parents=True)
    small = load_many(tmp_path / "small", project, [_manifest(i) for i in range(3)])
    big = load_many(tmp_path / "big", project, [_manifest(i) for i in range(BIG_RULE_SET // 10)])
    assert len(big.guards) >= BIG_RULE_SET > len(small.guards)
    gc.unfreeze()
    try:
        assert settle(Engine(small, [])) is False and gc.get_freeze_count() == 0
        assert settle(Engine(big, [])) is True
        assert gc.get_freeze_count() > len(big.guards)     # the rules and what they hold
    finally:
        gc.unfreeze()       # the rest of the test run collects as usual
