"""The decision on one tool call, computed in one place for every caller.

The live agent (`zot.agent.toolpath`), guard examples and manifest `tests:` (`zot.ext.proof`),
`zot ext explain` and `zot ext test` all call `decide`, so a rule cannot mean one thing in a run
and another in its proof. The steps, in order:

1. **rewrite**: every rewriter (manifest `rewrite` rules and script `tool_call` intercepts), by
   priority then load order, each on the arguments the previous one left. A rewriter that fails
   keeps the arguments; when its `on_error` is deny (the default for a rewriter that raises
   unexpectedly) the call is denied at once, by that rule.
2. **check**: the final arguments against the tool's JSON Schema, when the caller knows it.
3. **judge**: every guard that applies, on the final arguments. The strictest enforced verdict
   wins: deny > confirm > allow; `warn` and shadow verdicts are recorded, never decisive.

Confirmation and execution are the caller's: only the live agent can ask or run.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from zot.ext.hooks import CallInfo, Hooks, Source, Verdict, copied

RANK = {"allow": 0, "warn": 0, "confirm": 1, "deny": 2}


@dataclass
class Decision:
    """What the rules decided on a call; the final arguments are the call's `args`."""

    decision: str                          # allow | deny | confirm
    verdicts: list[Verdict] = field(default_factory=list)
    rewrites: list[dict[str, Any]] = field(default_factory=list)
    answered: str | None = None            # yes | no | always | auto-yes | no-ui (set by the live path)
    reason: str = ""
    invalid: str | None = None             # the final arguments do not fit the tool's schema
    ruled: str = ""                        # what the rules decided, before anyone was asked

    def __post_init__(self) -> None:
        self.ruled = self.ruled or self.decision

    @property
    def enforced(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.shadow]

    @property
    def deciding(self) -> list[Verdict]:
        """The enforced verdicts that made the decision (none for allow)."""
        if self.decision == "allow":
            return []
        return [v for v in self.verdicts if v.decision == self.decision and not v.shadow]

    def to_json(self, call: CallInfo) -> dict[str, Any]:
        return {"tool_call_id": call.id, "tool": call.tool, "original_args": call.original_args,
                "final_args": call.args, "decision": self.decision, "ruled": self.ruled, "reason": self.reason,
                "answered": self.answered, "matches": [v.to_json() for v in self.verdicts],
                "rewrites": self.rewrites}


def _source_of(handler: Any) -> Source:
    source = getattr(handler, "source", None)
    return source if isinstance(source, Source) else Source(type(handler).__name__, "?")


async def rewrite(call: CallInfo, hooks: Hooks) -> tuple[list[dict[str, Any]], Verdict | None]:
    """Chain every rewriter. Returns the changes made (and failures), and the deny verdict of a
    rewriter that failed with `on_error: deny` (the chain stops there)."""
    changes: list[dict[str, Any]] = []
    last: tuple | None = None       # the arguments the last applied change left, and its copy of them
    for rewriter in hooks.rewriters_for(call):
        try:
            now = getattr(rewriter, "rewrite_now", None)    # manifest rewrites: no coroutine per step
            out = now(call) if now is not None else await rewriter.rewrite(call)
        except Exception as exc:  # a rewriter's bug: its on_error decides, deny unless it says allow
            deny = getattr(rewriter, "on_error", "deny") != "allow"
            source = _source_of(rewriter)
            error = f"rewrite failed: {type(exc).__name__}: {exc}"
            changes.append(_change(call.args, call.args, source, error=error, deny=deny))
            if deny:
                return changes, _failed(source, error)
            continue
        if out is None:
            continue
        if out.error:
            changes.append(_change(call.args, call.args, out.source, error=out.error, deny=out.deny))
            if out.deny:
                return changes, _failed(out.source, out.error)
            continue
        if out.args != call.args:
            # the last change's copy of what it left is this one's "before", when nothing touched it
            held = last if last is not None and last[0] is call.args and last[1] == call.args else None
            change = _change(call.args, out.args, out.source, shadow=out.shadow,
                             before_copy=held[1] if held else None)
            changes.append(change)
            if not out.shadow:
                call.args = out.args if out.fresh else copied(out.args)
                last = (call.args, change["after"])
    return changes, None


