"""compile_guards: each `guards:` entry becomes a Guard or a Rewriter on the tool-call path.

A guard applies to the tools its `tool:` names (names or globs). Its matcher runs on the final
arguments (after every rewrite). deny/confirm guards fail closed: a matcher error applies
`on_error` (default deny), an unparsable shell line or unknown path counts as a match.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from zot.ext import regexes, templates
from zot.ext.compile.context import ExtCtx, git_facts, template_facts
from zot.ext.compile.matcher_params import render_when, templated
from zot.ext.compile.quick import quick_test
from zot.ext.facts import empty_session
from zot.ext.hooks import CallInfo, Rewrite, Source, Verdict
from zot.ext.matchers import MISSING, CompileCtx, Matcher, MatchError, Subject, compile_matcher, get_arg

FAIL_CLOSED = {"deny", "confirm"}
CALL_NAMES = frozenset({"tool", "args", "cwd", "project", "model", "date", "session"})   # not the rule's own
_NO_NOTES: tuple = ()       # no notes (`_match` gives a rule the list its matcher filled)


def tool_patterns(spec: Any) -> tuple[str, ...]:
    return (spec,) if isinstance(spec, str) else tuple(str(s) for s in spec or ())


@lru_cache(maxsize=4096)
def applies(patterns: tuple[str, ...], tool: str) -> bool:
    """Whether a guard's `tool:` names or globs cover this tool (cached: every rule asks per call)."""
    return any(fnmatch.fnmatchcase(tool, p) for p in patterns)


@lru_cache(maxsize=256)
def as_path(text: str) -> Path:
    """cwd and project as Paths, made once rather than once per rule per call (Paths are immutable)."""
    return Path(text)


def call_memo(call: CallInfo) -> dict:
    """What matchers work out about one call (resolved paths, written paths), shared by every rule
    that judges it. It lives on the CallInfo, so it ends with the call and never goes stale."""
    return _on_call(call, "_matcher_memo")


def _on_call(call: CallInfo, name: str) -> dict:
    """A dict kept on the call under `name`, made on first use (every rule of a call asks)."""
    store = getattr(call, "__dict__", None)
    if store is None:
        return {}       # no memo rather than an error
    held = store.get(name)
    if held is None:
        held = store[name] = {}
    return held


@dataclass
class Rule:
    """What guards and rewriters share: which tools, which calls, who wrote it."""

    ext: ExtCtx
    name: str
    tools: tuple[str, ...]
    matcher: Matcher | None
    priority: int
    on_error: str
    shadow: bool
    source: Source
    same_as: str | None = None     # rules whose matchers are written alike share one answer per call
    quick: Any = field(default=None, repr=False)   # zot.ext.compile.quick: the answer without the matcher
    notes: tuple | list = field(default=(), repr=False)   # why the last match was a safe guess

    def subject(self, call: CallInfo) -> Subject:
        """The call as matchers see it; one per extension per call (rules of an extension share it),
        and one for all the extensions without params: nothing else in it depends on the extension."""
        subjects = _on_call(call, "_matcher_subjects")
        key = self._key
        cached = subjects.get(key)
        if cached is not None:
            if cached.args is call.args:
                return cached
            # a rewrite replaced the arguments: the same subject for them (nothing else changed)
            subject = Subject.__new__(Subject)
            subject.__dict__.update(cached.__dict__)
            subject.args, subject.notes, subject.expr_names = call.args, [], None
            subjects[key] = subject
            return subject
        facts = call.facts or {}
        memo = call_memo(call)
        session = facts.get("session") or memo.get("empty-session")
        if session is None:      # no session (explain, examples): one empty one for the call's rules
            session = memo["empty-session"] = empty_session()
        subject = Subject(call.tool, call.args, as_path(call.cwd), as_path(call.project), self.ext.params,
                          session, facts.get("model", ""), memo)
        subject.git = git_facts(subject.memo, subject.cwd, not self.ext.restricted)
        subjects[key] = subject
        return subject

    def __post_init__(self) -> None:
        # whose subject this rule shares (see `subject`), and which tools it was found to cover
        self._key = id(self.ext) if self.ext.params else ("no params", self.ext.restricted)
        self._tools_ok: dict[str, bool] = {}

    def matches(self, call: CallInfo) -> bool:
        """True/False; raises MatchError when the matcher cannot decide."""
        ok = self._tools_ok.get(call.tool)
        if ok is None:
            ok = self._tools_ok[call.tool] = applies(self.tools, call.tool)
        if not ok:
            return False
        if self.matcher is None:
            self.notes = _NO_NOTES
            return True
        if self.quick is not None:
            answer = self.quick(call, call_memo(call))
            if answer is not None:
                self.notes = answer[1] or _NO_NOTES
                return answer[0]
        if self.same_as is None:
            return self._match(self.subject(call))
        answers = _on_call(call, "_matcher_answers")
        key = (self.same_as, id(call.args))
        held = answers.get(key)
        if held is None or held[0] is not call.args:     # the args object is kept: its id cannot be reused
            held = answers[key] = (call.args, self._match(self.subject(call)), self.notes)
        self.notes = held[2]
        return held[1]

    def _match(self, subject: Subject) -> bool:
        if subject.notes:               # a rule before this one left notes: start a new list
            subject.notes = []
        result = self.matcher.match(subject)
        self.notes = subject.notes if subject.notes else _NO_NOTES
        return result

    def render(self, source: str, call: CallInfo) -> str:
        if not templates.looks_templated(source):
            return source
        info = templates.analyse(source)
        if not info.error and info.roots <= CALL_NAMES:     # the same text for every rule: once per call
            rendered = _on_call(call, "_rendered")
            held = rendered.get(source)
            if held is None or held[0] is not call.args:
                held = rendered[source] = (call.args, self._render(source, call))
            return held[1]
        return self._render(source, call)

    def _render(self, source: str, call: CallInfo) -> str:
        facts = template_facts(Path(call.cwd), Path(call.project), (call.facts or {}).get("model", ""),
                               self.ext, (call.facts or {}).get("session"))
        return templates.render(source, {**facts, "tool": call.tool, "args": call.args})


