"""`zot -p`, `zot --json`, `zot -c` and `zot sessions` as a user runs them: real subprocesses of
the installed console script, the model being the local fake server.

Starting zot costs a few tenths of a second (seconds when a run goes through litellm), so the
one-shot runs are declared as scenarios with `@scenario(...)` and started all at once, each with its own home, project and
server; each test then checks its scenario's outcome. The crash test runs on its own.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.fakellm import FakeLLMServer, Reply, call, error, llm_server, text, tool_calls, usage  # noqa: F401
from zot.agent.session import SessionWriter, message_record

ZOT = Path(sys.executable).with_name("zot")
MODEL = ["--model", "openai/fake", "--api-base", "{url}", "--api-key", "test"]


@dataclass
class Result:
    code: int
    out: str
    err: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def start(*args: str, cwd: Path, env: dict[str, str] | None = None,
          stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen:
    full_env = {**os.environ, **(env or {})}
    return subprocess.Popen([str(ZOT), *args], cwd=cwd, env=full_env, stdin=stdin, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def zot(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
    proc = start(*args, cwd=cwd, env=env)
    out, err = proc.communicate(timeout=timeout)
    return Result(proc.returncode, out, err)


def model_flags(server: FakeLLMServer) -> list[str]:
    return [a.replace("{url}", server.url) for a in MODEL]


def last_user(body: dict[str, Any]) -> str:
    return [m for m in body["messages"] if m["role"] == "user"][-1]["content"]


def assert_clean_error(result: Result, code: int, *needles: str) -> None:
    assert result.code == code, result
    assert "Traceback" not in result.err
    assert result.err.startswith("zot: error: ")
    for needle in needles:
        assert needle in result.err


def new_project(parent: Path) -> Path:
    root = parent / "project"
    (root / ".git").mkdir(parents=True)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return new_project(tmp_path)


def zot_home() -> Path:
    return Path(os.environ["ZOT_HOME"])


# --------------------------------------------------------------------------- one-shot scenarios


@dataclass
class Scenario:
    args: list[str]                          # "{url}" becomes the scenario's server URL
    replies: list[Reply] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    settings: str | None = None              # $ZOT_HOME/settings.yaml, "{url}" replaced too
    # in args, "{base}" becomes the server's Anthropic base URL
    stdin: str | None = None
    files: dict[str, str] = field(default_factory=dict)


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, *args: str, **kw: Any) -> Callable:
    """Declare a run for the batch; stack several on one test for a table."""
    SCENARIOS[name] = Scenario(list(args), **kw)
    return lambda fn: fn


def _isolated_env(home: Path) -> dict[str, str]:
    """What tests/conftest.py does for in-process tests, for a subprocess started at module setup."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ZOT_MODEL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL")}
    env.update(HOME=str(home), ZOT_HOME=str(home / ".zot"), LITELLM_LOCAL_MODEL_COST_MAP="True")
    return env


