"""Building an AgentState from options and settings: shared by `-p`, `--json`, the REPL and rpc.

Model selection, in order: `--model`, `ZOT_MODEL`, the settings file's `model`.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from zot.agent.loop import AgentState
from zot.agent.options import Options
from zot.config import Settings, UserError, find_project_root, load_settings

__all__ = ["NO_MODEL_HINT", "Options", "build_state", "load_engine", "model_config", "open_session",
           "reload_extensions", "resolve_model", "start_scripts", "stop_scripts"]

NO_MODEL_HINT = ("pass --model PROVIDER/NAME (e.g. --model anthropic/claude-sonnet-4-5), set ZOT_MODEL, "
                 "or write `model: ...` in ~/.zot/settings.yaml")


def resolve_model(opts: Options, settings: Settings) -> str | None:
    return opts.model or os.environ.get("ZOT_MODEL") or settings.get("model")


def model_config(opts: Options, settings: Settings, require_key: bool = True):
    from zot.llm import ModelConfig

    model = resolve_model(opts, settings)
    if not model:
        raise UserError("no model is configured", NO_MODEL_HINT, code=2)
    if "/" not in model:
        raise UserError(f"`{model}` is not a litellm model string",
                        "write PROVIDER/NAME, e.g. openai/gpt-5 or anthropic/claude-sonnet-4-5", code=2)
    api_key = opts.api_key or settings.get("api_key")
    api_base = opts.api_base or settings.get("api_base")
    extra: dict[str, Any] = {}
    idle = float(settings.get("idle_timeout", 60))
    reasoning = opts.reasoning or settings.get("reasoning")
    cfg = ModelConfig(model=model, api_base=api_base, api_key=api_key, idle_timeout=idle,
                      max_retries=int(settings.get("max_retries", 3)), extra=extra,
                      reasoning=None if reasoning == "off" else reasoning, backend=llm_backend(settings))
    if require_key and not api_key:
        from zot.llm.keys import missing_keys

        missing = missing_keys(cfg)
        if missing:
            raise UserError(f"no API key for {model}: {', '.join(missing)} is not set",
                            f"export {missing[0]}=... or pass --api-key", code=2)
    return cfg


def llm_backend(settings: Settings) -> str | None:
    """`ZOT_LLM` (the environment wins), else the settings' `llm_backend`: how requests are sent."""
    from zot.llm.route import BACKENDS

    for where, value in (("ZOT_LLM", os.environ.get("ZOT_LLM")), ("llm_backend", settings.get("llm_backend"))):
        if value in (None, ""):
            continue
        choice = str(value).strip().lower()
        if choice not in BACKENDS:
            raise UserError(f"{where}: {value!r} is not a way to reach a model",
                            "use auto (zot's own client where it can, litellm elsewhere) or litellm", code=2)
        return choice
    return None


def open_session(opts: Options, state: AgentState) -> list[str]:
    """Start or continue a session; returns warnings (repaired lines, interrupted calls)."""
    from zot.agent.session import SessionWriter, latest_session, load_session

    if opts.no_session:
        return []
    path: Path | None = None
    if opts.session_path:
        path = Path(opts.session_path).expanduser()
        if not path.is_file():
            raise UserError(f"no session file at {path}", "see `zot sessions` for this project's sessions")
    elif opts.continue_session:
        path = latest_session(state.project_root)
        if path is None:
            raise UserError("there is no earlier session in this project to continue",
                            "start one without -c")
    if path is None:
        state.session = SessionWriter.create(state.project_root, state.cwd, state.model.model)
        return []
    loaded = load_session(path)
    state.messages = list(loaded.messages)
    from zot.llm.route import backend

    if backend(state.model) == "openai":     # the first request sends the stored JSON as it is
        from zot.llm.wire.body import reuse

        reuse(loaded.message_json)
    loaded.message_json.clear()
    if loaded.compaction:
        state.compaction = (loaded.compaction.get("summary", ""), int(loaded.compaction.get("first_kept", 0)))
    from zot.llm import Usage

    totals = loaded.usage or {}
    state.usage = Usage(int(totals.get("input_tokens", 0)), int(totals.get("output_tokens", 0)),
                        int(totals.get("cache_read_tokens", 0)), int(totals.get("cache_write_tokens", 0)),
                        loaded.cost)
    try:
        state.session = SessionWriter.open_existing(path)
    except Exception as exc:
        raise UserError(str(exc), "another zot is using this session; continue it there or start a new one")
    for repair in loaded.repairs:
        state.session.append(repair.to_record())
    return [f"{w.file}:{w.line}: {w.message}" for w in loaded.warnings]