@dataclass
class GuardRule(Rule):
    action: str = "deny"
    reason: str = ""
    programs: frozenset[str] | None = None    # a top-level shell matcher's programs: an index key

    def __post_init__(self) -> None:
        super().__post_init__()
        # the reason when it is plain text (most are): worked out once, not rendered per verdict
        self._plain = (self.reason or f"guard `{self.name}`") if not templates.looks_templated(self.reason) \
            else None

    async def judge(self, call: CallInfo) -> list[Verdict]:
        return self.judge_now(call)

    def judge_now(self, call: CallInfo) -> list[Verdict]:
        try:
            if not self.matches(call):
                return []
        except Exception as exc:  # MatchError or a bug in a matcher: on_error decides, never silently
            return [Verdict(self.on_error, f"guard `{self.name}` could not decide ({exc}); on_error is "
                            f"{self.on_error}", self.source, self.shadow, error=str(exc))]
        return [self.verdict(call, self.notes)]

    def verdict(self, call: CallInfo, notes: Any, said: dict | None = None) -> Verdict:
        """This rule's verdict on a call its matcher matched, with what it could not know.
        `said`: what notes were already turned into words on this call (by id: the caller
        keeps the notes alive), for rules that share one answer."""
        self.notes = notes
        reason = self._plain
        if reason is None:
            try:
                reason = self.render(self.reason, call)
            except Exception as exc:
                reason = f"{self.reason} (the reason template failed: {exc})"
        if notes:      # what zot could not know and took the safe way
            words = said.get(id(notes)) if said is not None else None
            if words is None:
                words = f" (zot cannot know: {'; '.join(notes[:3])})"
                if said is not None:
                    said[id(notes)] = words
            reason += words
        return Verdict(self.action, reason, self.source, self.shadow)


def _apply_edit(edit: dict, args: dict, render) -> None:
    name = edit["arg"]
    if edit.get("delete"):
        args.pop(name, None)
        return
    current = args.get(name)
    if "set" in edit:
        args[name] = render(edit["set"])
    elif "prepend" in edit:
        args[name] = render(edit["prepend"]) + ("" if current is None else str(current))
    elif "append" in edit:
        args[name] = ("" if current is None else str(current)) + render(edit["append"])
    elif "replace" in edit:
        spec = edit["replace"]
        count = int(spec.get("count", 0)) or -1    # 0 (the default) means every occurrence
        args[name] = str(current or "").replace(spec["old"], render(spec.get("new", "")), count)
    elif "sub" in edit:
        spec = edit["sub"]
        args[name] = regexes.sub(regexes.compile(spec["pattern"]), render(spec.get("repl", "")),
                                 str(current or ""), count=max(int(spec.get("count", 0)), 0))


