"""Crash-safe sessions: the one import for the rest of zot.

A session is append-only JSONL under `$ZOT_HOME/sessions/<project hash>/<YYYYmmdd-HHMMSS>-<id>.jsonl`
(the time is UTC). Writing lives in `session_store`, reading and repair in `session_load`,
the resume picker in `session_list`; this module only gathers their public names.
"""
from __future__ import annotations

from .session_list import SessionInfo, latest_session, list_sessions
from .session_load import SUMMARY_PREFIX, LoadedSession, Repair, load_session
from .session_store import (
    INTERRUPTED_NOTE,
    SESSION_VERSION,
    SessionLocked,
    SessionWriter,
    compaction_record,
    decision_record,
    event_record,
    message_record,
    model_change_record,
    project_hash,
    repair_record,
    sessions_dir,
    zot_home,
)

__all__ = [
    "INTERRUPTED_NOTE", "SESSION_VERSION", "SUMMARY_PREFIX",
    "LoadedSession", "Repair", "SessionInfo", "SessionLocked", "SessionWriter",
    "compaction_record", "decision_record", "event_record", "message_record",
    "model_change_record", "repair_record",
    "latest_session", "list_sessions", "load_session", "project_hash", "sessions_dir", "zot_home",
]
