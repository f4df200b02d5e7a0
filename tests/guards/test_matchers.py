"""Matcher details the loop tests do not reach, decided in-process through the real loader,
engine and tool-call path: what `all`/`any`/`not` children inherit, which argument a matcher
without `arg` reads, and paths that file tools take as written.
"""
from __future__ import annotations

import json
import os

import pytest

from tests.guards.harness import decide, load, write_extension

CASES = [
    # (name, tool(s), when, call tool, call args, decision)
    ("arg-inherited-by-any", "write", {"arg": "path", "any": [{"regex": r"\.env$"}, {"glob": "*.pem"}]},
     "write", {"path": "prod.env", "content": "x"}, "deny"),
    ("arg-inherited-not-content", "write", {"arg": "path", "any": [{"regex": r"\.env$"}]},
     "write", {"path": "notes.txt", "content": "prod.env"}, "allow"),
    ("arg-inherited-by-not", "write", {"arg": "path", "not": {"glob": "*.md"}},
     "write", {"path": "a.txt", "content": "x"}, "deny"),
    ("arg-inherited-by-not-miss", "write", {"arg": "path", "not": {"glob": "*.md"}},
     "write", {"path": "a.md", "content": "x"}, "allow"),
    ("own-arg-wins", "write", {"arg": "path", "all": [{"arg": "content", "contains": "TODO"}, {"glob": "*.py"}]},
     "write", {"path": "a.py", "content": "# TODO"}, "deny"),
    ("ignore-case-inherited-by-all", "bash", {"ignore_case": True, "all": [{"contains": "push"}, {"regex": "force"}]},
     "bash", {"command": "git PUSH --FORCE"}, "deny"),
    ("ignore-case-inherited-by-not", "bash", {"ignore_case": True, "all": [{"contains": "push"},
                                                                          {"not": {"contains": "dry"}}]},
     "bash", {"command": "git push --DRY-run"}, "allow"),
    ("write-reads-path", "write", {"regex": r"\.env$"}, "write", {"path": ".env", "content": "x"}, "deny"),
    ("write-not-content", "write", {"regex": r"\.env$"}, "write", {"path": "a.txt", "content": "x.env"}, "allow"),
    ("edit-reads-path", "edit", {"glob": "*.lock"}, "edit", {"path": "uv.lock", "edits": []}, "deny"),
    ("per-tool-bash", ["bash", "write"], {"contains": "secret"}, "bash", {"command": "cat secret"}, "deny"),
    ("per-tool-write", ["bash", "write"], {"contains": "secret"}, "write", {"path": "secret.txt", "content": "x"},
     "deny"),
    ("per-tool-write-content", ["bash", "write"], {"contains": "secret"}, "write",
     {"path": "a.txt", "content": "secret"}, "allow"),
    ("glob-tool-default", "*", {"contains": "secret"}, "read", {"path": "secret.txt"}, "deny"),
    ("write-dollar-is-literal", "write", {"path": {"match": ["~/**"]}}, "write",
     {"path": "$HOME/x.txt", "content": "x"}, "allow"),
    ("write-tilde-expands", "write", {"path": {"match": ["~/**"]}}, "write", {"path": "~/x.txt", "content": "x"},
     "deny"),
    ("shell-dollar-expands", "bash", {"path": {"match": ["~/**"]}}, "bash", {"command": "echo x > $HOME/x.txt"},
     "deny"),
    ("shell-unknown-fails-closed", "bash", {"path": {"match": ["conf/**"]}}, "bash",
     {"command": "echo x > $(pwd)/conf/x"}, "deny"),
    ("write-dotdot-as-written", "write", {"path": {"match": ["conf/**"]}}, "write",
     {"path": "link/../conf/app.ini", "content": "x"}, "deny"),
]


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    (root / "conf").mkdir()
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere" / "deep", root / "link")   # link/.. is `elsewhere`, not the project
    return root


@pytest.mark.parametrize("name, tools, when, tool, args, expected", CASES, ids=[c[0] for c in CASES])
def test_matcher_reads_the_right_value(tmp_path, project, name, tools, when, tool, args, expected):
    folder = write_extension(tmp_path / "ext", f"""
        guards:
          rule:
            tool: {json.dumps(tools)}
            when: {json.dumps(when)}
            action: deny
            reason: matched
    """)
    decision, _ = decide(load(folder, project).hooks, tool, args, project)
    assert decision.decision == expected, decision.verdicts

