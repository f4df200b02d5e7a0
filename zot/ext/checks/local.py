"""Checks on one manifest beyond its schema: regexes, templates, expressions, declared names."""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import replace
from typing import Iterator

from zot.diagnostics import Diagnostic, did_you_mean
from zot.ext import expr as expressions
from zot.ext import templates
from zot.ext.checks.sites import Site, expr_sites, mapping, regex_sites, seq, template_sites
from zot.yamlio import Document


_close = did_you_mean


def _block_offset(doc: Document, path: tuple) -> int:
    """Template line 1 of a `|` or `>` block scalar sits on the line after its key."""
    return 1 if doc.scalar_style(path) in ("|", ">") else 0


def _site_diag(doc: Document, site_path: tuple, template_line: int, code: str, message: str,
               hint: str, needle: str = "") -> Diagnostic:
    """Point at the template's line inside the file and, when found there, at `needle` itself."""
    line, col = doc.position(site_path)
    offset = _block_offset(doc, site_path)
    if template_line > 1 or offset:
        line = line + offset + template_line - 1
        col = _indent(doc, line) + 1
    col = _find_on_line(doc, line, col, needle)
    return Diagnostic(doc.display, line, col, "error", code, message, hint, tuple(site_path))


def _indent(doc: Document, line: int) -> int:
    lines = doc.text.splitlines()
    if 0 < line <= len(lines):
        return len(lines[line - 1]) - len(lines[line - 1].lstrip())
    return 0


def _find_on_line(doc: Document, line: int, col: int, needle: str) -> int:
    lines = doc.text.splitlines()
    if needle and 0 < line <= len(lines):
        found = lines[line - 1].find(needle, max(col - 1, 0))
        if found < 0:
            found = lines[line - 1].find(needle)
        if found >= 0:
            return found + 1
    return col


def check_template(doc: Document, site: Site, params: frozenset[str]) -> Iterator[Diagnostic]:
    if not templates.looks_templated(site.text):
        return
    info = templates.analyse(site.text)
    if info.error:
        line, message = info.error
        tag = re.search(r"unknown tag '([^']+)'", message)
        named = re.search(r"No (filter|test) named '([^']+)'", message)
        hint = "templates use Jinja syntax: `{{ variable }}`, `{% if x %}...{% endif %}`"
        if named:
            hint = _filter_hint(named.group(1), named.group(2))
        yield _site_diag(doc, site.path, line, "bad-template", f"template error: {message}", hint,
                         tag.group(1) if tag else named.group(2) if named else "")
        return
    yield from _shape_diags(doc, site.path, {c for c in info.chains if c[0] in site.scope.roots}, "template")
    for root in sorted(info.roots - site.scope.roots):
        available = ", ".join(f"`{r}`" for r in sorted(site.scope.roots))
        hint = _close(root, site.scope.roots) + f"available here: {available}"
        if site.scope.where == "a matcher":
            hint += "; a matcher is rendered once, when the extension loads: to test the call, use `expr:`"
        yield _site_diag(doc, site.path, 1, "undeclared-variable",
                         f"the template uses `{root}`, which is not available in {site.scope.where}", hint, root)
    if site.scope.args is not None:
        for attr in sorted(info.attrs.get("args", set()) - site.scope.args):
            declared = ", ".join(f"`{a}`" for a in sorted(site.scope.args)) or "none"
            kind = "parameter" if site.scope.where == "a tool" else "argument"
            yield _site_diag(doc, site.path, 1, "undeclared-variable",
                             f"the template uses `args.{attr}`, but {site.scope.where} declares no {kind} `{attr}`",
                             _close(attr, site.scope.args) + f"declared: {declared}; declare it or fix the name",
                             attr)
    for attr in sorted(info.attrs.get("params", set()) - params):
        declared = ", ".join(f"`{p}`" for p in sorted(params)) or "none"
        yield _site_diag(doc, site.path, 1, "undeclared-variable",
                         f"the template uses `params.{attr}`, which the extension does not declare",
                         _close(attr, params) + f"declared params: {declared}; add it under `params:`", attr)


def _filter_hint(kind: str, name: str) -> str:
    env = templates.environment()
    known = sorted(n for n in (env.filters if kind == "filter" else env.tests) if not n.startswith("zot_"))
    return _close(name, known) or f"{kind}s: " + ", ".join(known)


