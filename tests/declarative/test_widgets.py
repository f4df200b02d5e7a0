"""Declared widgets: `zot ext widgets EXT` renders each once, as the REPL would at start-up."""
from __future__ import annotations

import time

import pytest

from tests.declarative.conftest import zot_subprocess

WIDGETS = """
params:
  label: {type: string, default: on}
widgets:
  branch:
    placement: status
    run: {argv: [python3, -c, "print(' main ')"], timeout: 2s}
    text: "⎇ {{ stdout | trim }} ({{ params.label }})"
  title:
    placement: header
    text: "project {{ project.split('/')[-1] }}"
  code:
    placement: footer
    run: {argv: [sh, -c, "exit 5"]}
    text: "exit {{ exit_code }}"
"""


def test_each_widget_prints_its_name_placement_and_text(ext, project):
    folder = ext("ui", WIDGETS)
    result = zot_subprocess("ext", "widgets", folder, cwd=project)
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(result.stdout.splitlines()) == sorted([
        "ui:branch [status]: ⎇ main (on)",
        "ui:title [header]: project project",
        "ui:code [footer]: exit 5",
    ])


def test_a_hanging_source_and_a_failing_template_show_markers(ext, project):
    folder = ext("bad", """
        widgets:
          hang:
            placement: above
            run: {argv: [sleep, "30"], timeout: 1s}
            text: "never shown"
          broken:
            placement: below
            text: "{{ 1 // 0 }}"
          missing:
            run: {argv: [no-such-program-for-zot-tests]}
            text: "never shown"
          fine:
            text: "still fine"
        """)
    started = time.monotonic()
    result = zot_subprocess("ext", "widgets", folder, cwd=project)
    assert time.monotonic() - started < 8
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "bad:hang [above]: ⏱ bad:hang: timed out after 1s" in lines
    assert "bad:fine [status]: still fine" in lines
    [broken] = [line for line in lines if line.startswith("bad:broken [below]: ")]
    assert broken.startswith("bad:broken [below]: ⚠ bad:broken: ") and "division" in broken
    assert "bad:missing [status]: ⚠ bad:missing: program not found: no-such-program-for-zot-tests" in lines


def test_widget_sources_run_in_the_project_root(ext, project):
    folder = ext("where", """
        widgets:
          here:
            run: {argv: [pwd]}
            text: "{{ stdout | trim }}"
        """)
    (project / "deep").mkdir()
    result = zot_subprocess("ext", "widgets", folder, cwd=project / "deep")
    assert result.stdout == f"where:here [status]: {project.resolve()}\n"


@pytest.mark.parametrize("refresh, events, every", [
    (None, ("session_start", "turn_end"), None),
    ("{on: model_change}", ("model_change",), None),
    ("{on: [turn_end, tool_result], every: 30s}", ("turn_end", "tool_result"), 30.0),
    ("{every: 500ms}", ("session_start", "turn_end"), 0.5),
    ("{every: 2m}", ("session_start", "turn_end"), 120.0),
])
def test_refresh_settings_compile(ext, project, refresh, events, every):
    from zot.ext.engine import build_engine
    from zot.ext.loader import load_extensions

    body = "widgets:\n  w:\n    text: hi\n" + (f"    refresh: {refresh}\n" if refresh else "")
    folder = ext("refresh", body)
    exts = load_extensions(project, (folder,), discover_scopes=False)
    engine = build_engine(exts, project, {})
    [widget] = engine.widgets
    assert (widget.qualified, widget.events, widget.every) == ("refresh:w", events, every)
    assert widget.due(now=1e9) is (every is not None)     # never rendered yet: due if it has an interval


def test_a_widget_extension_that_does_not_load_says_why(ext, project):
    folder = ext("broken", """
        widgets:
          w:
            text: "{{ nope }}"
        """)
    result = zot_subprocess("ext", "widgets", folder, cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith(f"zot: error: extension broken was not loaded: {folder / 'extension.yaml'}:")
    assert "`nope`" in result.stderr
