"""Model facts from litellm's bundled map, and adding up usage."""
from __future__ import annotations

import pytest

from zot.llm import ModelInfo, Usage, model_info


@pytest.mark.parametrize("model,window,input_cost,output_cost", [
    ("gpt-4o", 128000, 2.5e-06, 1e-05),
    ("openai/gpt-4o", 128000, 2.5e-06, 1e-05),
    ("anthropic/claude-sonnet-4-5", 200000, 3e-06, 1.5e-05),
])
def test_known_models(model, window, input_cost, output_cost):
    info = model_info(model)
    assert (info.context_window, info.input_cost_per_token, info.output_cost_per_token) == (
        window, input_cost, output_cost)


@pytest.mark.parametrize("model", ["openai/fake-model", "no-such-model", "ollama/llama3", ""])
def test_unknown_models_give_none_fields(model):
    assert model_info(model) == ModelInfo()


@pytest.mark.parametrize("a,b,total", [
    (Usage(10, 2, 5, 1, 0.5), Usage(1, 1, 0, 0, 0.25), Usage(11, 3, 5, 1, 0.75)),
    (Usage(10, 2, cost=None), Usage(1, 1, cost=0.25), Usage(11, 3, cost=0.25)),
    (Usage(10, 2, cost=None), Usage(1, 1, cost=None), Usage(11, 3, cost=None)),
    (Usage(), Usage(), Usage()),
])
def test_usage_adds_up(a, b, total):
    assert a + b == total


def test_sum_of_usages():
    assert sum([Usage(1, 1), Usage(2, 2)], Usage()) == Usage(3, 3)