PARALLEL = 2   # more concurrent litellm imports only slow each other down on a small machine


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> dict[str, Result]:
    """Every scenario's result; up to PARALLEL runs at a time."""
    running: list[tuple[str, subprocess.Popen, FakeLLMServer]] = []
    results: dict[str, Result] = {}

    def finish(name: str, proc: subprocess.Popen, server: FakeLLMServer) -> None:
        out, err = proc.communicate(SCENARIOS[name].stdin, timeout=120)
        results[name] = Result(proc.returncode, out, err, server.requests, server.headers)

    try:
        for name, sc in SCENARIOS.items():
            base = tmp_path_factory.mktemp(name.replace(":", "-"))
            project = new_project(base)
            for rel, content in sc.files.items():
                (project / rel).write_text(content)
            server = FakeLLMServer().start()
            server.enqueue(*sc.replies)
            env = _isolated_env(base / "home")
            if sc.settings is not None:
                (base / "home" / ".zot").mkdir(parents=True)
                (base / "home" / ".zot" / "settings.yaml").write_text(sc.settings.replace("{url}", server.url))
            env.update(sc.env)
            args = [a.replace("{url}", server.url).replace("{base}", server.anthropic_url) for a in sc.args]
            proc = subprocess.Popen([str(ZOT), *args], cwd=project, env=env, text=True,
                                    stdin=subprocess.PIPE if sc.stdin is not None else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            running.append((name, proc, server))
            if len(running) - len(results) >= PARALLEL:
                finish(*running[len(results)])
        for item in running[len(results):]:
            finish(*item)
        return results
    finally:
        for _, proc, server in running:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
            server.stop()


# --------------------------------------------------------------------------- -p and --json


KEYS = "api_base: {url}\napi_key: test\n"


@scenario("print", "-p", "hi", *MODEL, env={"ZOT_MODEL": "openai/from-env"},
          settings="model: openai/from-settings\n", replies=[text("Hello from the model.", chunks=4)])
def test_print_mode_prints_the_final_answer(cli):
    result = cli["print"]
    assert (result.code, result.out, result.err) == (0, "Hello from the model.\n", "")
    assert last_user(result.requests[0]) == "hi"
    assert result.requests[0]["model"] == "fake"          # --model wins over ZOT_MODEL and settings


@scenario("stdin", "-p", env={"ZOT_MODEL": "openai/from-env"}, settings="model: openai/from-settings\n" + KEYS,
          stdin="what is 2+2?\n", replies=[text("4")])
def test_the_prompt_can_come_from_stdin_and_zot_model_is_honoured(cli):
    result = cli["stdin"]
    assert (result.code, result.out) == (0, "4\n"), result.err
    assert last_user(result.requests[0]) == "what is 2+2?"
    assert result.requests[0]["model"] == "from-env"      # ZOT_MODEL wins over the settings file


@scenario("json", "--json", "read a.txt", settings="model: openai/from-settings\n" + KEYS, files={"a.txt": "alpha\n"},
          replies=[tool_calls([call("read", {"path": "a.txt"}, id="r1")], usage=usage(20, 4)),
                   text("It says alpha.", chunks=3, usage=usage(30, 5))])
def test_json_mode_prints_one_event_per_line_ending_with_agent_end(cli):
    result = cli["json"]
    assert result.code == 0, result.err
    events = [json.loads(line) for line in result.out.splitlines()]
    kinds = [e["type"] for e in events]
    assert kinds[:5] == ["session_start", "input", "before_agent_start", "agent_start", "turn_start"]
    for kind in ("tool_call", "tool_execution_start", "tool_execution_end", "tool_result", "message_update"):
        assert kind in kinds
    assert kinds[-2:] == ["session_shutdown", "agent_end"]
    end = events[-1]
    assert (end["answer"], end["stop_reason"], end["error"]) == ("It says alpha.", "stop", None)
    assert (end["usage"]["input_tokens"], end["usage"]["output_tokens"]) == (50, 9)
    [tool_result] = [e for e in events if e["type"] == "tool_result"]
    assert tool_result["content"] == "alpha" and tool_result["is_error"] is False
    assert result.requests[0]["model"] == "from-settings"  # the settings file's model, api_base and key


@scenario("max-steps", "-p", "list forever", "--max-steps", "2", *MODEL,
          replies=[tool_calls([call("ls", {}, id=f"c{i}")]) for i in range(3)])
def test_max_steps_stops_and_says_so(cli):
    result = cli["max-steps"]
    assert result.code == 3
    assert "stopped after 2 steps" in result.err and "--max-steps" in result.err
    assert len(result.requests) == 2


# --------------------------------------------------------------------------- configuration errors


def test_no_model_configured_says_how_to_choose_one(project):
    result = zot("-p", "hi", cwd=project)
    assert_clean_error(result, 2, "no model", "ZOT_MODEL", "--model")
    assert result.out == ""


@scenario("no-key", "-p", "hi", "--model", "openai/gpt-4o")
def test_a_model_without_its_key_names_the_variable(cli):
    assert_clean_error(cli["no-key"], 2, "OPENAI_API_KEY")


@scenario("no-key-anthropic", "-p", "hi", "--model", "anthropic/claude-sonnet-4-5")
def test_an_anthropic_model_without_its_key_names_the_variable(cli):
    assert_clean_error(cli["no-key-anthropic"], 2, "ANTHROPIC_API_KEY")


@scenario("bad-backend", "-p", "hi", *MODEL, env={"ZOT_LLM": "fast"})
def test_an_unknown_zot_llm_is_a_usage_error(cli):
    assert_clean_error(cli["bad-backend"], 2, "ZOT_LLM", "'fast'", "litellm")
    assert cli["bad-backend"].requests == []


# --------------------------------------------------------------------------- which client carries the request


@scenario("anthropic", "-p", "read a.txt", "--model", "anthropic/claude-sonnet-4-5", "--api-base", "{base}",
          "--api-key", "test", files={"a.txt": "alpha\n"},
          replies=[tool_calls([call("read", {"path": "a.txt"}, id="toolu_1")], content="Reading.", pieces=3,
                              usage=usage(20, 4)),
                   text("It says alpha.", chunks=3, usage=usage(30, 5))])
def test_an_anthropic_model_runs_a_tool_over_the_messages_api(cli):
    result = cli["anthropic"]
    assert (result.code, result.out) == (0, "It says alpha.\n"), result.err
    first, second = result.requests
    assert first["model"] == "claude-sonnet-4-5" and first["system"][0]["text"]
    assert [t["name"] for t in first["tools"]][:2] == ["read", "write"]
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "user"]
    use = second["messages"][1]["content"]
    assert use[0] == {"type": "text", "text": "Reading."}
    assert use[1] == {"type": "tool_use", "id": "toolu_1", "name": "read", "input": {"path": "a.txt"}}
    [tool_result] = second["messages"][2]["content"]
    assert (tool_result["tool_use_id"], tool_result["content"]) == ("toolu_1", "alpha")


