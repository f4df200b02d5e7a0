"""The models zot knows by name: litellm's bundled map (never fetched), as PROVIDER/NAME.

Used by `zot --list-models`, `/model` completion and rpc `get_models`. The map is read as data
(`zot.llm.prices`), so none of them imports litellm; `load` is kept for callers that passed
`load=False` when reading it needed litellm.
"""
from __future__ import annotations

from typing import Any

_entries: dict[str, dict[str, Any]] | None = None


def _map(load: bool = True) -> dict[str, dict[str, Any]]:
    global _entries
    from zot.llm import prices

    if _entries is None:
        found: dict[str, dict[str, Any]] = {}
        for name, info in prices.entries().items():
            provider = info.get("litellm_provider") if isinstance(info, dict) else None
            if not provider or name == "sample_spec":
                continue
            found[name if name.startswith(f"{provider}/") else f"{provider}/{name}"] = info
        _entries = dict(sorted(found.items()))
    return _entries or {}


def known_models(load: bool = True) -> list[str]:
    return list(_map(load))


def split_model(model: str) -> tuple[str, str]:
    """`openai/gpt-5` -> (`openai`, `gpt-5`): the Go zot's provider and model fields."""
    provider, _, name = model.partition("/")
    return (provider, name) if name else ("", model)


def provider_models(provider: str) -> list[dict[str, Any]]:
    """The Go zot's `get_models` entries for one provider's chat models (all providers' when
    `provider` is empty)."""
    out = []
    for full, info in _map(True).items():
        owner, name = split_model(full)
        if (provider and owner != provider) or info.get("mode", "chat") not in ("chat", "responses"):
            continue
        window = info.get("max_input_tokens") or info.get("max_tokens")
        out.append({"id": name, "provider": owner, "context_window": int(window or 0),
                    "max_output": int(info.get("max_output_tokens") or 0),
                    "reasoning": bool(info.get("supports_reasoning"))})
    return out
