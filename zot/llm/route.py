"""Which way a model's requests go: zot's lean wire or litellm.

The lean wire (`zot.llm.wire`) speaks two protocols itself, with httpx: OpenAI chat
completions for `openai/*` models (OpenAI itself, or any OpenAI-compatible server named by
`api_base`: vLLM, Ollama, LM Studio, OpenRouter, ...) and Anthropic's Messages API for
`anthropic/*` models. Every other provider goes through litellm, which is imported only then.
`ZOT_LLM=litellm` (or `llm_backend: litellm` in the settings, `ModelConfig.backend`) sends every
model through litellm, for a provider quirk zot's wire does not know.
"""
from __future__ import annotations

import os

from zot.llm.config import ModelConfig

__all__ = ["BACKENDS", "LEAN", "backend", "provider_of"]

#: Providers the lean wire speaks to, by the litellm prefix of the model string.
LEAN = ("openai", "anthropic")
#: What `ZOT_LLM` and `llm_backend` accept.
BACKENDS = ("auto", "lean", "litellm")


def provider_of(model: str) -> str:
    """The litellm provider prefix of `model` (`openai` for `openai/gpt-4o`), '' without one."""
    prefix, sep, _ = model.partition("/")
    return prefix if sep else ""


def backend(cfg: ModelConfig) -> str:
    """`"openai"`, `"anthropic"` (the lean wire's two protocols) or `"litellm"`.

    `cfg.backend` wins over `ZOT_LLM`; either set to `litellm` forces litellm. `lean` and `auto`
    both mean: lean where zot speaks the protocol, litellm elsewhere.
    """
    choice = (cfg.backend or os.environ.get("ZOT_LLM") or "auto").strip().lower()
    if choice == "litellm":
        return "litellm"
    provider = provider_of(cfg.model)
    return provider if provider in LEAN else "litellm"
