"""Running an exec spec (`run:` in tools, commands, hooks and widgets): argv, never a shell.

Each argv element is rendered on its own and passed whole, so a value with quotes, `$(...)`,
`;` or newlines reaches the program as one argument and is never interpreted by a shell. An
element that renders to the empty string is left out, so optional flags can be written as
`"{% if args.verbose %}-v{% endif %}"`. The
program runs in its own process group; a timeout or a cancel kills the whole group.
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


@dataclass
class RunResult:
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    timed_out: bool = False
    error: str | None = None          # could not start, or a template failed
    truncated: bool = False

    @property
    def failed(self) -> bool:
        return self.error is not None or self.timed_out or self.exit_code != 0

    def facts(self) -> dict[str, Any]:
        return {"stdout": self.stdout, "stderr": self.stderr, "exit_code": self.exit_code}

    def summary(self) -> str:
        if self.error:
            return self.error
        if self.timed_out:
            return "timed out"
        return f"exit code {self.exit_code}"


def _cap(data: bytes, limit: int) -> tuple[str, bool]:
    text = data.decode("utf-8", errors="replace")
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", errors="replace") + f"\n[output cut at {limit} bytes]", True


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
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=folder, env=env, stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True)
    except FileNotFoundError:
        return RunResult(error=f"program not found: {argv[0]}")
    except (NotADirectoryError, PermissionError, OSError) as exc:
        return RunResult(error=f"could not start {argv[0]}: {exc.strerror or exc}")
    work = asyncio.ensure_future(proc.communicate(stdin))
    waiters = {work}
    stopper = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
    if stopper is not None:
        waiters.add(stopper)
    done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if stopper is not None:
        stopper.cancel()
    if work not in done:
        _kill(proc.pid)
        out, err = await work
        result = RunResult(*(_cap(out, limit)[0], _cap(err, limit)[0]), exit_code=proc.returncode)
        if stopper is not None and stopper in done:
            result.error = "cancelled"
        else:
            result.timed_out = True
        return result
    out, err = work.result()
    stdout, cut1 = _cap(out, limit)
    stderr, cut2 = _cap(err, limit)
    return RunResult(stdout, stderr, proc.returncode, truncated=cut1 or cut2)


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
