"""One home folder, project and engine for the whole safety suite (building the engine is the slow
part); every test still runs with HOME and ZOT_HOME pointing there, never at the real home."""
from __future__ import annotations

import pytest

from .engine import World, make_world


@pytest.fixture(scope="session")
def safety_world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("safety")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root / "home"))
        mp.setenv("ZOT_HOME", str(root / "home" / ".zot"))
        return make_world(root)


@pytest.fixture
def world(safety_world: World, isolated_home, monkeypatch) -> World:
    """The shared world, with HOME set to its home (after the repository's isolated_home)."""
    monkeypatch.setenv("HOME", str(safety_world.home))
    monkeypatch.setenv("ZOT_HOME", str(safety_world.home / ".zot"))
    return safety_world
