"""Polarity-aware trust: from an untrusted or changed project, what can only make the agent
stricter applies at once; what can run, widen or change behaviour waits for trust.

| applies untrusted (restrictive)                     | waits for trust                                   |
|-----------------------------------------------------|---------------------------------------------------|
| guards with `action: deny` or `confirm`             | guards with `allow`, `rewrite`, `warn`            |
| hooks that only `redact` (tool_result, message_end) | every other hook (`run`, `log`, `notify`, `block`, `system`, `transform`, `append`, `truncate`) |
|                                                     | scripts, MCP servers, tools, commands, widgets, prompts, settings |
|                                                     | `renderers` and `keybindings` (they change what you see and what a key does) |

Restrictive rules are compiled by the same engine (matchers compiled, regexes and expressions
under their usual limits); nothing is started or run. A project that changed after it was
trusted also keeps the restrictive rules of the version the user trusted (`trusted_rules`), so an
edit can add restrictions but never remove one before the user trusts it again.
"""
from __future__ import annotations

from typing import Any, Callable

RESTRICTIVE_ACTIONS = frozenset({"deny", "confirm"})
OTHER_HOOK_ACTIONS = ("run", "log", "notify", "block", "system", "transform", "append", "truncate", "http",
                      "send")


def restrictive_guard(node: Any) -> bool:
    return isinstance(node, dict) and node.get("action") in RESTRICTIVE_ACTIONS


def restrictive_hook(node: Any) -> bool:
    return isinstance(node, dict) and "redact" in node and not any(k in node for k in OTHER_HOOK_ACTIONS)


def has_restrictive(data: dict) -> bool:
    return any(restrictive_guard(n) for n in (data.get("guards") or {}).values()) or \
        any(restrictive_hook(h) for h in data.get("hooks") or [])


Keep = Callable[[str, Any], bool]     # (section, guard name or hook index) -> keep it


def restrict(compiled, keep: Keep | None = None):
    """Only the restrictive handlers of a compiled extension; `keep` narrows them further."""
    from zot.ext.compile.guards import GuardRule
    from zot.ext.compile.hooks import ResultHook, TextHook

    def wanted(section: str, key: Any) -> bool:
        return keep is None or keep(section, key)

    guards = [r for r in compiled.handlers.get("guards", [])
              if isinstance(r, GuardRule) and r.action in RESTRICTIVE_ACTIONS and wanted("guards", r.name)]
    hooks = [h for h in compiled.handlers.get("hooks", [])
             if isinstance(h, (ResultHook, TextHook)) and restrictive_hook(h.node) and wanted("hooks", h.index)]
    compiled.handlers = {"guards": guards, "hooks": hooks}
    compiled.restricted = True
    return compiled


def trusted_rules(old: dict, current: dict | None) -> Keep:
    """Keep an old (trusted) guard or redact hook unless the current version has it exactly."""
    now_guards = (current or {}).get("guards") or {}
    now_hooks = [h for h in (current or {}).get("hooks") or [] if restrictive_hook(h)]
    old_guards = old.get("guards") or {}
    old_hooks = old.get("hooks") or []

    def keep(section: str, key: Any) -> bool:
        if section == "guards":
            return now_guards.get(key) != old_guards.get(key)
        if section == "hooks" and isinstance(key, int) and key < len(old_hooks):
            return old_hooks[key] not in now_hooks
        return False
    return keep
