"""Running an exec spec (`run:` in tools, commands, hooks and widgets): argv, never a shell.

Each argv element is rendered on its own and passed whole, so a value with quotes, `$(...)`,
`;` or newlines reaches the program as one argument and is never interpreted by a shell. An
element that renders to the empty string is left out, so optional flags can be written as
`"{% if args.verbose %}-v{% endif %}"`. The program runs in the project root, or in `cwd:`
relative to it (callers pass the project root as `cwd`). It runs in its own process group; a
timeout or a cancel kills the whole group.
"""
from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zot.ext import templates
from zot.ext.durations import seconds

DEFAULT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "USER", "SHELL")
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_OUTPUT = 51200
KILL_GRACE = 5.0        # after a kill, how long to wait for the pipes to close


@dataclass
class RunResult:
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    timed_out: bool = False
    error: str | None = None          # could not start, or a template failed
    truncated: bool = False
    timeout: float = 0.0              # the limit that applied, for the message when it was hit

    @property
    def failed(self) -> bool:
        return self.error is not None or self.timed_out or self.exit_code != 0

    def facts(self) -> dict[str, Any]:
        return {"stdout": self.stdout, "stderr": self.stderr, "exit_code": self.exit_code}

    def summary(self) -> str:
        if self.error:
            return self.error
        if self.timed_out:
            return f"timed out after {self.timeout:g}s and was stopped" if self.timeout else "timed out"
        return f"exit code {self.exit_code}"


def _cap(data: bytes | bytearray, limit: int) -> tuple[str, bool]:
    if len(data) <= limit:
        return bytes(data).decode("utf-8", errors="replace"), False
    return bytes(data[:limit]).decode("utf-8", errors="replace") + f"\n[output cut at {limit} bytes]", True


def prepare(spec: dict, context: dict[str, Any], cwd: Path) -> tuple[list[str], Path, dict[str, str], bytes | None]:
    """Render every templated field; raises on a template error."""
    rendered = [templates.render(str(a), context) for a in spec["argv"]]
    argv = [a for a in rendered if a != ""]   # an element that renders to nothing is left out
    if not argv:
        raise ValueError("argv rendered to nothing")
    folder = Path(templates.render(spec["cwd"], context)) if spec.get("cwd") else cwd
    if not folder.is_absolute():
        folder = cwd / folder
    env = {k: os.environ[k] for k in spec.get("env", DEFAULT_ENV) if k in os.environ}
    for key, value in (spec.get("set_env") or {}).items():
        env[key] = templates.render(str(value), context)
    stdin = templates.render(spec["stdin"], context).encode() if spec.get("stdin") is not None else None
    return argv, folder, env, stdin


async def run_exec(spec: dict, context: dict[str, Any], cwd: Path,
                   cancel: asyncio.Event | None = None) -> RunResult:
    """Run; never raises for the program's or the template's failure (they are in the result)."""
    try:
        argv, folder, env, stdin = prepare(spec, context, cwd)
    except Exception as exc:
        return RunResult(error=f"template error: {exc}")
    timeout = seconds(spec.get("timeout"), DEFAULT_TIMEOUT)
    limit = int(spec.get("max_output", DEFAULT_MAX_OUTPUT))
    if not folder.is_dir():   # else the OS reports a missing folder as a missing program
        return RunResult(error=f"the working directory {folder} does not exist")
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=folder, env=env, stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True)
    except FileNotFoundError:
        return RunResult(error=f"program not found: {argv[0]}")
    except (NotADirectoryError, PermissionError, OSError) as exc:
        return RunResult(error=f"could not start {argv[0]}: {exc.strerror or exc}")
    out, err = bytearray(), bytearray()
    work = asyncio.ensure_future(_collect(proc, stdin, limit, out, err))
    waiters = {work}
    stopper = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
    if stopper is not None:
        waiters.add(stopper)
    try:
        done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:      # whoever awaited us gave up: the program must not live on
        _kill(proc.pid)
        await asyncio.wait({work}, timeout=KILL_GRACE)     # its pipes close, it is reaped
        work.cancel()
        raise
    finally:
        if stopper is not None:
            stopper.cancel()
    if work not in done:
        _kill(proc.pid)
        try:
            await asyncio.wait_for(work, KILL_GRACE)
        except asyncio.TimeoutError:
            pass                        # a process that left the group still holds the pipes
        except Exception:               # noqa: BLE001 - what was read so far is still shown
            pass
        result = RunResult(_cap(out, limit)[0], _cap(err, limit)[0], exit_code=proc.returncode, timeout=timeout)
        if stopper is not None and stopper in done:
            result.error = "cancelled"
        else:
            result.timed_out = True
        return result
    if work.exception() is not None:
        _kill(proc.pid)
        return RunResult(error=f"reading the output of {argv[0]} failed: {work.exception()}")
    stdout, cut1 = _cap(out, limit)
    stderr, cut2 = _cap(err, limit)
    return RunResult(stdout, stderr, proc.returncode, truncated=cut1 or cut2)


async def _collect(proc, stdin: bytes | None, limit: int, out: bytearray, err: bytearray) -> None:
    """Feed stdin, read both streams to the end keeping at most `limit + 1` bytes of each (so a
    chatty program neither blocks on a full pipe nor fills memory), then reap the process."""
    await asyncio.gather(_feed(proc.stdin, stdin), _read_capped(proc.stdout, limit, out),
                         _read_capped(proc.stderr, limit, err))
    await proc.wait()


async def _feed(writer, data: bytes | None) -> None:
    if writer is None:
        return
    try:
        if data:
            writer.write(data)
            await writer.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass                            # the program did not read it all: its business
    finally:
        writer.close()


async def _read_capped(stream, limit: int, kept: bytearray) -> None:
    while chunk := await stream.read(65536):
        room = limit + 1 - len(kept)
        if room > 0:
            kept += chunk[:room]


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