@dataclass
class RewriteRule(Rule):
    edits: list[dict] = field(default_factory=list)

    async def rewrite(self, call: CallInfo) -> Rewrite | None:
        return self.rewrite_now(call)

    def rewrite_now(self, call: CallInfo) -> Rewrite | None:
        try:
            if not self.matches(call):
                return None
            args = dict(call.args)      # an edit replaces or removes a top-level value, never changes one
            for edit in self.edits:
                _apply_edit(edit, args, lambda text: self.render(text, CallInfo(
                    call.id, call.tool, args, call.original_args, call.cwd, call.project, call.facts))
                    if templates.looks_templated(text) else text)
        except Exception as exc:
            return Rewrite(call.args, self.source, error=f"rewrite `{self.name}` failed: {exc}",
                           deny=self.on_error == "deny")
        return Rewrite(args, self.source, shadow=self.shadow, fresh=True)


def default_arg(ext: ExtCtx, tool: str) -> str | None:
    """What a matcher without `arg` (or a text example) reads (see ExtCtx.primary_arg)."""
    return ext.primary_arg(tool)


def default_source(ext: ExtCtx):
    """For a guard on several tools: each call's own default argument."""
    cache: dict[str, str | None] = {}

    def source(subject: Subject) -> Any:
        if subject.tool not in cache:
            cache[subject.tool] = default_arg(ext, subject.tool)
        arg = cache[subject.tool]
        return MISSING if arg is None else get_arg(subject.args, arg)
    return source


def compile_guard(name: str, node: dict, ext: ExtCtx) -> Rule:
    action = node["action"]
    tools = tool_patterns(node["tool"])
    single = tools[0] if len(tools) == 1 and not set("*?[") & set(tools[0]) else None
    ctx = CompileCtx(fail_closed=action in FAIL_CLOSED, location=ext.location("guards", name), tools=tools,
                     default_arg=default_arg(ext, single) if single else None, default_source=default_source(ext))
    when = node.get("when")
    if isinstance(when, dict) and templated(when):     # params in matchers, rendered once at load
        when = render_when(when, {"params": ext.params, "project": str(ext.project),
                                  "project_data_dir": ext.data_dir})
    matcher = compile_matcher(when, ctx) if isinstance(when, dict) else None
    default_error = "deny" if action in FAIL_CLOSED else ("allow" if action != "rewrite" else "allow")
    common = dict(ext=ext, name=name, tools=tools, matcher=matcher, priority=int(node.get("priority", 0)),
                  same_as=_sameness(when, ctx, ext), quick=quick_test(when, ctx.fail_closed, ctx.default_arg),
                  on_error=node.get("on_error", default_error), shadow=node.get("mode") == "shadow",
                  source=Source(ext.name, name, ctx.location))
    if action == "rewrite":
        return RewriteRule(**common, edits=list(node.get("rewrite") or []))
    return GuardRule(**common, action=action, reason=node.get("reason", ""), programs=_programs(when))


def _programs(when) -> frozenset[str] | None:
    """Programs one of which a shell line must run for this guard to match, when that can be known
    from the rule alone: a top-level `shell` test with plain program names, an `all` holding one,
    or an `any` whose every branch has one. Used by Hooks.guards_for to skip guards that cannot
    match a parsed line."""
    if not isinstance(when, dict):
        return None
    if "shell" in when:
        if when.get("arg", "command") != "command":
            return None
        program = when["shell"].get("program")
        names = [program] if isinstance(program, str) else program
        if not names or any(set("*?[") & set(str(n)) for n in names):
            return None
        return frozenset(str(n) for n in names)
    if isinstance(when.get("all"), list):
        for part in when["all"]:
            if isinstance(part, dict) and "arg" not in part and when.get("arg") is not None:
                part = {**part, "arg": when["arg"]}
            found = _programs(part)
            if found:
                return found
        return None
    if isinstance(when.get("any"), list) and when["any"]:
        sets = [_programs({**p, "arg": when["arg"]} if isinstance(p, dict) and "arg" not in p and when.get("arg")
                          else p) for p in when["any"]]
        if all(sets):
            return frozenset().union(*sets)
    return None


def _sameness(when, ctx: CompileCtx, ext: ExtCtx) -> str | None:
    """A key equal for two rules exactly when their matchers must give the same answer on a call:
    the same `when:`, the same failure mode and default argument, and (for expressions, which can
    read params) the same params. Twenty teams writing the same rule cost one evaluation."""
    if not isinstance(when, dict):
        return None
    import json

    try:
        text = json.dumps(when, sort_keys=True)
        if "expr" in text:
            text += json.dumps(ext.params, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None
    return f"{ctx.fail_closed}|{ctx.default_arg}|{ctx.tools}|{text}"


def compile_guards(section: dict, ext: ExtCtx) -> list[Rule]:
    return [compile_guard(name, node, ext) for name, node in (section or {}).items()]
