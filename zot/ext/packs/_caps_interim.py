"""INTERIM, to be replaced by zot.ext.capabilities (issue 10) and deleted: a stand-in capability
summary with the same three entry points, so the sharing code can be built and tested."""
from __future__ import annotations

from typing import Any


def _escape(text: str) -> str:
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))


def summarize(data: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in ("scripts", "runs", "http", "relaxes", "restricts", "system",
                                                 "params")}
    script = data.get("script")
    if isinstance(script, dict):
        out["scripts"].append(" ".join(map(str, [script.get("exec"), *(script.get("args") or [])])))
    for section in ("commands", "tools", "widgets"):
        for key, item in (data.get(section) or {}).items():
            if isinstance(item, dict) and isinstance(item.get("run"), dict):
                out["runs"].append(f"{section[:-1]} {key}: " + " ".join(map(str, item["run"].get("argv", []))))
            if isinstance(item, dict) and isinstance(item.get("http"), dict):
                out["http"].append(f"{section[:-1]} {key}: {item['http'].get('url')}")
    for key, guard in (data.get("guards") or {}).items():
        if isinstance(guard, dict):
            kind = "relaxes" if guard.get("action") in ("allow", "rewrite") else "restricts"
            out[kind].append(f"{guard.get('action')} {key}")
    for hook in data.get("hooks") or []:
        if isinstance(hook, dict) and hook.get("system"):
            out["system"].append(str(hook["system"]))
        if isinstance(hook, dict) and hook.get("redact"):
            out["restricts"].append("redact")
    out["params"] = sorted((data.get("params") or {}))
    return {k: sorted(set(map(str, v))) for k, v in out.items() if v}


def render(summary: dict[str, list[str]]) -> list[str]:
    return [f"{key}: {_escape(item)}" for key, items in summary.items() for item in items] or ["nothing to run"]


def diff(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        before, after = set(old.get(key, [])), set(new.get(key, []))
        out += [f"+ {key}: {_escape(x)}" for x in sorted(after - before)]
        out += [f"- {key}: {_escape(x)}" for x in sorted(before - after)]
    return out
