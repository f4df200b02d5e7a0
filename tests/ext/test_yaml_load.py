"""The fast YAML load (ruamel's libyaml loader, its resolver asked once per load) reads every
file exactly as ruamel's own libyaml loader does: same data, same types, same errors."""
from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from zot.yamlio import _fast_load

from .samples import REPO

EDGES = [
    "on: yes\nx: 0o17\ny: 1_000\nz: 1e3\nw: .inf\nd: 2024-01-01\nn: ~\nb: True\no: 017\nh: 0x1F\nf: 1.0\n",
    "%YAML 1.1\n---\non: yes\nx: 017\n",
    "a: 1\na: 2\n",
    "- [1, 2\n",
    "k: !!str 12\nt: 2001-12-14t21:59:43.10-05:00\n",
]
TEXTS = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(REPO.glob("tests/**/*.yaml"))] + \
    [p.read_text(encoding="utf-8") for p in sorted(REPO.glob("extensions/**/*.yaml"))] + EDGES


def _outcome(load, text: str):
    try:
        data = load(text)
    except Exception as exc:  # the same kind of error, from both
        return ("error", type(exc).__name__)
    return ("data", data, repr(data))     # repr tells 1 from 1.0 and True from 1


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_the_fast_load_reads_as_ruamels_own(index: int):
    plain = YAML(typ="safe", pure=False)
    plain.allow_duplicate_keys = False
    assert _outcome(_fast_load, TEXTS[index]) == _outcome(plain.load, TEXTS[index])
