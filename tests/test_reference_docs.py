"""docs/reference.md is generated from schemas/ and must not drift from them."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_reference", REPO / "scripts" / "gen_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_is_up_to_date():
    gen = load_generator()
    current = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    assert current == gen.generate(), gen.STALE


def test_generation_is_deterministic():
    gen = load_generator()
    assert gen.generate() == gen.generate()


def test_check_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    gen = load_generator()
    stale = tmp_path / "reference.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(gen, "OUTPUT", stale)
    assert gen.main(["--check"]) == 1
    assert capsys.readouterr().err.strip() == "docs/reference.md is stale: run python scripts/gen_reference.py"
    monkeypatch.setattr(gen, "OUTPUT", tmp_path / "missing.md")
    assert gen.main(["--check"]) == 1


def test_every_section_is_present():
    gen = load_generator()
    text = gen.generate()
    for prefix, _, _, path in gen.SCHEMAS:
        schema = json.loads(path.read_text(encoding="utf-8"))
        for key in schema["properties"]:
            assert f'<a id="{prefix}-{key}"></a>' in text
        for name in schema["$defs"]:
            assert f'-def-{name.lower()}"></a>' in text  # shared shapes appear once
