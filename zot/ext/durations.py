"""Durations in manifests: a number of seconds, or `500ms`, `30s`, `5m`, `1h`."""
from __future__ import annotations

import re

UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
PATTERN = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$")


def seconds(value: object, default: float) -> float:
    """The schema has already checked the form; anything else falls back to `default`."""
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = PATTERN.match(str(value).strip())
    if not match:
        return default
    return float(match.group(1)) * UNITS[match.group(2)]