def _change(before: dict, after: dict, source: Source, error: str | None = None, deny: bool = False,
            shadow: bool = False, before_copy: dict | None = None) -> dict[str, Any]:
    return {"before": copied(before) if before_copy is None else before_copy, "after": copied(after),
            "shadow": shadow, "error": error, "deny": deny, **source.fields()}


def _failed(source: Source, error: str) -> Verdict:
    return Verdict("deny", f"the rewrite rule `{source.extension}:{source.rule}` failed ({error}) and its "
                   "on_error is deny", source, error=error)


async def judge(call: CallInfo, hooks: Hooks) -> list[Verdict]:
    """Every guard that applies judges the final arguments. A guard that raises denies.

    Rules whose matchers are written alike (`same_as`) share one answer per call: the first asks
    its matcher, the others take the answer (and its notes) and only make their own verdict, so
    500 teams that wrote the same rule cost one match and 500 verdicts."""
    verdicts: list[Verdict] = []
    shared: dict[str, Any] = {}     # same_as -> the notes of a match, or None: no match
    said: dict[int, str] = {}       # the words for shared notes, made once
    for guard in hooks.guards_for(call.tool, call.args, call):
        alike = getattr(guard, "same_as", None) if hooks.use_index else None
        if alike is not None:
            held = shared.get(alike, _ASK)
            if held is None:
                continue
            if held is not _ASK:
                verdicts.append(guard.verdict(call, held, said))
                continue
        try:
            now = getattr(guard, "judge_now", None)     # manifest guards decide without awaiting
            found = now(call) if now is not None else await guard.judge(call)
        except Exception as exc:  # fail closed: an unexpected guard crash denies
            verdicts.append(Verdict("deny", f"a guard failed: {exc}", _source_of(guard), error=str(exc)))
            continue
        if alike is not None and now is not None:
            if not found:
                shared[alike] = None
            elif found[0].error is None:        # a matcher error is each rule's own (its on_error)
                shared[alike] = guard.notes
        verdicts.extend(found)
    return verdicts


_ASK = object()


def strictest(verdicts: list[Verdict]) -> str:
    """The first of the strictest enforced decisions (an unknown word ranks as deny)."""
    best, rank = "allow", -1
    for v in verdicts:
        if v.shadow or v.decision == "warn":
            continue
        this = RANK.get(v.decision, 2)
        if this > rank:
            best, rank = v.decision, this
            if rank == 2:
                break
    return best


async def decide(call: CallInfo, hooks: Hooks, schema: dict[str, Any] | None = None) -> Decision:
    """Rewrite, check, judge. `call.args` ends as the final arguments. `schema` is the tool's
    parameters when the caller knows the tool (None: the arguments are not checked)."""
    rewrites, failed = await rewrite(call, hooks)
    if failed is not None:
        return Decision("deny", [failed], rewrites, reason=failed.reason)
    if schema is not None:
        from zot.tools.validate import validate_args

        problem = validate_args(schema, call.args)
        if problem:
            return Decision("deny", [], rewrites, reason=f"invalid arguments: {problem}", invalid=problem)
    verdicts = await judge(call, hooks)
    decision = Decision(strictest(verdicts), verdicts, rewrites)
    decision.reason = "; ".join(dict.fromkeys(v.reason for v in decision.deciding))
    return decision


def hooks_of(rules: list[Any]) -> Hooks:
    """A Hooks holding these manifest rules (rewriters and guards), in engine order."""
    from zot.ext.compile.guards import RewriteRule

    hooks = Hooks(rewriters=[r for r in rules if isinstance(r, RewriteRule)],
                  guards=[r for r in rules if not isinstance(r, RewriteRule)])
    hooks.sort()
    return hooks


def decide_now(call: CallInfo, hooks: Hooks, schema: dict[str, Any] | None = None) -> Decision:
    """`decide` for callers without an event loop (`zot ext explain`)."""
    return asyncio.run(decide(call, hooks, schema))
