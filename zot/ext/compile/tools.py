"""compile_tools: `tools:` entries become tools the model can call, beside the built-ins.

`run` executes an argv list (the exit code sets the error flag), `http` makes one request,
`template` renders text. Arguments were validated against the tool's schema by the tool-call
path before `run` is reached; a failure here is an error result the model can act on.
"""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from zot.ext import templates
from zot.ext.compile.context import ExtCtx, template_facts
from zot.ext.durations import seconds
from zot.ext.runner import run_exec
from zot.tools.base import FunctionTool, ToolContext, ToolResult

MAX_HTTP_BODY = 1024 * 1024
EMPTY_PARAMS = {"type": "object", "properties": {}, "additionalProperties": False}


class Args(dict):
    """The call's arguments as templates see them. A declared parameter the model left out is its
    schema `default` when it has one, else undefined in Jinja's lenient way: false in `{% if %}`,
    replaced by `| default(...)`, empty when printed. So the documented optional-flag idiom
    `"{% if args.verbose %}-v{% endif %}"` works; a name the schema does not declare still fails."""

    def __init__(self, args: dict[str, Any], properties: dict[str, Any]) -> None:
        super().__init__(args)
        self._declared = properties

    def __missing__(self, key: str) -> Any:
        if key not in self._declared:
            raise KeyError(key)
        spec = self._declared[key]
        if isinstance(spec, dict) and "default" in spec:
            return spec["default"]
        from jinja2 import Undefined

        return Undefined(name=key)


def context_for(ext: ExtCtx, args: dict[str, Any], ctx: ToolContext, parameters: dict | None = None
                ) -> dict[str, Any]:
    facts = getattr(ctx, "facts", None) or {}
    base = template_facts(Path(ctx.cwd), Path(ctx.project_root), facts.get("model", ""), ext,
                          facts.get("session"))
    properties = (parameters or {}).get("properties") or {}
    return {**base, "args": Args(args, properties if isinstance(properties, dict) else {})}


def _default_run_text(result) -> str:
    parts = [result.stdout.rstrip()]
    if result.stderr.strip():
        parts.append("[stderr]\n" + result.stderr.rstrip())
    if result.error or result.timed_out or result.exit_code:
        parts.append(f"[{result.summary()}]")
    return "\n".join(p for p in parts if p) or f"[no output; {result.summary()}]"


def _render_result(node: dict, context: dict[str, Any], default: str) -> tuple[str, bool]:
    if not node.get("result"):
        return default, False
    try:
        return templates.render(node["result"], context), False
    except Exception as exc:
        return f"the result template of this tool failed: {exc}\n{default}", True


async def _run(node: dict, context: dict[str, Any], ctx: ToolContext) -> ToolResult:
    result = await run_exec(node["run"], context, Path(ctx.project_root), ctx.cancel)   # `cwd:` is project-relative
    text, broken = _render_result(node, {**context, **result.facts()}, _default_run_text(result))
    return ToolResult(text, is_error=result.failed or broken,
                      details={"exit_code": result.exit_code, "timed_out": result.timed_out})


def _request(spec: dict, context: dict[str, Any]) -> dict[str, Any]:
    url = templates.render(spec["url"], context)
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"only http and https URLs are allowed, not {url[:40]!r}")
    headers = {k: templates.render(str(v), context) for k, v in (spec.get("headers") or {}).items()}
    body: bytes | None = None
    if "json" in spec:
        body = json.dumps(_render_json(spec["json"], context)).encode()
        if not any(k.lower() == "content-type" for k in headers):   # the manifest's own, in any case, wins
            headers["Content-Type"] = "application/json"
    elif spec.get("body") is not None:
        body = templates.render(spec["body"], context).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method=spec.get("method", "GET"))
    timeout = seconds(spec.get("timeout"), 30.0)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            status, raw, head = response.status, response.read(MAX_HTTP_BODY), dict(response.headers)
    except urllib.error.HTTPError as exc:
        status, raw, head = exc.code, exc.read(MAX_HTTP_BODY), dict(exc.headers or {})
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return {"status": status, "body": text, "json": parsed, "headers": head}


def _render_json(value: Any, context: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return templates.render(value, context)
    if isinstance(value, dict):
        return {k: _render_json(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_render_json(v, context) for v in value]
    return value


async def _http(node: dict, context: dict[str, Any]) -> ToolResult:
    try:
        response = await asyncio.to_thread(_request, node["http"], context)
    except Exception as exc:  # bad URL, refused connection, timeout: the model reads it
        return ToolResult(f"the request failed: {exc}", is_error=True)
    default = f"HTTP {response['status']}\n{response['body']}"
    text, broken = _render_result(node, {**context, **response}, default)
    return ToolResult(text, is_error=response["status"] >= 400 or broken, details={"status": response["status"]})


def compile_tool(name: str, node: dict, ext: ExtCtx) -> FunctionTool:
    async def call(args: dict[str, Any], ctx: ToolContext) -> ToolResult:
        context = context_for(ext, args, ctx, node.get("parameters"))
        if "run" in node:
            return await _run(node, context, ctx)
        if "http" in node:
            return await _http(node, context)
        try:
            return ToolResult(templates.render(node["template"], context))
        except Exception as exc:
            return ToolResult(f"the template of this tool failed: {exc}", is_error=True)

    return FunctionTool(name=name, description=node["description"], parameters=node.get("parameters") or EMPTY_PARAMS,
                        fn=call, source=f"{ext.name} ({ext.location('tools', name)})")


def compile_tools(section: dict, ext: ExtCtx) -> list[FunctionTool]:
    return [compile_tool(name, node, ext) for name, node in (section or {}).items()]