@scenario("lean-agent", "-p", "hi", *MODEL, replies=[text("hello")])
@scenario("settings-litellm", "-p", "hi", *MODEL, settings="llm_backend: litellm\n", replies=[text("hello")])
@scenario("env-litellm", "-p", "hi", *MODEL, env={"ZOT_LLM": "litellm"}, settings="llm_backend: auto\n",
          replies=[text("hello")])
def test_zot_speaks_openai_itself_unless_told_to_use_litellm(cli):
    agents = {}
    for name in ("lean-agent", "settings-litellm", "env-litellm"):
        result = cli[name]
        assert (result.code, result.out) == (0, "hello\n"), result.err
        agents[name] = result.headers[0]["user-agent"]
    assert agents["lean-agent"].startswith("zot/")
    assert not agents["settings-litellm"].startswith("zot/")   # litellm's OpenAI client
    assert not agents["env-litellm"].startswith("zot/")        # ZOT_LLM wins over the settings


@scenario("500", "-p", "hi", *MODEL, settings="max_retries: 1\n",
          replies=[error(500, "the fake is down"), error(500, "the fake is down")])
def test_a_server_that_keeps_failing_ends_the_run_with_one_line(cli):
    result = cli["500"]
    assert_clean_error(result, 1, "the fake is down")
    assert len(result.err.splitlines()) == 1
    assert len(result.requests) == 2        # one retry, as the settings file said


# --------------------------------------------------------------------------- crash safety


def session_files() -> list[Path]:
    return sorted((zot_home() / "sessions").glob("*/*.jsonl"))


def has_tool_call(path: Path) -> bool:
    for line in path.read_text().splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("type") == "message" and rec["message"].get("tool_calls"):
            return True
    return False


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_killed_run_continues_with_the_interrupted_call_answered(llm_server, project):
    llm_server.enqueue(tool_calls([call("bash", {"command": "echo $$ > bash.pid; sleep 30"}, id="call_sleep")]))
    proc = start("-p", "run the slow thing", *model_flags(llm_server), cwd=project)
    pid_file = project / "bash.pid"
    try:
        wait_for(lambda: any(has_tool_call(p) for p in session_files()), 60, "the tool call in the session")
        wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), 10, "the bash tool to start")
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        [session] = session_files()

        # the orphaned `sleep` still runs, as it would for a user whose zot was killed
        llm_server.enqueue(text("Picking up where we left off."))
        result = zot("-c", "-p", "continue", *model_flags(llm_server), cwd=project)
    finally:
        if pid_file.exists() and pid_file.read_text().strip():
            try:
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert (result.code, result.out) == (0, "Picking up where we left off.\n"), result.err
    assert "call_sleep" in result.err and "interrupted" in result.err      # the user is told
    continued = llm_server.requests[-1]["messages"][1:]
    assert [m["role"] for m in continued] == ["user", "assistant", "tool", "user"]
    assert continued[0]["content"] == "run the slow thing"
    assert continued[1]["tool_calls"][0]["id"] == "call_sleep"
    assert continued[2]["tool_call_id"] == "call_sleep" and "interrupted" in continued[2]["content"]
    assert continued[3]["content"] == "continue"
    assert session_files() == [session]                 # continued, not a new session

    listing = zot("sessions", cwd=project)
    assert listing.code == 0
    first_line = listing.out.splitlines()[0]
    assert "openai/fake" in first_line and "4 msgs" in first_line and first_line.endswith("run the slow thing")
    [entry] = json.loads(zot("sessions", "--format", "json", cwd=project).out)
    assert (entry["messages"], entry["first_prompt"], entry["path"]) == (4, "run the slow thing", str(session))


