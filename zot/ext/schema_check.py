"""Schema errors as diagnostics a person can act on.

jsonschema reports *every* failed branch of a `oneOf`/`anyOf` and speaks in JSON pointers. Users
need the one cause that matters, at the node where it is, with a suggestion. This module picks the
most specific error and words it.
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from typing import Any, Iterable

from zot.config import shipped_dir
from zot.diagnostics import Diagnostic
from zot.yamlio import Document

TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
              "number": "a number", "boolean": "true or false", "null": "nothing (null)"}
SYNONYMS = {"block": "deny", "reject": "deny", "forbid": "deny", "refuse": "deny", "ask": "confirm",
            "prompt": "confirm", "permit": "allow", "accept": "allow", "approve": "allow",
            "warning": "warn", "modify": "rewrite", "replace": "rewrite"}
NAME_PATTERNS = {"^[a-z][a-z0-9_-]*$": "use lowercase letters, digits, `-` and `_`, starting with a letter",
                 "^[a-z][a-z0-9_]*$": "use lowercase letters, digits and `_`, starting with a letter "
                                      "(model providers reject other characters in tool names)"}


@lru_cache(maxsize=None)
def load_schema(kind: str) -> dict:
    path = shipped_dir("schemas") / f"{kind}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(kind: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(kind))


@lru_cache(maxsize=None)
def _fast(kind: str):
    from zot.ext.fastschema import compile_schema

    return compile_schema(load_schema(kind))


def surely_valid(kind: str, plain: Any) -> bool:
    """The compiled check (zot.ext.fastschema) says the data fits: jsonschema has nothing to say.
    False means "ask jsonschema", which then words every problem as before."""
    return _fits(_fast(kind), plain)


def _fits(check, value: Any) -> bool:
    if check is None:
        return False
    try:
        return check(value)
    except Exception:  # e.g. a key that is not text under patternProperties: jsonschema decides
        return False


_FITS: dict[str, Any] = {}


def fits(schema: Any, value: Any) -> bool:
    """Whether `value` surely fits a small schema written in a manifest (a param's declaration);
    compiled once per distinct schema. False means "ask jsonschema"."""
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return False
    if key not in _FITS:
        from zot.ext.fastschema import compile_schema

        if len(_FITS) > 1024:
            _FITS.clear()
        _FITS[key] = compile_schema(schema)
    return _fits(_FITS[key], value)


@lru_cache(maxsize=1)
def _metaschema():
    from zot.ext.fastschema import compile_metaschema

    return compile_metaschema()


def fits_metaschema(schema: Any) -> bool:
    """Whether a tool's `parameters` is surely a valid JSON Schema (2020-12): jsonschema's
    metaschema check would report nothing."""
    return _fits(_metaschema(), schema)


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    for py, word in ((dict, "a mapping"), (list, "a list"), (str, "a string"), (int, "a number"),
                     (float, "a number")):
        if isinstance(value, py):
            return word
    return type(value).__name__


def suggest(word: str, choices: Iterable[str]) -> str | None:
    choices = [str(c) for c in choices]
    lowered = {c.lower(): c for c in choices}
    if str(word).lower() in lowered:
        return lowered[str(word).lower()]
    if SYNONYMS.get(str(word).lower()) in choices:
        return SYNONYMS[str(word).lower()]
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _required_only(branch: Any) -> str | None:
    """The key a `oneOf` branch of the form {"required": [key]} demands, else None."""
    if isinstance(branch, dict) and set(branch) <= {"required", "title", "description"} and \
            len(branch.get("required", [])) == 1:
        return branch["required"][0]
    return None


def _branch_score(errors: list) -> tuple:
    """Prefer a branch whose type matched (errors deeper than the node itself), then fewer errors."""
    shallow_type = any(not e.relative_path and e.validator in ("type", "const", "enum") for e in errors)
    depth = max((len(e.relative_path) for e in errors), default=0)
    return (0 if shallow_type else 1, depth, -len(errors))


def most_specific(error):
    """Descend through oneOf/anyOf into the branch the user most likely meant."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        branches = error.validator_value if isinstance(error.validator_value, list) else []
        if branches and all(_required_only(b) for b in branches):
            return error
        by_branch: dict[int, list] = {}
        for sub in error.context:
            by_branch.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)
        scored = sorted(by_branch.values(), key=_branch_score, reverse=True)
        best = scored[0]
        if _branch_score(best)[0] == 0:
            return error  # every branch failed on the node's own type: report the alternatives
        error = min(best, key=lambda e: (-len(e.relative_path), e.validator == "required"))
    return error


