"""`zot -r` lists this project's sessions on the terminal and resumes the one chosen."""
import os
import subprocess
import sys

import pexpect

from tests.fakellm import FakeLLMServer, text

ZOT = [sys.executable, "-m", "zot.cli"]


def test_resume_asks_on_the_terminal_and_continues_the_chosen_session(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    with FakeLLMServer() as server:
        model = ["--no-ext", "--model", "openai/fake", "--api-base", server.url, "--api-key", "t"]
        server.enqueue(text("first answer"), text("second answer"))
        for prompt in ("the first session", "the second session"):
            done = subprocess.run([*ZOT, "-p", *model, prompt], cwd=project, capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode == 0, done.stderr
        server.enqueue(text("resumed"))
        child = pexpect.spawn(ZOT[0], [*ZOT[1:], "-r", "-p", *model, "go on"], cwd=str(project),
                              env=dict(os.environ), encoding="utf-8", timeout=60)
        child.expect("resume which session")
        listing = child.before
        assert "the second session" in listing and "the first session" in listing
        # newest first: the first session is number 2
        child.sendline("2")
        child.expect("resumed")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        sent = [m.get("content") for m in server.requests[-1]["messages"]]
        assert "the first session" in sent and "the second session" not in sent and sent[-1] == "go on"


def test_resume_without_a_terminal_says_what_to_use_instead(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    done = subprocess.run([*ZOT, "-r", "-p", "hi"], cwd=project, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, start_new_session=True, timeout=60)
    assert done.returncode == 2
    assert "no earlier session" in done.stderr or "--session" in done.stderr