def test_ctrl_c_during_a_tool_kills_it_and_saves_the_session(llm_server, project):
    llm_server.enqueue(tool_calls([call("bash", {"command": "echo $$ > bash.pid; sleep 30"}, id="slow"),
                                   call("write", {"path": "after.txt", "content": "x"}, id="after")]))
    proc = start("-p", "run the slow thing", *model_flags(llm_server), cwd=project)
    pid_file = project / "bash.pid"
    try:
        wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), 60, "the bash tool to start")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "zot: cancelled" and "Traceback" not in err
    bash_pid = int(pid_file.read_text())
    assert not Path(f"/proc/{bash_pid}").exists() or "Z" in Path(f"/proc/{bash_pid}/stat").read_text().split()[2]
    assert not (project / "after.txt").exists()
    [session] = session_files()
    records = [json.loads(line) for line in session.read_text().splitlines()]
    results = {r["message"]["tool_call_id"]: r["message"]["content"] for r in records
               if r["type"] == "message" and r["message"]["role"] == "tool"}
    assert "cancelled" in results["slow"] and "cancelled" in results["after"]


# --------------------------------------------------------------------------- zot sessions


def make_session(project: Path, prompt: str, answers: int, cost: float | None) -> Path:
    with SessionWriter.create(project, project, "openai/gpt-4o") as writer:
        writer.append(message_record({"role": "user", "content": prompt}))
        for i in range(answers):
            writer.append(message_record({"role": "assistant", "content": f"answer {i}"},
                                         usage={"input_tokens": 10}, cost=cost, model="openai/gpt-4o"))
        return writer.path


def test_sessions_lists_this_projects_sessions_newest_first(project, tmp_path):
    older = make_session(project, "fix the   flaky\ntest please", 1, 0.0125)
    os.utime(older, (time.time() - 3600, time.time() - 3600))
    newer = make_session(project, "add a --verbose flag", 3, None)
    other = tmp_path / "other"
    (other / ".git").mkdir(parents=True)
    make_session(other, "somewhere else", 1, None)

    result = zot("sessions", cwd=project)
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert len(lines) == 4
    assert "4 msgs" in lines[0] and "cost unknown" in lines[0] and lines[0].endswith("add a --verbose flag")
    assert lines[1].strip() == str(newer)
    assert "2 msgs" in lines[2] and "$0.0125" in lines[2] and lines[2].endswith("fix the flaky test please")
    assert lines[3].strip() == str(older)

    entries = json.loads(zot("sessions", "--format", "json", cwd=project).out)
    assert [(e["path"], e["messages"], e["cost"], e["first_prompt"], e["model"]) for e in entries] == [
        (str(newer), 4, None, "add a --verbose flag", "openai/gpt-4o"),
        (str(older), 2, 0.0125, "fix the flaky test please", "openai/gpt-4o")]


def test_sessions_in_a_project_without_any(project):
    result = zot("sessions", cwd=project)
    assert (result.code, result.out) == (0, "no sessions in this project yet\n")
    assert json.loads(zot("sessions", "--format", "json", cwd=project).out) == []


def test_sessions_json_dates_are_iso_and_an_unknown_date_is_null(project):
    from zot.agent.session import sessions_dir

    make_session(project, "with a header", 1, None)
    folder = sessions_dir(project)
    (folder / "imported.jsonl").write_text(json.dumps(message_record({"role": "user", "content": "no header"})) + "\n")
    entries = {e["first_prompt"]: e for e in json.loads(zot("sessions", "--format", "json", cwd=project).out)}
    assert entries["no header"]["created"] is None and entries["no header"]["id"] == "imported"
    for entry in entries.values():
        assert "T" in entry["updated"] and datetime.fromisoformat(entry["updated"]).tzinfo is not None
    assert datetime.fromisoformat(entries["with a header"]["created"]).tzinfo is not None


def test_sessions_shows_the_last_20_unless_all(project):
    for i in range(21):
        make_session(project, f"prompt {i}", 0, None)
    assert len(json.loads(zot("sessions", "--format", "json", cwd=project).out)) == 20
    assert len(json.loads(zot("sessions", "--format", "json", "--all", cwd=project).out)) == 21
