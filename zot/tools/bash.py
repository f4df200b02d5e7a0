"""The `bash` tool: run a shell command the model wrote, bounded in time and in output.

The command runs as `/bin/bash -c COMMAND` (one argv element, nothing spliced in) in its own
process group, so a timeout or a cancel can kill everything it started. Background jobs (`&`)
that outlive the shell keep running, but their output after the shell exits is not captured.
"""
from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from zot.tools._common import MAX_BYTES, MAX_LINES, error, format_size
from zot.tools._tail import TailBuffer
from zot.tools.base import FunctionTool, ToolContext, ToolResult

DEFAULT_TIMEOUT = 120
KILL_GRACE_SECONDS = 2.0     # between SIGTERM and SIGKILL
DRAIN_SECONDS = 0.5          # how long to wait for output still in flight after the shell exits
PROGRESS_SECONDS = 1.0       # a command still running after this says so, then at this interval

DESCRIPTION = (
    "Run a bash command (`/bin/bash -c COMMAND`) in the working directory, with stdin closed and "
    "stdout and stderr merged. Returns the output and the exit code; a non-zero exit is an error. "
    f"Output longer than {MAX_LINES} lines or {MAX_BYTES // 1024} KiB keeps only its LAST part, and "
    "the result says where the full output was saved (read it with `read` or `grep`). The command is "
    f"killed, with everything it started, after `timeout` seconds (default {DEFAULT_TIMEOUT}). It "
    "cannot prompt for input: pass flags such as `-y`. Prefer read, ls, grep and find for looking at "
    "files."
)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "command": {"type": "string", "minLength": 1, "description": "The bash command line to run."},
        "timeout": {"type": "integer", "minimum": 1,
                    "description": f"Seconds before the command is killed (default {DEFAULT_TIMEOUT})."},
    },
    "required": ["command"],
    "additionalProperties": False,
}


