"""Checks a tool call's arguments against the tool's JSON Schema before it runs.

The message goes back to the model, so it names the argument and what was expected instead of
dumping a jsonschema traceback.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema takes ~40 ms to import: not on the REPL's start-up path
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

MAX_MESSAGES = 5

_validators: dict[int, tuple[dict[str, Any], "Draft202012Validator"]] = {}

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
               float: "number", type(None): "null"}


def _validator(schema: dict[str, Any]) -> "Draft202012Validator":
    """Compiled once per schema object; the schema is kept so its id cannot be reused by another."""
    from jsonschema import Draft202012Validator

    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER))
        _validators[id(schema)] = cached
    return cached[1]


def _where(error: "ValidationError") -> str:
    where = ""
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: "ValidationError") -> str:
    where, kind, expected = _where(error), error.validator, error.validator_value
    name = f"argument {where!r}" if where else "the arguments"
    got = f"got {_JSON_TYPES.get(type(error.instance), type(error.instance).__name__)} {_value(error.instance)}"
    if kind == "required":
        missing = [key for key in expected if key not in error.instance]
        owner = f" in {where!r}" if where else ""
        return f"missing required argument{owner}: " + ", ".join(repr(key) for key in missing)
    if kind == "additionalProperties" and expected is False:
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        owner = f" in {where!r}" if where else ""
        return (f"unexpected argument{'s' if len(extra) > 1 else ''}{owner}: {', '.join(map(repr, extra))}; "
                f"allowed: {', '.join(allowed) or 'none'}")
    if kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        return f"{name} must be of type {' or '.join(types)}, {got}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        return f"{name} must be {op} {expected}, got {_value(error.instance)}"
    if kind == "minLength":
        return f"{name} must not be empty" if expected == 1 else f"{name} must be at least {expected} characters"
    if kind == "minItems":
        return f"{name} must have at least {expected} item{'s' if expected != 1 else ''}"
    if kind == "enum":
        return f"{name} must be one of {', '.join(_value(v) for v in expected)}, got {_value(error.instance)}"
    return f"{name}: {error.message}"


def _order(error: "ValidationError") -> tuple[list[str], int, str]:
    """Outer problems first, and within one object, missing arguments before unexpected ones."""
    rank = {"required": 0, "additionalProperties": 1}.get(str(error.validator), 2)
    return [str(part) for part in error.absolute_path], rank, str(error.validator)


#: Keywords `_surely_valid` understands; a schema with any other one goes to jsonschema.
_SIMPLE_KEYWORDS = frozenset({"type", "description", "title", "properties", "required", "additionalProperties",
                              "items", "minLength", "minItems", "minimum", "maximum", "$schema"})
_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def _surely_valid(schema: Any, value: Any) -> bool:
    """True only when `value` certainly fits a schema made of the plain keywords tools use
    (type, properties, required, additionalProperties, items, minLength, minItems, minimum,
    maximum). Anything else, or any doubt, is False, and jsonschema decides and explains. This
    keeps jsonschema (~45 ms to import) off the path of a well-formed call."""
    if not isinstance(schema, dict) or not _SIMPLE_KEYWORDS.issuperset(schema):
        return False
    kind = schema.get("type")
    if kind is not None and not (isinstance(kind, str) and _TYPE_CHECKS.get(kind, lambda v: False)(value)):
        return False
    if isinstance(value, str):
        return len(value) >= schema.get("minLength", 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return schema.get("minimum", value) <= value <= schema.get("maximum", value)
    if isinstance(value, list):
        return len(value) >= schema.get("minItems", 0) and all(_surely_valid(schema.get("items", {}), v) for v in value)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if not isinstance(properties, dict) or not all(k in value for k in schema.get("required", ())):
            return False
        return all(_surely_valid(properties[k], v) if k in properties else extra is True for k, v in value.items())
    return True


def validate_args(schema: dict[str, Any], args: dict[str, Any]) -> str | None:
    """None when the arguments fit; otherwise one line per problem, at most MAX_MESSAGES."""
    if not isinstance(args, dict):
        return f"the arguments must be a JSON object, got {_JSON_TYPES.get(type(args), type(args).__name__)}"
    if _surely_valid(schema, args):
        return None
    errors = sorted(_validator(schema).iter_errors(args), key=_order)
    if not errors:
        return None
    lines = [_describe(e) for e in errors[:MAX_MESSAGES]]
    if len(errors) > MAX_MESSAGES:
        lines.append(f"... and {len(errors) - MAX_MESSAGES} more problems")
    return "\n".join(lines)
