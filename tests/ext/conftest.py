"""Fixtures most extension tests share (a module may still define its own `project`)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder (a git repository's root) under the test's temporary folder."""
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    return root


@pytest.fixture
def zot_home() -> Path:
    """$ZOT_HOME, which the repository's conftest points at a temporary folder."""
    return Path(os.environ["ZOT_HOME"])