def build_state(opts: Options, require_key: bool = True, require_model: bool = True
                ) -> tuple[AgentState, Settings]:
    """With `require_model` False, a missing model is not an error yet (slash commands need none):
    call `model_config` again before the first turn."""
    from zot.ext import trust
    from zot.ext.discover import EXPLICIT_YES
    from zot.tools import builtin_tools

    cwd = (Path(opts.cwd).expanduser() if opts.cwd else Path.cwd()).resolve()
    if not cwd.is_dir():
        raise UserError(f"--cwd {cwd}: no such folder", "give an existing folder", code=2)
    project = find_project_root(cwd)
    settings = load_settings(project, trusted_project=trust.is_trusted(project))
    if require_model or resolve_model(opts, settings):
        cfg = model_config(opts, settings, require_key and require_model)
    else:
        from zot.llm import ModelConfig

        cfg = ModelConfig(model="")
    tools = {t.name: t for t in builtin_tools()}
    state = AgentState(model=cfg, tools=tools, cwd=cwd, project_root=project, max_steps=opts.max_steps,
                       auto_yes=opts.auto_yes, yes_excludes=frozenset() if opts.allow_zot_writes else EXPLICIT_YES,
                       context_window=settings.get("context_window"),
                       output_dir=Path(tempfile.gettempdir()) / "zot-output", system_prompt=opts.system_prompt,
                       system_extra=list(opts.append_system_prompt),
                       tool_filter=None if opts.tools is None else set(opts.tools))
    state.notices = load_engine(opts, state, settings)
    return state, settings


def load_engine(opts: Options, state: AgentState, settings: Settings) -> list[str]:
    """Load and compile extensions into the state's hooks; returns what the user should hear
    about (extensions skipped for errors, untrusted project extensions). Scripts are prepared
    (`state.manager`) and started by `start_scripts`, which needs the event loop."""
    from zot.ext.manager import ExtensionManager

    cli_paths = tuple(Path(p).expanduser().resolve() for p in opts.ext_paths)
    for path in cli_paths:
        if not path.exists():
            raise UserError(f"-e {path}: no such extension folder",
                            "give a folder holding extension.yaml (or a Go zot's extension.json)")
    state.manager = ExtensionManager(cli_paths, not opts.no_ext, settings)
    return state.manager.load(state)


async def start_scripts(state: AgentState, notify: Callable[[str, str, str], None], ui: Any = None,
                        port: Any = None) -> None:
    """Every mode, once its bus exists: start the script extensions, all at once. Returns when
    each is ready or has failed (bounded by the hello + ready timeouts); failures become notices.
    `port` is what the scripts may ask of the session (zot.agent.script_port)."""
    if state.manager is not None:
        await state.manager.start(state, notify, ui, port)


async def stop_scripts(state: AgentState) -> None:
    """At the session's end: `shutdown` to every script, SIGTERM / SIGKILL to the ones that linger."""
    if state.manager is not None:
        await state.manager.shutdown()


async def reload_extensions(state: AgentState) -> list[str]:
    """`/reload-ext` (REPL) and rpc: see `AgentState.reload`."""
    return await state.reload()
