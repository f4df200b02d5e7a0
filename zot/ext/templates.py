"""Jinja templates inside manifest strings: one sandboxed environment, parsed once.

Templates render in Jinja's immutable sandbox with StrictUndefined, so a template can neither
reach Python internals nor silently print nothing for a misspelt variable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_OUTPUT = 1_000_000


@lru_cache(maxsize=1)
def environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                        keep_trailing_newline=False)
    return env


@dataclass
class TemplateInfo:
    """What a template uses: root variables and the attributes read from each root."""

    error: tuple[int, str] | None = None        # (template line, message)
    roots: set[str] = field(default_factory=set)
    attrs: dict[str, set[str]] = field(default_factory=dict)


def looks_templated(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


@lru_cache(maxsize=4096)
def analyse(source: str) -> TemplateInfo:
    from jinja2 import TemplateSyntaxError, meta, nodes

    info = TemplateInfo()
    env = environment()
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        info.error = (exc.lineno or 1, exc.message or "syntax error")
        return info
    info.roots = set(meta.find_undeclared_variables(ast))
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node
        if isinstance(base, nodes.Name) and base.ctx == "load":
            if isinstance(node, nodes.Getattr):
                info.attrs.setdefault(base.name, set()).add(node.attr)
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                info.attrs.setdefault(base.name, set()).add(node.arg.value)
    return info


@lru_cache(maxsize=4096)
def compile_template(source: str):
    return environment().from_string(source)


def render(source: str, context: dict[str, Any]) -> str:
    """Render; raises jinja2 errors (the caller turns them into an error result)."""
    text = compile_template(source).render(**context)
    if len(text) > MAX_OUTPUT:
        raise ValueError(f"template output is over {MAX_OUTPUT:,} characters")
    return text
