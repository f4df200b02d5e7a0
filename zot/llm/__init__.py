"""zot's model layer: the only package that imports litellm, and only when first needed.

OpenAI-compatible and Anthropic models are spoken to directly (`zot.llm.wire`, httpx); litellm
(seconds to import) is loaded only for the other providers, by the first request or ahead of
time in a background thread by `preload(cfg)`. Prices and context windows come from litellm's
bundled map read as data (`zot.llm.prices`).

    cfg = ModelConfig("openai/gpt-4o")
    completion = await stream_chat(cfg, messages, tools, on_text=print_piece, cancel=event)
"""
from __future__ import annotations

from zot.llm.accumulate import ToolCallAccumulator, parse_arguments, split_json_objects
from zot.llm.config import ModelConfig
from zot.llm.models import ModelInfo, loaded, model_info, preload
from zot.llm.stream import stream_chat
from zot.llm.types import Completion, ErrorKind, LLMError, ToolCall, Usage

__all__ = [
    "Completion", "ErrorKind", "LLMError", "ModelConfig", "ModelInfo", "ToolCall",
    "ToolCallAccumulator", "Usage", "loaded", "model_info", "parse_arguments", "preload",
    "split_json_objects", "stream_chat",
]
