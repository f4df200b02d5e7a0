"""`-p` and `--json` through the agent session: zot's own slash commands work there as in the
REPL, and the flags a Go zot or Claude Code user reaches for do what they say."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.declarative.conftest import ext, llm_server, project, zot  # noqa: F401 - fixtures used by name
from tests.fakellm import call, text, tool_calls
from zot import __version__
from zot.agent.compaction import SUMMARY_SYSTEM
from zot.agent.context import IDENTITY


def system(body) -> str:
    return body["messages"][0]["content"]


def users(body) -> list[str]:
    return [m["content"] for m in body["messages"] if m["role"] == "user"]


def settings_file() -> Path:
    import os

    return Path(os.environ["ZOT_HOME"]) / "settings.yaml"


def test_model_shows_and_switches_the_model_in_print_mode(zot, llm_server):
    shown = zot("-p", "/model")
    assert (shown.code, shown.out, shown.requests) == (0, "model: openai/fake   (switch with /model PROVIDER/NAME)\n", [])
    switched = zot("-p", "/model openai/other")
    assert switched.code == 0 and switched.out.startswith("remembered in ") and switched.requests == []
    assert "model: openai/other" in settings_file().read_text()
    used = zot("-p", "hi", "--api-base", llm_server.url, "--api-key", "t", model=False, replies=[text("ok")])
    assert used.code == 0 and used.requests[0]["model"] == "other"
    bad = zot("-p", "/model gpt")
    assert bad.code == 2 and "`gpt` is not a litellm model string" in bad.err
    events = zot("--json", "/model").out.splitlines()
    assert [json.loads(line)["type"] for line in events] == ["command_output"]


def test_compact_works_in_print_mode_on_a_continued_session(zot):
    assert zot("-p", "/compact").out == "nothing to compact yet\n"
    zot("-p", "first question", replies=[text("first answer")])
    zot("-p", "-c", "second question", replies=[text("second answer")])
    run = zot("-p", "-c", "/compact", replies=[text("They asked two questions.")])
    assert (run.code, run.out) == (0, "compacted 2 messages (manual)\n"), run.err
    [request] = run.requests
    assert system(request) == SUMMARY_SYSTEM and "first question" in users(request)[0]
    after = zot("-p", "-c", "third question", replies=[text("third answer")])
    sent = users(after.requests[0])
    assert "They asked two questions." in sent[0] and sent[1:] == ["second question", "third question"]


@pytest.mark.parametrize("line, out", [
    ("/help", "Commands\n"),
    ("/cost", "tokens: 0 in (0 cached read, 0 cached write), 0 out\n"),
    ("/new", "new session\n"),
    ("/sessions", "no other session in this project yet\n"),
    ("/ext", "no extensions (see `zot ext list`, or load one with -e PATH)\n"),
])
def test_zots_own_commands_answer_in_print_mode(zot, line, out):
    run = zot("-p", line)
    assert run.code == 0 and run.out.startswith(out) and run.requests == [], run.err


def test_trust_without_anyone_to_ask_says_what_to_run(zot, project):
    """-p cannot ask: /trust says what to run instead, and nothing is trusted."""
    ext = project / ".zot" / "extensions" / "team"
    ext.mkdir(parents=True)
    (ext / "extension.yaml").write_text("schema: zot/extension/v1\nname: team\nversion: 1.0.0\n"
                                        "description: a team extension\n")
    run = zot("-p", "/trust")
    assert run.code == 1 and "run `zot trust` in a terminal" in run.err


def test_system_prompt_flags_replace_and_extend_the_instructions(zot):
    run = zot("-p", "hi", "--system-prompt", "You are a pirate.", "--append-system-prompt", "Say arr.",
              "--append-system-prompt", "Be brief.", replies=[text("arr")])
    prompt = system(run.requests[0])
    assert prompt.startswith("You are a pirate.\n") and IDENTITY.splitlines()[0] not in prompt
    assert prompt.index("Say arr.") < prompt.index("Be brief.") and "Working folder:" in prompt
    plain = zot("-p", "hi", replies=[text("hello")])
    assert system(plain.requests[0]).startswith(IDENTITY)


def test_tools_limits_what_the_model_is_offered_and_may_call(zot, project):
    (project / "a.txt").write_text("alpha\n")
    run = zot("-p", "go", "--tools", "read,ls", "--tools", "grep",
              replies=[tool_calls([call("bash", {"command": "touch made"}, id="b1")]), text("could not")])
    assert {t["function"]["name"] for t in run.requests[0]["tools"]} == {"read", "ls", "grep"}
    assert not (project / "made").exists()
    tool_answer = [m for m in run.requests[1]["messages"] if m["role"] == "tool"][0]["content"]
    assert tool_answer.startswith("There is no tool `bash`. Available tools: grep, ls, read.")
    none = zot("-p", "hi", "--no-tools", replies=[text("fine")])
    assert "tools" not in none.requests[0] and "Tools:\n\n" not in system(none.requests[0])
    unknown = zot("-p", "hi", "--tools", "read,nope", replies=[text("fine")])
    assert "zot: warning: --tools: no tool named nope here" in unknown.err


def test_cwd_runs_in_another_folder(zot, project, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "b.txt").write_text("beta\n")
    run = zot("-p", "read it", "--cwd", other, cwd=project,
              replies=[tool_calls([call("read", {"path": "b.txt"}, id="r1")]), text("beta it is")])
    assert run.code == 0 and f"Working folder: {other}" in system(run.requests[0])
    assert "beta" in [m for m in run.requests[1]["messages"] if m["role"] == "tool"][0]["content"]
    missing = zot("-p", "hi", "--cwd", tmp_path / "nowhere")
    assert missing.code == 2 and "no such folder" in missing.err


def test_reasoning_is_sent_to_models_that_reason_and_left_out_for_the_others(zot, llm_server):
    flags = ["--api-base", llm_server.url, "--api-key", "t"]
    reasons = zot("-p", "hi", "--model", "openai/o3-mini", "--reasoning", "high", *flags, model=False,
                  replies=[text("thought")])
    assert reasons.code == 0 and reasons.requests[0]["reasoning_effort"] == "high"
    plain = zot("-p", "hi", "--reasoning", "high", replies=[text("ok")])
    assert plain.code == 0 and "reasoning_effort" not in plain.requests[0]


def test_base_url_is_api_base(zot, llm_server):
    run = zot("-p", "hi", "--model", "openai/fake", "--base-url", llm_server.url, "--api-key", "t", model=False,
              replies=[text("reached")])
    assert (run.code, run.out) == (0, "reached\n")


def test_version_and_list_models(zot, capsys):
    from zot.cli import main

    with pytest.raises(SystemExit):
        main(["-v"])
    assert capsys.readouterr().out == f"zot {__version__}\n"
    assert main(["--list-models", "gpt-4o-mini"]) == 0
    names = capsys.readouterr().out.splitlines()
    assert "openai/gpt-4o-mini" in names and all("gpt-4o-mini" in n for n in names)


def test_rpc_takes_no_prompt_on_the_command_line(zot):
    from zot.cli import main

    assert main(["rpc", "hello"]) == 2


def test_every_flag_is_in_the_docs():
    from zot.cli import _main_parser

    doc = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    flags = [opt for action in _main_parser()._actions for opt in action.option_strings]
    missing = [flag for flag in flags if f"`{flag}" not in doc]
    assert missing == []
