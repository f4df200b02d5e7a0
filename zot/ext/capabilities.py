"""What an extension can do, in a form a person can judge and a program can compare.

A `Summary` lists one extension's capabilities: the script it starts, every program a `run`
starts and every host an `http` calls (in tools, commands, hooks and widgets), each MCP server
(the command it runs or the URL it calls, and the environment variables it is given), its tools,
commands and widgets, the rules that relax (allow, rewrite) and restrict (deny, confirm,
redact), system prompt fragments, params, and for a settings file what it sets (the model, the
API base, extensions turned on or off). `diff(old, new)` says what was added, removed or changed
between two sets of summaries; `render` and `Diff.lines` print them with control characters
escaped, so a name cannot rewrite the terminal it is shown on.

Used by trust (`zot trust`, `/trust`, the notice when trust is missing) and meant for anything
else that asks a person to accept an extension (recipe packs, MCP servers). Plain data in, plain
data out: nothing here runs, parses files or reads settings.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# kind -> how a line about it starts, in the order lines are shown
KINDS: dict[str, str] = {
    "script": "runs script", "mcp": "MCP server", "run": "runs", "http": "calls", "tool": "tool", "command": "command",
    "widget": "widget", "renderer": "renderer", "key": "key", "hook": "hook", "relax": "relaxes", "restrict": "restricts", "prompt": "prompt",
    "param": "param", "setting": "setting",
}
RELAXING = frozenset({"allow", "rewrite"})
RESTRICTING = frozenset({"deny", "confirm"})


@dataclass(frozen=True, order=True)
class Capability:
    """One thing an extension can do. `key` identifies it within its extension across versions
    (`tool fetch`, `guard no-rm`); `detail` is what it does (an argv, a host, an action)."""

    kind: str
    key: str
    detail: str = ""

    def line(self) -> str:
        if self.kind in ("tool", "command", "widget", "renderer", "key", "param", "setting") or not self.detail:
            shown = self.key + (f": {self.detail}" if self.detail else "")
            return escape(shown if self.kind != "setting" else self.detail)
        shown = f"{KINDS.get(self.kind, self.kind)} {self.detail}"
        if self.key != "script":
            shown += f" ({self.key})"
        return escape(shown)


@dataclass(frozen=True)
class Summary:
    name: str
    items: tuple[Capability, ...] = ()

    def to_json(self) -> list[list[str]]:
        return [[c.kind, c.key, c.detail] for c in self.items]

    @classmethod
    def from_json(cls, name: str, value: Any) -> "Summary":
        items = [Capability(*map(str, row)) for row in value or [] if isinstance(row, list) and len(row) == 3]
        return cls(name, tuple(sorted(items)))

    def of(self, *kinds: str) -> list[Capability]:
        return [c for c in self.items if c.kind in kinds]


Summaries = dict[str, Summary]


@dataclass
class Diff:
    added: list[tuple[str, Capability]] = field(default_factory=list)
    removed: list[tuple[str, Capability]] = field(default_factory=list)
    changed: list[tuple[str, Capability, Capability]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        out = [f"+ {escape(name)}: {c.line()}" for name, c in self.added]
        out += [f"~ {escape(name)}: {new.line()} (was: {escape(old.detail)})" for name, old, new in self.changed]
        out += [f"- {escape(name)}: {c.line()}" for name, c in self.removed]
        return out

    def short(self, limit: int = 4) -> str:
        """The most telling changes in one phrase: what can run or widen first."""
        order = list(KINDS)
        ranked = sorted([(order.index(c.kind), "new " + c.line()) for _, c in self.added] +
                        [(order.index(n.kind), "changed " + n.line()) for _, _, n in self.changed] +
                        [(len(order), "removed " + c.line()) for _, c in self.removed])
        shown = [text for _, text in ranked[:limit]]
        return ", ".join(shown) + (f" and {len(ranked) - limit} more" if len(ranked) > limit else "")


def escape(text: str) -> str:
    """Control and format characters (escape sequences, bidi overrides) shown as `\\xNN`/`\\uNNNN`."""
    out = []
    for ch in str(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(json.dumps(ch)[1:-1] if ch in "\n\t\r" else
                       (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"))
        else:
            out.append(ch)
    return "".join(out)


def _argv(run: dict) -> str:
    return " ".join(str(a) for a in run.get("argv") or [])


def _host(spec: dict) -> str:
    url = str(spec.get("url", ""))
    netloc = urlsplit(url).netloc
    return url if not netloc or "{{" in netloc else netloc   # a host chosen at run time: the template


def _mcp(server: dict) -> str:
    """`npx -y pkg; env GITHUB_TOKEN` or `https://host/mcp; headers Authorization from TOKEN`."""
    import re

    if server.get("url"):
        shown = str(server["url"])
        sources = [f"{name} from {', '.join(re.findall(r'[$][{]([A-Za-z0-9_]+)[}]', str(value)))}"
                   for name, value in (server.get("headers") or {}).items() if "${" in str(value)]
        return shown + (f"; headers {', '.join(sources)}" if sources else "")
    shown = " ".join(map(str, server.get("command") or []))
    names = [str(e).split("=", 1)[0] for e in server.get("env") or []]
    return shown + (f"; env {', '.join(names)}" if names else "")


def _actions(where: str, node: Any) -> list[Capability]:
    """run / http of one tool, command, hook or widget."""
    if not isinstance(node, dict):
        return []
    out = []
    if isinstance(node.get("run"), dict):
        out.append(Capability("run", where, _argv(node["run"])))
    if isinstance(node.get("http"), dict):
        out.append(Capability("http", where, _host(node["http"])))
    return out


def summarize(name: str, data: dict) -> Summary:
    """The capabilities of one manifest's data (an extension.yaml, or an extension.json turned
    into the same shape)."""
    items: list[Capability] = []
    script = data.get("script")
    if isinstance(script, dict) and script.get("exec"):
        items.append(Capability("script", "script", " ".join(map(str, [script["exec"], *(script.get("args") or [])]))))
    for key, server in (data.get("mcp") or {}).items():
        items.append(Capability("mcp", f"mcp {key}", _mcp(server if isinstance(server, dict) else {})))
    for section, kind in (("tools", "tool"), ("commands", "command"), ("widgets", "widget")):
        for key, node in (data.get(section) or {}).items():
            items.append(Capability(kind, f"{kind} {key}", str((node or {}).get("description", ""))[:80]
                                    if kind != "widget" else ""))
            items += _actions(f"{kind} {key}", node)
    for key, node in (data.get("guards") or {}).items():
        node = node if isinstance(node, dict) else {}
        action = str(node.get("action", ""))
        tools = node.get("tool")
        tools = ",".join(map(str, tools)) if isinstance(tools, list) else str(tools)
        kind = "relax" if action in RELAXING else "restrict" if action in RESTRICTING else "hook"
        items.append(Capability(kind, f"guard {key}", f"{action} {tools}"))
    for i, hook in enumerate(data.get("hooks") or []):
        items += _hook(f"hook {i + 1}", hook if isinstance(hook, dict) else {})
    for tool in data.get("renderers") or {}:
        items.append(Capability("renderer", f"renderer {tool}", "changes how its calls are shown"))
    for name, node in (data.get("keybindings") or {}).items():
        node = node if isinstance(node, dict) else {}
        what = next((f"{k} {node[k]}" for k in ("command", "insert", "submit") if k in node), "")
        items.append(Capability("key", f"key {name}", _first_line(what)))
    prompts = data.get("prompts") if isinstance(data.get("prompts"), dict) else {}
    for i, fragment in enumerate(prompts.get("system") or []):
        text = fragment.get("text", fragment) if isinstance(fragment, dict) else fragment
        items.append(Capability("prompt", f"prompt {i + 1}", _first_line(text)))
    for path in prompts.get("context_files") or []:
        items.append(Capability("prompt", f"context {path}", f"reads {path} into the context"))
    for key, spec in (data.get("params") or {}).items():
        default = spec.get("default") if isinstance(spec, dict) else None
        items.append(Capability("param", f"param {key}", json.dumps(default, default=str)[:60]))
    return Summary(name, tuple(sorted(set(items))))


def _hook(where: str, hook: dict) -> list[Capability]:
    event = hook.get("on")
    if "system" in hook:
        return [Capability("prompt", where, ("replaces the system prompt: " if hook.get("replace") is True else "")
                           + _first_line(hook["system"]))]
    if "send" in hook:
        return [Capability("hook", where, f"on {event} sends the model a message: {_first_line(hook['send'])}")]
    if "redact" in hook:
        return [Capability("restrict", where, f"redacts {len(hook['redact'] or [])} pattern(s) on {event}")]
    if isinstance(hook.get("log"), dict) or "log" in hook:
        spec = hook["log"] if isinstance(hook["log"], dict) else {}
        return [Capability("hook", where, f"on {event} writes {spec.get('file', 'its log')}")]
    out = _actions(where, hook)
    return out or [Capability("hook", where, f"on {event}: {', '.join(str(k) for k in hook if k not in ('on', 'tool'))}")]


def _first_line(text: Any) -> str:
    lines = str(text).strip().splitlines()
    return (lines[0][:80] + ("..." if len(lines) > 1 or len(lines[0]) > 80 else "")) if lines else ""


def summarize_settings(data: dict, protected: frozenset[str] = frozenset()) -> Summary:
    """What a settings file changes. Turning off an extension in `protected` (the shipped
    restrictive ones) reads `turns off NAME`."""
    items: list[Capability] = []
    for key, what in (("model", "chooses the model"), ("api_base", "sends requests to"),
                      ("api_key", "sets an API key")):
        if key in data:
            value = "(hidden)" if key == "api_key" else str(data[key])
            items.append(Capability("setting", key, f"{what} {value}"))
    for name, entry in (data.get("extensions") or {}).items():
        if not isinstance(entry, dict):
            continue
        if "enabled" in entry:
            off = entry["enabled"] is False
            warn = " (ignored: only your own settings can turn it off)" if off and name in protected else ""
            items.append(Capability("setting", f"enabled {name}", f"turns {'off' if off else 'on'} {name}{warn}"))
        if isinstance(entry.get("params"), dict):
            items.append(Capability("setting", f"params {name}",
                                    f"sets params of {name}: {', '.join(map(str, entry['params']))}"))
    return Summary("settings", tuple(sorted(items)))


def diff(old: Summaries, new: Summaries) -> Diff:
    """Capabilities added, removed or changed (same extension, kind and key; other detail)."""
    out = Diff()
    for name in sorted(set(old) | set(new)):
        before = {(c.kind, c.key): c for c in (old.get(name) or Summary(name)).items}
        after = {(c.kind, c.key): c for c in (new.get(name) or Summary(name)).items}
        out.added += [(name, after[k]) for k in sorted(set(after) - set(before))]
        out.removed += [(name, before[k]) for k in sorted(set(before) - set(after))]
        out.changed += [(name, before[k], after[k]) for k in sorted(set(before) & set(after))
                        if before[k] != after[k]]
    return out


def render(summaries: Summaries) -> list[str]:
    """Every capability, grouped by extension: what a trust prompt lists the first time."""
    out = []
    for name in sorted(summaries):
        summary = summaries[name]
        out.append(f"{'settings' if name == 'settings' else 'extension ' + escape(name)}:")
        order = list(KINDS)
        for item in sorted(summary.items, key=lambda c: (order.index(c.kind) if c.kind in order else 99, c.key)):
            out.append("  " + item.line())
        if not summary.items:
            out.append("  (nothing that runs or changes behaviour)")
    return out


def to_json(summaries: Summaries) -> dict[str, list[list[str]]]:
    return {name: s.to_json() for name, s in summaries.items()}


def from_json(value: Any) -> Summaries:
    return {str(k): Summary.from_json(str(k), v) for k, v in (value or {}).items()} if isinstance(value, dict) else {}