def _expected_types(error) -> list[str]:
    words: list[str] = []
    for branch in error.validator_value if isinstance(error.validator_value, list) else []:
        if not isinstance(branch, dict):
            continue
        kind = branch.get("type")
        if "const" in branch:
            words.append(f"`{branch['const']}`")
        elif isinstance(kind, str):
            words.append(TYPE_WORDS.get(kind, kind) + (" of " + TYPE_WORDS.get(branch["items"].get("type"), "items")
                                                       .replace("a ", "") + "s"
                                                       if kind == "array" and isinstance(branch.get("items"), dict)
                                                       and branch["items"].get("type") else ""))
        elif "$ref" in branch:
            words.append(branch["$ref"].rsplit("/", 1)[-1])
    return list(dict.fromkeys(words))


def _field(path: tuple) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "value"


def _allowed_keys(schema: dict) -> list[str]:
    return list((schema.get("properties") or {}).keys())


NAME_KINDS = {"params": "param", "commands": "command", "tools": "tool", "guards": "guard",
              "widgets": "widget", "templates": "template", "set_env": "environment variable",
              "env": "environment variable"}


def _bad_name(doc: Document, error, path: tuple) -> list[Diagnostic]:
    """A key rejected by `propertyNames`: point at the key itself and name what it names."""
    name = error.instance
    what = NAME_KINDS.get(_field(path), "key") if path else "key"
    hint = NAME_PATTERNS.get(error.validator_value) if error.validator == "pattern" else None
    if error.validator == "maxLength":
        hint = f"use at most {error.validator_value} characters"
    return [doc.diag(path + (name,), "bad-name", f"`{name}` is not a valid {what} name",
                     hint or _describe_schema(error.schema), at_key=True)]


def translate(doc: Document, error) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    kind = error.validator
    inst = error.instance
    field = _field(path)
    if "propertyNames" in error.absolute_schema_path and isinstance(inst, str):
        return _bad_name(doc, error, path)
    if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(inst, dict):
        allowed = _allowed_keys(error.schema)
        patterns = list((error.schema.get("patternProperties") or {}).keys())
        import re

        out = []
        for key in inst:
            if key in allowed or any(re.search(p, str(key)) for p in patterns):
                continue
            guess = suggest(key, allowed)
            hint = f"did you mean `{guess}`?" if guess else (
                "expected one of: " + ", ".join(f"`{k}`" for k in allowed) if allowed else "remove it")
            where = f" in `{field}`" if path else ""
            out.append(doc.diag(path + (key,), "unknown-key", f"unknown key `{key}`{where}", hint, at_key=True))
        return out
    if kind == "required" and isinstance(inst, dict):
        props = list((error.schema.get("properties") or {}).keys())
        misspelt = {suggest(str(key), props) for key in inst if key not in props}
        # a misspelt key (`descripton`) is reported once, as unknown with "did you mean"
        missing = [k for k in error.validator_value if k not in inst and k not in misspelt]
        where = f"`{field}`" if path else "the file"
        return [doc.diag(path, "missing-key", f"{where} needs the key `{k}`",
                         _describe(error.schema, k), at_key=bool(path)) for k in missing]
    if kind in ("oneOf", "anyOf"):
        branches = error.validator_value if isinstance(error.validator_value, list) else []
        keys = [_required_only(b) for b in branches]
        if branches and all(keys) and not isinstance(inst, dict):
            return []  # `required` ignores non-mappings; the type error says what is wrong
        if branches and all(keys):
            present = [k for k in keys if k in inst]
            listing = ", ".join(f"`{k}`" for k in keys)
            if not present:
                return [doc.diag(path, "missing-key", f"`{field}` needs exactly one of {listing}",
                                 "add one of them", at_key=bool(path))]
            return [doc.diag(path + (present[1],), "conflicting-keys",
                             f"`{present[0]}` and `{present[1]}` cannot be used together in `{field}`",
                             f"keep exactly one of {listing}", at_key=True)]
        expected = _expected_types(error)
        msg = f"`{field}` must be " + (" or ".join(expected) if expected else "one of the allowed forms")
        return [doc.diag(path, "bad-type", msg + f", not {type_name(inst)}", _describe_schema(error.schema))]
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        guess = suggest(str(inst), choices)
        hint = f"did you mean `{field}: {guess}`?" if guess else "expected one of: " + ", ".join(choices)
        listing = "; expected one of " + ", ".join(f"`{c}`" for c in choices) if len(choices) <= 8 else ""
        because = _condition_key(doc, error)
        if because:
            listing = f" with `{because}`" + listing
        return [doc.diag(path, "bad-value", f"`{inst}` is not a valid `{field}`{listing}", hint)]
    if kind == "const":
        return [doc.diag(path, "bad-value", f"`{field}` must be `{error.validator_value}`, not `{inst}`",
                         f"write `{field}: {error.validator_value}`")]
    if kind == "type":
        want = error.validator_value
        wants = [want] if isinstance(want, str) else list(want)
        words = " or ".join(TYPE_WORDS.get(w, w) for w in wants)
        subject = f"item {path[-1] + 1} of `{field}`" if path and isinstance(path[-1], int) else f"`{field}`"
        hint = _describe_schema(error.schema)
        if "string" in wants and isinstance(inst, (bool, int, float)):
            written = _source_token(doc, path)
            hint = f'put it in quotes to keep it as text: "{written}"' if written else hint
        return [doc.diag(path, "bad-type", f"{subject} must be {words}, not {type_name(inst)}", hint)]
    if kind == "pattern":
        hint = NAME_PATTERNS.get(error.validator_value) or _describe_schema(error.schema) or \
            f"it must match the pattern `{error.validator_value}`"
        return [doc.diag(path, "bad-value", f"`{inst}` is not a valid `{field}`", hint)]
    if kind in ("minItems", "minLength", "minProperties") and error.validator_value == 1:
        return [doc.diag(path, "bad-value", f"`{field}` must not be empty", _describe_schema(error.schema))]
    if kind in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "minProperties",
                "maxProperties", "exclusiveMinimum", "exclusiveMaximum", "uniqueItems", "format"):
        return [doc.diag(path, "bad-value", f"`{field}`: {_short(error.message)}", _describe_schema(error.schema))]
    if kind == "not":
        return [doc.diag(path, "bad-value", f"`{field}` is not allowed here", _describe_schema(error.schema))]
    return [doc.diag(path, "schema", f"`{field}`: {_short(error.message)}", _describe_schema(error.schema))]


