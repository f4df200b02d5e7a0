"""The loop's extension points live in `zot.ext.hooks` (ext defines decisions; agent uses them)."""
from zot.ext.hooks import *  # noqa: F401,F403
from zot.ext.hooks import CallInfo, ConfirmRequest, Hooks, InputOutcome, Rewrite, Source, Verdict  # noqa: F401
