from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import signal
import tempfile
import time
from pathlib import Path

import pytest

from zot.tools import bash

SPAWN = ("sleep 100 & echo child=$!; "
         "bash -c 'sleep 100 & echo grandchild=$!; wait' & echo sub=$!; "
         "echo shell=$$; sleep 100")


def pids(output: str) -> dict[str, int]:
    return {name: int(pid) for name, pid in re.findall(r"^(\w+)=(\d+)$", output, re.M)}


def alive(pid: int) -> bool:
    """A zombie waiting for init to reap it is gone for our purposes."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False


def wait_gone(found: dict[str, int]) -> list[str]:
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and any(alive(p) for p in found.values()):
        time.sleep(0.02)
    return [name for name, pid in found.items() if alive(pid)]


def test_output_and_exit_code(ctx, call):
    result = call("bash", command="echo out; echo err >&2; pwd; exit 3")
    assert result.is_error
    assert result.content == f"out\nerr\n{ctx.cwd}\n\n[exit code 3]"
    assert result.details["exit_code"] == 3
    assert result.details["full_output_path"] is None


def test_success(call):
    result = call("bash", command="printf 'a\\nb'")
    assert not result.is_error
    assert result.content == "a\nb\n\n[exit code 0]"


def test_no_output(call):
    assert call("bash", command="true").content == "(no output)\n\n[exit code 0]"


def test_command_is_one_argv_element_and_stdin_is_empty(call):
    result = call("bash", command='echo "args=$#"; cat; echo "done $((1+1))"')
    assert result.content == "args=0\ndone 2\n\n[exit code 0]"


def test_env_from_context(ctx, call):
    result = call("bash", dataclasses.replace(ctx, env={"PATH": os.environ["PATH"], "ZOT_X": "42"}),
                  command="echo $ZOT_X")
    assert result.content.startswith("42\n")


def test_killed_by_signal(call):
    result = call("bash", command="kill -9 $$")
    assert result.is_error
    assert result.content.endswith("[command killed by signal SIGKILL]")


def test_output_capped_by_lines_with_full_file(ctx, call):
    result = call("bash", command="seq 1 10000")
    assert not result.is_error
    body, notes = result.content.split("\n\n")
    assert body.splitlines() == [str(i) for i in range(8001, 10001)]
    full = Path(result.details["full_output_path"])
    assert full.parent == ctx.output_dir
    assert notes == (f"[output truncated: showing the last 2000 of 10000 lines (47.7 KiB in all); "
                     f"full output saved to {full}]\n[exit code 0]")
    assert full.read_text() == "".join(f"{i}\n" for i in range(1, 10001))
    assert result.details["truncated"] is True


def test_output_capped_by_bytes(ctx, call):
    result = call("bash", command="for i in $(seq 1000); do printf '%099d\\n' $i; done")
    body = result.content.split("\n\n")[0].splitlines()
    assert len(body) == 512                    # 51,200 bytes of 100-byte lines
    assert body[-1] == f"{1000:099d}" and body[0] == f"{489:099d}"
    assert "showing the last 512 of 1000 lines" in result.content
    assert Path(result.details["full_output_path"]).stat().st_size == 100_000


def test_full_output_defaults_to_temp_dir(ctx, call, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    result = call("bash", dataclasses.replace(ctx, output_dir=None), command="seq 1 3000")
    assert Path(result.details["full_output_path"]).parent == tmp_path / "tmp" / "zot-outputs"


def test_uncut_output_leaves_no_file(ctx, call):
    call("bash", command="echo hi")
    assert list(ctx.output_dir.iterdir()) == []


def test_timeout_kills_process_group(call):
    start = time.monotonic()
    result = call("bash", command=SPAWN, timeout=1)
    assert time.monotonic() - start < 4
    assert result.is_error
    assert result.content.endswith("[command timed out after 1 s; it and its child processes were killed]")
    assert result.details["timed_out"] and result.details["exit_code"] is None
    found = pids(result.content)
    assert set(found) == {"child", "grandchild", "sub", "shell"}
    assert wait_gone(found) == []


def test_sigkill_after_grace_for_children_ignoring_sigterm(call, monkeypatch):
    monkeypatch.setattr(bash, "KILL_GRACE_SECONDS", 0.3)
    result = call("bash", command="trap '' TERM; sleep 100 & echo child=$!; sleep 100", timeout=1)
    assert result.details["timed_out"]
    assert wait_gone(pids(result.content)) == []


def test_cancel_kills_process_group(ctx):
    async def go():
        c = dataclasses.replace(ctx, cancel=asyncio.Event())
        task = asyncio.create_task(bash.run({"command": SPAWN}, c))
        await asyncio.sleep(0.5)
        c.cancel.set()
        return await asyncio.wait_for(task, 5)

    result = asyncio.run(go())
    assert result.is_error and result.details["cancelled"]
    assert result.content.endswith("[command cancelled; it and its child processes were killed]")
    found = pids(result.content)
    assert len(found) == 4
    assert wait_gone(found) == []


def test_task_cancellation_kills_process_group(ctx, tmp_path):
    marker = tmp_path / "pids.txt"

    async def go():
        task = asyncio.create_task(bash.run({"command": f"({SPAWN}) > {marker}"}, ctx))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())
    found = pids(marker.read_text())
    assert len(found) == 4
    assert wait_gone(found) == []


def test_background_job_does_not_hold_the_call(call):
    start = time.monotonic()
    result = call("bash", command="sleep 30 & echo pid=$!")
    try:
        assert time.monotonic() - start < 3
        assert not result.is_error
        assert "[background processes are still running" in result.content
    finally:
        os.kill(pids(result.content)["pid"], signal.SIGKILL)


def test_missing_cwd(ctx, call):
    result = call("bash", dataclasses.replace(ctx, cwd=ctx.cwd / "nope"), command="true")
    assert result.is_error
    assert "does not exist" in result.content
