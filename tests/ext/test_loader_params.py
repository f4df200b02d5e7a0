"""Params from settings: declared and well-typed overrides win; the rest are reported, not used."""
from pathlib import Path

from zot.ext.loader import load_extensions

MANIFEST = """schema: zot/extension/v1
name: demo
version: 1.0.0
description: params
params:
  limit: {type: integer, default: 5, minimum: 1}
  mode: {type: string, enum: [fast, slow], default: fast}
"""


def _load(tmp_path: Path, home: Path, settings: str):
    ext = home / ".zot" / "extensions" / "demo"
    ext.mkdir(parents=True)
    (ext / "extension.yaml").write_text(MANIFEST)
    (home / ".zot" / "settings.yaml").write_text(settings)
    project = tmp_path / "p"
    project.mkdir()
    return next(e for e in load_extensions(project) if e.name == "demo")


def test_a_valid_override_wins(tmp_path, isolated_home):
    ext = _load(tmp_path, isolated_home, "extensions:\n  demo:\n    params: {limit: 9, mode: slow}\n")
    assert ext.params == {"limit": 9, "mode": "slow"} and ext.problems == []


def test_bad_overrides_are_reported_and_the_defaults_kept(tmp_path, isolated_home):
    ext = _load(tmp_path, isolated_home, "extensions:\n  demo:\n    params: {limit: lots, mode: medium, other: 1}\n")
    assert ext.params == {"limit": 5, "mode": "fast"}
    text = "\n".join(ext.problems)
    assert "`limit`" in text and "using the default" in text
    assert "`mode`" in text
    assert "`other`" in text and "does not declare" in text
