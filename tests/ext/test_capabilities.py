"""The capability summary trust shows (and recipe packs and MCP servers will): what each manifest
section contributes, the difference between two versions, and text safe to print."""
from __future__ import annotations

from zot.ext import capabilities as caps

MANIFEST = {
    "name": "team",
    "script": {"exec": "python3", "args": ["main.py"]},
    "tools": {"fetch": {"description": "Fetch a page", "http": {"url": "https://api.example.com/v1/{{ args.q }}"}},
              "local": {"description": "Ask anyone", "http": {"url": "{{ params.base }}/x"}}},
    "commands": {"status": {"description": "Git status", "run": {"argv": ["git", "status"]}}},
    "widgets": {"branch": {"run": {"argv": ["git", "branch"]}, "text": "x"}},
    "guards": {"no-rm": {"tool": "bash", "action": "deny"}, "ask": {"tool": ["write", "edit"], "action": "confirm"},
               "ok-ls": {"tool": "bash", "action": "allow"}, "quiet": {"tool": "bash", "action": "rewrite"}},
    "hooks": [{"on": "tool_result", "redact": ["a", "b"]}, {"on": "before_agent_start", "system": "Be brief.\nOk."},
              {"on": "turn_end", "run": {"argv": ["make", "lint"]}},
              {"on": "input", "log": {"file": "{{ project_data_dir }}/in.jsonl"}}],
    "prompts": {"context_files": ["CONVENTIONS.md"]},
    "params": {"base": {"type": "string", "default": "http://localhost"}},
}


def test_a_summary_names_everything_that_can_act_or_change_behaviour():
    lines = caps.render({"team": caps.summarize("team", MANIFEST)})
    assert lines == [
        "extension team:",
        "  runs script python3 main.py",
        "  runs git status (command status)",
        "  runs make lint (hook 3)",
        "  runs git branch (widget branch)",
        "  calls api.example.com (tool fetch)",
        "  calls {{ params.base }}/x (tool local)",
        "  tool fetch: Fetch a page",
        "  tool local: Ask anyone",
        "  command status: Git status",
        "  widget branch",
        "  hook on input writes {{ project_data_dir }}/in.jsonl (hook 4)",
        "  relaxes allow bash (guard ok-ls)",
        "  relaxes rewrite bash (guard quiet)",
        "  restricts confirm write,edit (guard ask)",
        "  restricts deny bash (guard no-rm)",
        "  restricts redacts 2 pattern(s) on tool_result (hook 1)",
        "  prompt reads CONVENTIONS.md into the context (context CONVENTIONS.md)",
        "  prompt Be brief.... (hook 2)",
        "  param base: \"http://localhost\"",
    ]


def test_diff_says_what_was_added_removed_and_changed():
    old = {"team": caps.summarize("team", MANIFEST)}
    changed = dict(MANIFEST, script={"exec": "python3", "args": ["evil.py"]},
                   guards={k: v for k, v in MANIFEST["guards"].items() if k != "no-rm"})
    diff = caps.diff(old, {"team": caps.summarize("team", changed), "new": caps.summarize("new", {})})
    assert diff.lines() == [
        "~ team: runs script python3 evil.py (was: python3 main.py)",
        "- team: restricts deny bash (guard no-rm)",
    ]
    assert diff.short() == "changed runs script python3 evil.py, removed restricts deny bash (guard no-rm)"
    assert caps.diff(old, old).empty


def test_settings_that_turn_a_protected_extension_off_say_so():
    summary = caps.summarize_settings({"model": "openai/x", "api_key": "sk-123", "extensions": {
        "safety": {"enabled": False}, "git": {"enabled": True, "params": {"remote": "o"}}}}, frozenset({"safety"}))
    assert [c.line() for c in summary.items] == [
        "sets an API key (hidden)", "turns on git", "turns off safety (ignored: only your own settings can turn "
        "it off)", "chooses the model openai/x", "sets params of git: remote"]


def test_control_characters_are_escaped_and_summaries_round_trip_through_json():
    summary = caps.summarize("x\x1b[2J", {"tools": {"t\u202e": {"description": "a\rb"}}})
    text = "\n".join(caps.render({summary.name: summary}))
    assert "\x1b" not in text and "\u202e" not in text and "\r" not in text
    assert "x\\x1b[2J" in text and "t\\u202e" in text
    again = caps.from_json(caps.to_json({summary.name: summary}))
    assert again == {summary.name: summary}
