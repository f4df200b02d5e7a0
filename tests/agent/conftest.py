"""A harness for driving `run_agent` in-process against the local fake model server.

    def test_x(agent):
        agent.server.enqueue(text("hi"))
        end, events = agent.run("hello")

`agent.state(...)` builds an `AgentState` over the built-in tools in a fresh git project
(`agent.project`); `agent.run` runs one prompt on a fresh event loop and returns the final
`agent_end` event and every event emitted, in order.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.fakellm import FakeLLMServer, llm_server  # noqa: F401 - the fixture is used by name
from zot.agent import events as ev
from zot.agent.loop import AgentState, run_agent
from zot.llm import ModelConfig
from zot.tools import builtin_tools


class Harness:
    def __init__(self, server: FakeLLMServer, project: Path, outputs: Path) -> None:
        self.server = server
        self.project = project
        self.outputs = outputs

    def model(self, **kw: Any) -> ModelConfig:
        kw.setdefault("idle_timeout", 10.0)
        kw.setdefault("retry_base_delay", 0.01)
        return ModelConfig("openai/fake", api_base=self.server.url, api_key="test", **kw)

    def state(self, model: ModelConfig | None = None, **kw: Any) -> AgentState:
        kw.setdefault("cwd", self.project)
        kw.setdefault("project_root", self.project)
        kw.setdefault("output_dir", self.outputs)
        return AgentState(model=model or self.model(), tools={t.name: t for t in builtin_tools()}, **kw)

    def run(self, prompt: str, state: AgentState | None = None, cancel_after: float | None = None,
            cancel_when: Callable[[], bool] = lambda: True, timeout: float = 30.0) -> tuple[ev.AgentEnd, list[Any]]:
        """Run one prompt. `cancel_after` sets the cancel Event from another task that many seconds
        after `cancel_when()` first holds (polled), as a user pressing Ctrl-C would."""
        state = state or self.state()
        events: list[Any] = []

        async def press_cancel(cancel: asyncio.Event) -> None:
            while not cancel_when():
                await asyncio.sleep(0.02)
            await asyncio.sleep(cancel_after)
            cancel.set()

        async def go() -> ev.AgentEnd:
            cancel = asyncio.Event()
            if cancel_after is not None:
                presser = asyncio.create_task(press_cancel(cancel))
            try:
                return await asyncio.wait_for(run_agent(state, prompt, events.append, cancel), timeout)
            finally:
                if cancel_after is not None:
                    presser.cancel()

        end = asyncio.run(go())
        return end, events


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    return root


@pytest.fixture
def agent(llm_server: FakeLLMServer, project: Path, tmp_path: Path) -> Harness:  # noqa: F811
    return Harness(llm_server, project, tmp_path / "outputs")


def types(events: list[Any]) -> list[str]:
    return [e.type for e in events]


def of_type(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def sent(server: FakeLLMServer, n: int) -> list[dict[str, Any]]:
    """The messages of request `n` without the system prompt."""
    messages = server.requests[n]["messages"]
    assert messages[0]["role"] == "system"
    return messages[1:]
