"""The system prompt the model receives: instructions files from the git root down to the cwd,
the user's own `$ZOT_HOME/AGENTS.md`, the date and the working folder."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from tests.fakellm import text


def system_of(agent, cwd: Path) -> str:
    agent.server.enqueue(text("ok"))
    agent.run("hi", agent.state(cwd=cwd))
    first = agent.server.requests[-1]["messages"][0]
    assert first["role"] == "system"
    return first["content"]


def test_instruction_files_from_the_git_root_down_to_the_cwd(agent):
    outside = agent.project.parent
    (outside / "AGENTS.md").write_text("OUTSIDE-THE-REPO must not be read")
    deep = agent.project / "pkg" / "sub"
    deep.mkdir(parents=True)
    (agent.project / "AGENTS.md").write_text("ROOT-AGENTS: run pytest -q")
    (agent.project / "CLAUDE.md").write_text("ROOT-CLAUDE: use ruff")
    (agent.project / "pkg" / "CLAUDE.md").write_text("PKG-CLAUDE: no prints")
    (deep / "AGENTS.md").write_text("SUB-AGENTS: tabs are banned")
    (agent.project / "pkg" / "other").mkdir()
    (agent.project / "pkg" / "other" / "AGENTS.md").write_text("SIBLING must not be read")
    home = Path(os.environ["ZOT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "AGENTS.md").write_text("HOME-AGENTS: answer in English")

    system = system_of(agent, deep)

    order = ["HOME-AGENTS", "ROOT-AGENTS", "ROOT-CLAUDE", "PKG-CLAUDE", "SUB-AGENTS"]
    positions = [system.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "OUTSIDE-THE-REPO" not in system and "SIBLING" not in system
    assert f"Working folder: {deep}" in system
    assert dt.date.today().isoformat() in system
    for tool in ("read", "write", "edit", "bash", "ls", "grep", "find"):
        assert f"- {tool}:" in system


def test_no_instruction_files_still_gives_date_cwd_and_tools(agent):
    system = system_of(agent, agent.project)
    assert f"Working folder: {agent.project}" in system
    assert dt.date.today().isoformat() in system
    assert "# Instructions from" not in system


def test_system_extra_fragments_are_appended(agent):
    agent.server.enqueue(text("ok"))
    agent.run("hi", agent.state(system_extra=["Always answer in haiku."]))
    assert agent.server.requests[0]["messages"][0]["content"].endswith("Always answer in haiku.")
