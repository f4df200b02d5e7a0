"""The quick check that keeps jsonschema off a well-formed call's path never lets a bad call through:
whatever it calls valid, jsonschema calls valid too (and for the built-in tools' usual calls it
answers without importing jsonschema at all)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from zot.tools import builtin_tools, validate_args
from zot.tools.validate import _surely_valid

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = {t.name: t.parameters for t in builtin_tools()}
KEYS = ["path", "command", "timeout", "edits", "old_text", "new_text", "limit", "pattern", "content",
        "context", "ignore_case", "x"]
SCALARS = (st.none() | st.booleans() | st.integers(-2, 3) | st.sampled_from([0.0, 1.0, 2.5])
           | st.sampled_from(["", "a", "ab"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=2)
                      | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3), max_leaves=4)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SCHEMAS)), st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4))
def test_what_the_quick_check_accepts_jsonschema_accepts(name, args):
    if _surely_valid(SCHEMAS[name], args):
        assert Draft202012Validator(SCHEMAS[name]).is_valid(args), (name, args)


def test_a_bad_call_still_gets_jsonschemas_message():
    assert validate_args(SCHEMAS["bash"], {"command": "ls", "timeout": 0}) == \
        "argument 'timeout' must be >= 1, got 0"


def test_well_formed_builtin_calls_do_not_import_jsonschema():
    calls = [("bash", {"command": "echo hi", "timeout": 5}), ("read", {"path": "a.py", "offset": 1}),
             ("edit", {"path": "a", "edits": [{"old_text": "x", "new_text": ""}]}),
             ("grep", {"pattern": "def", "ignore_case": True, "context": 0})]
    code = (f"import json, sys\nfrom zot.tools import builtin_tools, validate_args\n"
            f"tools = {{t.name: t.parameters for t in builtin_tools()}}\n"
            f"results = [validate_args(tools[n], a) for n, a in {calls!r}]\n"
            f"print(json.dumps([results, 'jsonschema' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         env=dict(os.environ), timeout=60)
    assert json.loads(out.stdout) == [[None, None, None, None], False], out.stderr