def _shape_diags(doc: Document, path: tuple, chains: set, what: str) -> Iterator[Diagnostic]:
    """`session.tool_calls_so_far`, `git.brnch`, `cwd.name`: attributes the object does not have."""
    from zot.ext.facts import shape_problem

    reported: set[str] = set()
    for chain in sorted(chains, key=len):
        problem = shape_problem(chain)
        if problem is None or problem[0] in reported or any(problem[0].startswith(r + ".") for r in reported):
            continue
        dotted, choices = problem
        reported.add(dotted)
        owner, _, attr = dotted.rpartition(".")
        if choices and "." in choices[0]:
            hint = _close(dotted, choices) + "it has: " + ", ".join(f"`{c}`" for c in choices)
        else:
            hint = f"`{owner}` is text; " + _close(attr, choices) + "use it as it is, or call a string method"
        yield _site_diag(doc, path, 1, "unknown-attribute", f"the {what} reads `{dotted}`, which does not exist",
                         hint, attr)


def check_expression(doc: Document, path: tuple, source: str, names: frozenset[str],
                     params: frozenset[str]) -> Iterator[Diagnostic]:
    info = expressions.analyse(source)
    known = names | frozenset(expressions.FUNCTIONS) | {"True", "False", "None", "true", "false"}
    if info.error:
        col, message = info.error
        yield _expr_error(doc, path, source, col, message)
        return
    for name in sorted(info.names - known):
        yield _site_diag(doc, path, 1, "unknown-name", f"the expression uses `{name}`, which is not defined here",
                       _close(name, known) + "names: " + ", ".join(f"`{n}`" for n in sorted(names))
                       + "; functions: " + ", ".join(sorted(expressions.FUNCTIONS)), name)
    for attr in sorted(info.attrs.get("params", set()) - params):
        yield _site_diag(doc, path, 1, "undeclared-variable",
                         f"the expression uses `params.{attr}`, which the extension does not declare",
                         _close(attr, params) + "add it under `params:`", attr)
    yield from _shape_diags(doc, path, {c for c in info.chains if c[0] in names}, "expression")


def _expr_error(doc: Document, path: tuple, source: str, col: int, message: str) -> Diagnostic:
    """Point inside a one-line expression: at the name the message quotes, else at `col`."""
    diag = doc.diag(path, "bad-expression", f"expression error: {message}",
                    "expressions are Python-like: `len(args.command) > 200 and tool == 'bash'`")
    text = source.strip()
    lines = doc.text.splitlines()
    if "\n" in text or not 0 < diag.line <= len(lines):
        return diag
    start = lines[diag.line - 1].find(text, max(diag.column - 1, 0))
    if start < 0:
        return diag
    named = re.search(r"`([^`]+)`", message)
    offset = text.find(named.group(1)) if named else -1
    offset = offset if offset >= 0 else min(max(col - 1, 0), len(text))
    return replace(diag, column=start + offset + 1)


def check_regex(doc: Document, path: tuple, pattern: str) -> Iterator[Diagnostic]:
    """The regex compiles as zot runs it (`zot.ext.regexes`); Python's own `re` says best where
    a pattern goes wrong, so it speaks first."""
    from zot.ext import regexes

    try:
        re.compile(pattern)
        regexes.compile(pattern)
    except (re.error, regexes.error) as exc:
        where = f" at position {exc.pos}" if getattr(exc, "pos", None) is not None else ""
        yield doc.diag(path, "bad-regex", f"the regular expression does not compile: {exc.msg}{where}",
                       "regexes use Python syntax; in YAML, single-quote them so backslashes stay as written")


def check_params(doc: Document, m: dict) -> Iterator[Diagnostic]:
    from zot.ext.schema_check import fits

    for name, spec in mapping(m.get("params")).items():
        spec = mapping(spec)
        if "default" not in spec:
            continue
        schema = {k: v for k, v in spec.items() if k in ("type", "enum", "items", "minimum", "maximum")}
        if fits(schema, spec["default"]):      # the common case, without jsonschema
            continue
        from jsonschema import Draft202012Validator

        try:
            errors = list(Draft202012Validator(schema).iter_errors(spec["default"]))
        except Exception:  # a broken `items` schema is reported by the schema check
            continue
        for err in errors[:1]:
            yield doc.diag(("params", name, "default"), "bad-default",
                           f"the default of param `{name}` does not fit its declaration: {err.message}",
                           "make the default match `type` (and `enum`, `items`, limits)")


@lru_cache(maxsize=1)
def _metaschema_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(Draft202012Validator.META_SCHEMA)


def _metaschema_error(params: dict):
    """What `check_schema` would raise, with one validator built once instead of one per tool."""
    from zot.ext.schema_check import fits_metaschema

    if fits_metaschema(params):     # the common case, without jsonschema
        return None
    from jsonschema.exceptions import SchemaError, best_match

    error = best_match(_metaschema_validator().iter_errors(params))
    return None if error is None else SchemaError.create_from(error)


