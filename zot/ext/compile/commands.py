"""compile_commands: `commands:` entries become slash commands.

Arguments are positional words with shell-style quoting; declared args may be required, have
defaults and enums (offered as completions). `/ext:cmd` always works; the bare `/cmd` works when
no built-in or other extension has that name.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.ext import templates
from zot.ext.compile.context import ExtCtx, template_facts
from zot.ext.runner import run_exec

ACTIONS = ("prompt", "insert", "display", "notify", "run", "block", "overlay")
FOLLOW_UPS = ("prompt", "insert", "command", "display")     # what an overlay's button may do


class UsageError(Exception):
    """Bad arguments to a command: the message includes the usage line."""


@dataclass
class Outcome:
    action: str                 # prompt | insert | display | notify | block | overlay | error
    text: str
    is_error: bool = False
    status: str = ""            # with a failed `run`: why, e.g. "exit code 3"
    block: dict | None = None   # block: {format, style, subtitle}; overlay: {title, format, width, style, actions}


@dataclass
class Command:
    name: str
    ext: ExtCtx
    description: str
    args: list[dict] = field(default_factory=list)
    node: dict = field(default_factory=dict)

    @property
    def qualified(self) -> str:
        return f"{self.ext.name}:{self.name}"

    @property
    def action(self) -> str:
        return next(a for a in ACTIONS if a in self.node)

    def usage(self) -> str:
        words = []
        for arg in self.args:
            label = arg["name"] + ("..." if arg.get("rest") else "")
            if arg.get("enum"):
                label = "|".join(arg["enum"])
            words.append(f"<{label}>" if arg.get("required") else f"[{label}]")
        return " ".join([f"/{self.name}", *words])

    def completions(self, position: int) -> list[str]:
        if position < len(self.args):
            return list(self.args[position].get("enum") or [])
        return []

    def parse(self, text: str) -> dict[str, Any]:
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise UsageError(f"{exc}; usage: {self.usage()}") from exc
        values: dict[str, Any] = {}
        for i, arg in enumerate(self.args):
            name = arg["name"]
            if arg.get("rest"):
                value: Any = " ".join(words[i:]) if i < len(words) else None
                words = words[:i]
            else:
                value = words[i] if i < len(words) else None
            if value is None or value == "":
                if arg.get("required"):
                    raise UsageError(f"missing argument <{name}>; usage: {self.usage()}")
                value = arg.get("default", "")
            elif arg.get("enum") and value not in arg["enum"]:
                raise UsageError(f"<{name}> must be one of {', '.join(arg['enum'])}, not {value!r}; "
                                 f"usage: {self.usage()}")
            values[name] = value
        extra = len(words) - len(self.args)
        if extra > 0 and not any(a.get("rest") for a in self.args):
            raise UsageError(f"too many arguments ({' '.join(words[len(self.args):])}); usage: {self.usage()}")
        return values

    async def invoke(self, text: str, cwd: Path, facts: dict[str, Any] | None = None) -> Outcome:
        """Never raises: usage and template errors are an `error` outcome."""
        try:
            args = self.parse(text)
        except UsageError as exc:
            return Outcome("error", str(exc), True)
        facts = facts or {}
        context = {**template_facts(cwd, self.ext.project, facts.get("model", ""), self.ext,
                                    facts.get("session")), "args": args}
        try:
            return await self._run(context)
        except Exception as exc:
            return Outcome("error", f"/{self.qualified} failed: {exc}", True)

    async def _run(self, context: dict[str, Any]) -> Outcome:
        action = self.action
        body = self.node[action]
        if action == "run":
            result = await run_exec(body, context, self.ext.project)   # `cwd:` is project-relative
            if self.node.get("output"):
                text = templates.render(self.node["output"], {**context, **result.facts()})
            else:
                text = (result.stdout + result.stderr).rstrip() or ("" if result.failed else f"[{result.summary()}]")
            return Outcome("display", text, result.failed, result.summary() if result.failed else "")
        if action == "prompt" and isinstance(body, dict):
            body = (self.ext.data.get("prompts") or {}).get("templates", {})[body["template"]]
        if action in ("block", "overlay"):
            return _styled(action, body, context)
        return Outcome(action, templates.render(body, context))


def _styled(action: str, body: dict, context: dict[str, Any]) -> Outcome:
    """A `block:` or `overlay:` with its templates rendered (an overlay's buttons too)."""
    render = lambda key: templates.render(body[key], context) if isinstance(body.get(key), str) else ""  # noqa: E731
    if action == "block":
        return Outcome("block", render("text"), block={"format": body.get("format", "text"),
                                                       "style": dict(body.get("style") or {}),
                                                       "subtitle": render("subtitle")})
    actions = []
    for item in body.get("actions") or []:
        item = {"label": item} if isinstance(item, str) else item
        actions.append({"label": str(item["label"]),
                        **{k: templates.render(item[k], context) for k in FOLLOW_UPS if isinstance(item.get(k), str)}})
    return Outcome("overlay", render("text"), block={"title": render("title"), "format": body.get("format", "markdown"),
                                                     "width": body.get("width"), "style": dict(body.get("style") or {}),
                                                     "actions": actions})


def compile_command(name: str, node: dict, ext: ExtCtx) -> Command:
    return Command(name, ext, node.get("description", ""), list(node.get("args") or []), node)


def compile_commands(section: dict, ext: ExtCtx) -> list[Command]:
    return [compile_command(name, node, ext) for name, node in (section or {}).items()]


@dataclass
class CommandTable:
    """Every extension command by `/ext:name`, and by bare name when that is unambiguous."""

    qualified: dict[str, Command] = field(default_factory=dict)
    bare: dict[str, Command] = field(default_factory=dict)
    clashes: list[str] = field(default_factory=list)
    builtin: set[str] = field(default_factory=set)

    def add_all(self, commands: list, builtin: set[str] | None = None) -> None:
        """Add commands (a manifest's, or a script's when it is ready) and work out the bare names
        again over all of them. Anything with `name`, `ext.name`, `qualified` and `invoke` is a
        command here."""
        if builtin is not None:
            self.builtin = set(builtin)
        self._index([*self.qualified.values(), *commands])

    def withdraw(self, owner: Any) -> None:
        """Remove the commands whose `ext` is `owner` (a script that failed; its manifest's own
        commands have another owner and stay)."""
        self._index([c for c in self.qualified.values() if c.ext is not owner])

    def _index(self, commands: list) -> None:
        self.qualified, self.bare, self.clashes = {}, {}, []
        builtin = self.builtin
        owners: dict[str, list[Command]] = {}
        for cmd in commands:
            self.qualified[cmd.qualified] = cmd
        for cmd in self.qualified.values():
            owners.setdefault(cmd.name, []).append(cmd)
        for name, cmds in owners.items():
            if name in builtin:
                self.clashes.append(f"/{name} is a built-in command; use /{cmds[0].qualified}")
            elif len(cmds) > 1:
                self.clashes.append(f"/{name} is declared by " + " and ".join(c.ext.name for c in cmds)
                                    + "; use " + " or ".join(f"/{c.qualified}" for c in cmds))
            else:
                self.bare[name] = cmds[0]

    def find(self, word: str) -> Command | None:
        word = word.lstrip("/")
        return self.qualified.get(word) or self.bare.get(word)
