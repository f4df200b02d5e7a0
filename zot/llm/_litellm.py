"""The one place that imports litellm: lazily, offline and quietly.

Importing litellm takes seconds, so `import zot.llm` must not do it (the REPL paints first and
calls `preload()`). litellm would otherwise fetch its model price map from the internet, print
"Give Feedback" banners, log through its own stderr handlers and send telemetry; all of that is
switched off here, once, before anyone else touches it.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from types import ModuleType

_lock = threading.Lock()
_module: ModuleType | None = None

_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm")


def load() -> ModuleType:
    """Import and configure litellm (once, thread-safe) and return the module."""
    global _module
    if _module is not None:
        return _module
    with _lock:
        if _module is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm

            _quiet(litellm)
            _module = litellm
    return _module


def is_loaded() -> bool:
    """True once `load()` has finished configuring litellm."""
    return _module is not None


def imported() -> bool:
    """True if litellm is in `sys.modules` at all (used by the lazy-import test)."""
    return "litellm" in sys.modules


def _quiet(litellm: ModuleType) -> None:
    """No prints, no telemetry, no callbacks, no downloads, only real errors in the logs."""
    settings = {
        "suppress_debug_info": True,
        "set_verbose": False,
        "telemetry": False,
        "turn_off_message_logging": True,
        "disable_hf_tokenizer_download": True,
        "callbacks": [],
        "success_callback": [],
        "failure_callback": [],
        "input_callback": [],
        "service_callback": [],
        "_async_success_callback": [],
        "_async_failure_callback": [],
        "_async_input_callback": [],
    }
    for name, value in settings.items():
        if hasattr(litellm, name):
            setattr(litellm, name, value)
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