def _condition_key(doc: Document, error) -> str | None:
    """The sibling key that narrowed this value, when the error sits under `if: {required: [KEY]}`."""
    root = load_schema("recipe" if doc.path.name.startswith("recipe") else "extension")
    node: Any = root
    found = None
    try:
        for key in error.absolute_schema_path:
            while isinstance(node, dict) and key not in node and "$ref" in node:
                node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]  # $ref steps are not in the path
            if key == "then":
                found = _required_only(node.get("if")) or found
            node = node[key]
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return found


def _source_token(doc: Document, path: tuple) -> str:
    """The scalar as written at `path` (`1.10`, `yes`), for a hint that quotes it."""
    import re

    line, col = doc.position(path)
    lines = doc.text.splitlines()
    if not 0 < line <= len(lines):
        return ""
    m = re.match(r"[^,\]\}#\"']*", lines[line - 1][col - 1:])
    return m.group(0).strip() if m else ""


def _short(message: str) -> str:
    return message if len(message) < 160 else message[:157] + "..."


def _describe(schema: dict, key: str) -> str:
    prop = (schema.get("properties") or {}).get(key)
    return _describe_schema(prop) if isinstance(prop, dict) else ""


def _describe_schema(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    text = schema.get("description") or ""
    first = text.split(". ")[0].strip().rstrip(".")
    examples = schema.get("examples")
    if examples and isinstance(examples, list):
        sample = examples[0]
        shown = sample if isinstance(sample, str) else json.dumps(sample, ensure_ascii=False)
        return (first + f"; for example `{shown}`") if first else f"for example `{shown}`"
    return first


def check(doc: Document, plain: dict, kind: str) -> list[Diagnostic]:
    """Schema diagnostics for a parsed file, most specific cause first, one per problem."""
    from zot.ext.checks import dedent

    dedented = dedent.find(plain, load_schema(kind)) if kind == "extension" else []
    out: list[Diagnostic] = dedent.diagnostics(doc, dedented)
    if surely_valid(kind, plain):      # then jsonschema would report nothing
        return out
    seen: set[tuple] = set()
    for error in validator(kind).iter_errors(plain):
        for diag in translate(doc, most_specific(error)):
            key = (diag.line, diag.column, diag.message)
            if key not in seen and not any(d.covers(diag) for d in dedented):
                seen.add(key)
                out.append(diag)
    return out
