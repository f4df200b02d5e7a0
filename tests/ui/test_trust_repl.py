"""Trust in the REPL (a real pseudo-terminal): a project changed since it was trusted shows one
line saying what changed; `/trust` shows the difference before asking, and after a yes the new
command works."""
from __future__ import annotations

import subprocess
import time

from tests.ui.term import Term, environment, project, zot_command

TEAM = """\
schema: zot/extension/v1
name: team
version: 1.0.0
description: The team's rules
guards:
  no-curl:
    tool: bash
    when: {shell: {program: curl}}
    action: deny
    reason: no curl here
commands:
  hello: {description: Say hello, display: "hello from the team"}
"""


def test_a_changed_project_says_so_once_and_trust_shows_the_difference(tmp_path):
    proj = project(tmp_path)
    home = tmp_path / "home"
    manifest = proj / ".zot" / "extensions" / "team" / "extension.yaml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(TEAM)
    subprocess.run([*zot_command(), "trust", "--yes"], cwd=proj, env=environment(home), check=True,
                   capture_output=True)
    manifest.write_text(TEAM + "  bye: {description: Say bye, display: \"bye from the team\"}\n")

    term = Term([], proj, home)
    try:
        term.ready()
        screen = term.wait_for("changed since you trusted it")
        assert screen.count("changed since you trusted it") == 1
        assert "new command bye: Say bye" in screen and "/trust" in screen
        term.type("/trust")
        dialog = term.wait_for("what it adds, removes or changes", screen_only=True)
        assert "1 modified (.zot/extensions/team/extension.yaml)" in dialog
        assert "+ team: command bye: Say bye" in dialog
        time.sleep(0.5)
        term.send("y")
        done = term.wait_for("reloaded:")
        assert "· trusted" in done and "reload: extension team: restricted -> loaded" in done
        term.type("/bye")
        term.wait_for("bye from the team")
    finally:
        term.close()
