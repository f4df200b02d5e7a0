from __future__ import annotations

from pathlib import Path

import pytest

from .fakehost import FakeHost

HERE = Path(__file__).resolve().parent
EXTENSIONS = HERE.parents[1] / "extensions"
KITCHEN = HERE / "scripts" / "kitchen.py"
EVERYTHING = ["ui", "kv", "register_guard", "register_widget", "intercept_tool_result",
              "intercept_input"]


@pytest.fixture
def spawn(tmp_path):
    """spawn(source_or_extension_dir, capabilities=..., start=True, **FakeHost kwargs) -> FakeHost.
    Every host is killed at the end of the test."""
    hosts = []

    def make(target: Path = KITCHEN, capabilities=EVERYTHING, start: bool = True, **kw) -> FakeHost:
        kw.setdefault("data_dir", tmp_path / "data")
        if target.is_dir():
            host = FakeHost.for_extension(target, capabilities=capabilities, **kw)
        else:
            host = FakeHost.for_source(target, capabilities=capabilities, **kw)
        hosts.append(host)
        host.spawn()
        return host.start() if start else host

    yield make
    for host in hosts:
        host.kill()
