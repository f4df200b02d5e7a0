"""Key names and colours as manifests write them (zot/ext/keys.py, zot/ext/colors.py)."""
from __future__ import annotations

import pytest

from zot.ext import colors, keys


@pytest.mark.parametrize("written, name, sequence", [
    ("ctrl+g", "ctrl+g", ("c-g",)),
    ("Ctrl+G", "ctrl+g", ("c-g",)),
    ("alt+p", "alt+p", ("escape", "p")),
    ("alt+shift+p", "alt+P", ("escape", "P")),
    ("f2", "f2", ("f2",)),
    ("ctrl+f5", "ctrl+f5", ("c-f5",)),
    ("shift+tab", "shift+tab", ("s-tab",)),
    ("ctrl+i", "tab", ("c-i",)),               # the same key to a terminal
    ("ctrl+h", "backspace", ("c-h",)),
    ("esc", "escape", ("escape",)),
    ("alt+enter", "alt+enter", ("escape", "c-m")),
    ("ctrl+space", "ctrl+space", ("c-@",)),
    ("ctrl+alt+g", "ctrl+alt+g", ("escape", "c-g")),
    ("ctrl+shift+left", "ctrl+shift+left", ("c-s-left",)),
    ("pgup", "pageup", ("pageup",)),
])
def test_key_names_parse_to_what_the_terminal_sends(written, name, sequence):
    assert keys.parse(written) == keys.Key(name, sequence)


@pytest.mark.parametrize("written, fragment", [
    ("ctrl+gg", "is not a key name"),
    ("hyper+x", "`hyper` in `hyper+x` is not a modifier"),
    ("a", "is a plain character, which would stop being typed"),
    ("space", "is the space bar"),
    ("f25", "function keys go from f1 to f24"),
    ("ctrl+1", "a terminal has no ctrl+1"),
    ("ctrl+shift+g", "a terminal sends ctrl+shift+letter as ctrl+letter"),
    ("shift+f2", "shift+function keys differ between terminals"),
    ("ctrl+ctrl+g", "names a modifier twice"),
    ("", "a key name is empty"),
])
def test_bad_key_names_say_what_to_write(written, fragment):
    assert fragment in keys.problem(written)


@pytest.mark.parametrize("written, used", [
    ("ctrl+c", "clear, interrupt, exit"), ("enter", "send the message"), ("ctrl+i", "complete"),
    ("alt+b", "word left"), ("ctrl+g", None), ("f2", None), ("alt+p", None),
])
def test_the_repls_own_keys_are_taken(written, used):
    assert keys.builtin_use(keys.parse(written)) == used


@pytest.mark.parametrize("value, allow_none, ok", [
    ("success", False, True), ("#a6e3a1", False, True), ("#abc", False, True), ("none", True, True),
    ("none", False, False), ("#12", False, False), ("green", False, False), (3, False, False),
])
def test_colours_are_theme_roles_or_hex(value, allow_none, ok):
    assert colors.is_color(value, allow_none) is ok
    assert (colors.problem(value, allow_none) is None) is ok


def test_every_theme_role_is_in_the_default_theme_and_its_file():
    from ruamel.yaml import YAML

    from zot.config import shipped_dir
    from zot.ui.theme import DEFAULT, DEFAULT_CODE_STYLE

    data = YAML(typ="safe").load((shipped_dir("themes") / "default.yaml").read_text())
    assert data["colors"] == DEFAULT and data["code_style"] == DEFAULT_CODE_STYLE
    assert set(DEFAULT) == set(colors.ROLES)
    high = YAML(typ="safe").load((shipped_dir("themes") / "high-contrast.yaml").read_text())
    assert set(high["colors"]) == set(colors.ROLES)
