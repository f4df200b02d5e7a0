"""Fixtures of the pseudo-terminal tests: the local model, a project folder, and the terminals
a test started (closed at its end)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakellm import FakeLLMServer
from tests.ui.term import Term, project


@pytest.fixture
def server():
    with FakeLLMServer() as s:
        yield s


@pytest.fixture
def proj(tmp_path) -> Path:
    return project(tmp_path)


@pytest.fixture
def terms():
    started: list[Term] = []
    yield started
    for term in started:
        term.close()