@dataclass
class _Outcome:
    returncode: int
    stopped: str | None        # "timeout", "cancelled" or None
    detached: bool             # background processes still held the output open


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    """Zombies do not count: an orphan waits for init to reap it, which may be a while."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        entries = os.listdir("/proc")
    except OSError:
        return True              # no /proc: assume alive, SIGKILL follows anyway
    return any(_live_member(entry, pgid) for entry in entries if entry.isdigit())


def _live_member(pid: str, pgid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return int(fields[2]) == pgid and fields[0] not in (b"Z", b"X")


async def _kill_group(pgid: int) -> None:
    """SIGTERM lets well-behaved programs clean up; SIGKILL then takes whatever ignored it."""
    _signal_group(pgid, signal.SIGTERM)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + KILL_GRACE_SECONDS
    while loop.time() < deadline and _group_alive(pgid):
        await asyncio.sleep(0.05)
    _signal_group(pgid, signal.SIGKILL)


async def _reap(proc: asyncio.subprocess.Process) -> None:
    """Kill and wait, so the exit is collected by asyncio rather than raced by a later poll()."""
    await _kill_group(proc.pid)
    try:
        await asyncio.wait_for(proc.wait(), KILL_GRACE_SECONDS)
    except asyncio.TimeoutError:
        pass


async def _pump(reader: asyncio.StreamReader, full: BinaryIO, tail: TailBuffer) -> None:
    while chunk := await reader.read(65536):
        full.write(chunk)
        tail.feed(chunk)


async def _report(ctx: ToolContext, tail: TailBuffer) -> None:
    """While the command runs: how long and how much output, never the output (it has not been
    through the result hooks, which redact)."""
    if ctx.progress is None:
        return
    started = asyncio.get_running_loop().time()
    while True:
        await asyncio.sleep(PROGRESS_SECONDS)
        seconds = asyncio.get_running_loop().time() - started
        lines = tail.total_lines
        ctx.progress(f"running for {seconds:.0f} s, {lines} line{'s' if lines != 1 else ''} of output "
                     f"({format_size(tail.total_bytes)})")


async def _execute(command: str, ctx: ToolContext, timeout: float, full: BinaryIO, tail: TailBuffer) -> _Outcome:
    # Our own pipe rather than PIPE: asyncio's wait() would otherwise block until every
    # background child closed the pipe, not when the shell exits.
    read_fd, write_fd = os.pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            "/bin/bash", "-c", command, cwd=str(ctx.cwd), env=ctx.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=write_fd, stderr=write_fd, start_new_session=True)
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader),
                                                os.fdopen(read_fd, "rb", buffering=0))
    pump = asyncio.create_task(_pump(reader, full, tail))
    reporter = asyncio.create_task(_report(ctx, tail))
    waiter = asyncio.create_task(proc.wait())
    cancelled = asyncio.create_task(ctx.cancel.wait())
    stopped = None
    try:
        done, _ = await asyncio.wait({waiter, cancelled}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            stopped = "cancelled" if cancelled in done else "timeout"
            await _kill_group(proc.pid)
        returncode = await waiter
        finished, _ = await asyncio.wait({pump}, timeout=DRAIN_SECONDS)
        return _Outcome(returncode, stopped, detached=pump not in finished)
    except asyncio.CancelledError:
        await asyncio.shield(_reap(proc))
        raise
    finally:
        for task in (pump, reporter, waiter, cancelled):
            task.cancel()
        transport.close()


def _notes(outcome: _Outcome, tail: TailBuffer, shown_lines: int, cut: bool, full_path: Path, timeout: float) -> list[str]:
    notes = []
    if cut:
        notes.append(f"[output truncated: showing the last {shown_lines} of {tail.total_lines} lines "
                     f"({format_size(tail.total_bytes)} in all); full output saved to {full_path}]")
    if outcome.detached:
        notes.append("[background processes are still running; their further output is not captured]")
    if outcome.stopped == "timeout":
        notes.append(f"[command timed out after {timeout:g} s; it and its child processes were killed]")
    elif outcome.stopped == "cancelled":
        notes.append("[command cancelled; it and its child processes were killed]")
    elif outcome.returncode < 0:
        notes.append(f"[command killed by signal {signal.Signals(-outcome.returncode).name}]")
    else:
        notes.append(f"[exit code {outcome.returncode}]")
    return notes


def _output_dir(ctx: ToolContext) -> Path:
    out = Path(ctx.output_dir) if ctx.output_dir else Path(tempfile.gettempdir()) / "zot-outputs"
    out.mkdir(parents=True, exist_ok=True)
    return out


async def run(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
    command: str = args["command"]
    timeout = args.get("timeout") or DEFAULT_TIMEOUT
    if not Path(ctx.cwd).is_dir():
        return error(f"The working directory {ctx.cwd} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix="bash-", suffix=".log", dir=_output_dir(ctx))
    except OSError as exc:
        return error(f"Cannot create a file for the command's output: {exc}")
    full_path, tail = Path(name), TailBuffer()
    try:
        with os.fdopen(fd, "wb") as full:
            outcome = await _execute(command, ctx, timeout, full, tail)
    except OSError as exc:
        full_path.unlink(missing_ok=True)
        return error(f"Cannot start /bin/bash: {exc}")
    text, shown_lines, cut = tail.text()
    if not cut:
        full_path.unlink(missing_ok=True)
    body = text if tail.total_bytes else "(no output)"
    content = "\n".join([body, "", *_notes(outcome, tail, shown_lines, cut, full_path, timeout)])
    return ToolResult(
        content=content,
        is_error=outcome.stopped is not None or outcome.returncode != 0,
        details={
            "exit_code": None if outcome.stopped else outcome.returncode,
            "timed_out": outcome.stopped == "timeout",
            "cancelled": outcome.stopped == "cancelled",
            "truncated": cut,
            "full_output_path": str(full_path) if cut else None,
            "total_lines": tail.total_lines,
            "total_bytes": tail.total_bytes,
        },
    )


def tool() -> FunctionTool:
    return FunctionTool(name="bash", description=DESCRIPTION, parameters=PARAMETERS, fn=run)