def check_tool_schemas(doc: Document, m: dict) -> Iterator[Diagnostic]:
    for name, tool in mapping(m.get("tools")).items():
        params = mapping(tool).get("parameters")
        if not isinstance(params, dict):
            continue
        problem = _metaschema_error(params)
        if problem is not None:
            yield _schema_error(doc, ("tools", name, "parameters", *problem.path), problem)
            continue
        if params.get("type", "object") != "object":
            yield doc.diag(("tools", name, "parameters", "type"), "bad-json-schema",
                           "a tool's `parameters` must describe an object", "write `type: object`")
        for req in seq(params.get("required")):
            if req not in mapping(params.get("properties")):
                yield doc.diag(("tools", name, "parameters", "required"), "bad-json-schema",
                               f"`{req}` is required but not declared under `properties`",
                               "declare it under `properties` or remove it from `required`")


JSON_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")
JSON_TYPE_SYNONYMS = {"str": "string", "text": "string", "int": "integer", "float": "number", "bool": "boolean",
                      "list": "array", "dict": "object", "map": "object", "mapping": "object", "none": "null"}


def _schema_error(doc: Document, path: tuple, exc) -> Diagnostic:
    """A JSON Schema mistake in a tool's `parameters`; an unknown `type` gets a plain message."""
    hint = "see https://json-schema.org; e.g. {type: object, properties: {path: {type: string}}}"
    value = exc.instance
    if path and path[-1] == "type" and isinstance(value, str) and value not in JSON_TYPES:
        guess = JSON_TYPE_SYNONYMS.get(value.lower()) or next(iter(difflib.get_close_matches(value, JSON_TYPES, 1)), None)
        return doc.diag(path, "bad-json-schema", f"`{value}` is not a JSON Schema type",
                        (f"did you mean `type: {guess}`? " if guess else "") + "types: " + ", ".join(JSON_TYPES))
    return doc.diag(path, "bad-json-schema", f"`parameters` is not a valid JSON Schema: {exc.message}", hint)


def check_commands(doc: Document, m: dict) -> Iterator[Diagnostic]:
    templates_declared = set(mapping(mapping(m.get("prompts")).get("templates")))
    for name, cmd in mapping(m.get("commands")).items():
        cmd = mapping(cmd)
        args = seq(cmd.get("args"))
        seen: set[str] = set()
        for i, arg in enumerate(args):
            arg = mapping(arg)
            arg_name = arg.get("name")
            if isinstance(arg_name, str) and arg_name in seen:
                yield doc.diag(("commands", name, "args", i, "name"), "duplicate-name",
                               f"command `{name}` declares the argument `{arg_name}` twice", "rename one of them")
            seen.add(str(arg_name))
            if arg.get("rest") and i != len(args) - 1:
                yield doc.diag(("commands", name, "args", i, "rest"), "bad-value",
                               "only the last argument can take the rest of the words",
                               "move this argument to the end, or remove `rest: true`")
            if "default" in arg and isinstance(arg.get("enum"), list) and arg["enum"] and \
                    arg["default"] not in arg["enum"]:
                yield doc.diag(("commands", name, "args", i, "default"), "bad-default",
                               f"the default `{arg['default']}` is not one of the argument's `enum` values",
                               "pick one of: " + ", ".join(map(str, arg["enum"])))
        ref = mapping(cmd.get("prompt")).get("template")
        if isinstance(ref, str) and ref not in templates_declared:
            yield doc.diag(("commands", name, "prompt", "template"), "unknown-template",
                           f"there is no prompt template `{ref}` in this extension",
                           _close(ref, templates_declared) + "declare it under `prompts: templates:`")


def check_document(doc: Document, m: dict) -> list[Diagnostic]:
    """Every local semantic check; the schema has already passed or failed independently."""
    params = frozenset(str(k) for k in mapping(m.get("params")))
    out: list[Diagnostic] = []
    for site in template_sites(m):
        out.extend(check_template(doc, site, params))
    for path, source, names in expr_sites(m):
        out.extend(check_expression(doc, path, source, names, params))
    for path, pattern in regex_sites(m):
        out.extend(check_regex(doc, path, pattern))
    from zot.ext.checks import patterns

    from zot.ext.checks import datadir, scripts

    out.extend(scripts.check_programs(doc, m))
    out.extend(datadir.check_data_files(doc, m))
    out.extend(patterns.check_globs(doc, m))
    out.extend(patterns.check_regex_quoting(doc, m))
    out.extend(check_params(doc, m))
    out.extend(check_tool_schemas(doc, m))
    out.extend(check_commands(doc, m))
    from zot.ext.checks.presentation import check_presentation   # widgets, blocks, renderers, keys

    out.extend(check_presentation(doc, m))
    if "mcp" in m:
        from zot.ext.checks.mcp import check_mcp

        out.extend(check_mcp(doc, m))
    return out
