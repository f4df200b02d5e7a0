"""What a mode asks of a session, as plain data: the command line made into options.

Kept free of heavy imports so the REPL can hold its options before the agent is imported
(the prompt paints first).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REASONING_LEVELS = ("off", "low", "medium", "high")


@dataclass
class Options:
    model: str | None = None
    api_base: str | None = None
    api_key: str | None = None
    max_steps: int | None = None
    auto_yes: bool = False
    allow_zot_writes: bool = False     # --yes also answers self-protection's confirms
    continue_session: bool = False
    session_path: str | None = None
    no_session: bool = False
    ext_paths: list[str] = field(default_factory=list)
    no_ext: bool = False
    cwd: Path | None = None
    system_prompt: str | None = None           # replaces zot's identity paragraph
    append_system_prompt: list[str] = field(default_factory=list)
    tools: list[str] | None = None             # only these tools (built-in and extension); None: all
    reasoning: str | None = None               # low | medium | high (off: not sent)
