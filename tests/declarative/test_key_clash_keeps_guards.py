"""Two extensions that bind the same key: `zot ext validate` reports the clash as an error naming
both, but loading does not drop the later extension (and its guards) for it: the nearer
extension keeps the key, the other extension's binding is left out with a notice, and the rest
of it, guards included, still applies."""
from __future__ import annotations

import json
from pathlib import Path


def ext(folder: Path, name: str, extra: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "extension.yaml").write_text(
        f"schema: zot/extension/v1\nname: {name}\nversion: 1.0.0\ndescription: {name}\n"
        "commands:\n  hi: {description: say hi, display: hi}\n"
        "keybindings:\n  ctrl+g: {command: /hi}\n" + extra, encoding="utf-8")
    return folder


GUARD = ("guards:\n  no-curl:\n    tool: bash\n    when: {shell: {program: curl}}\n    action: deny\n"
         "    reason: no downloads here\n")


def test_a_key_clash_is_reported_but_the_guards_of_the_later_extension_apply(zot, project, tmp_path):
    first = ext(tmp_path / "one", "one", "")
    second = ext(tmp_path / "two", "two", GUARD)

    checked = zot("ext", "validate", str(first), str(second), model=False, shipped=True)
    assert checked.code == 1 and "key-clash" in checked.out and "also bound by extension `one`" in checked.out

    told = zot("ext", "explain", "-e", str(first), "-e", str(second), "--tool", "bash",
               "--args", json.dumps({"command": "curl https://example.com"}), "--format", "json", model=False, shipped=True)
    decision = json.loads(told.out)
    assert decision["decision"] == "deny"
    assert ["two:no-curl"] == [f"{m['extension']}:{m['rule']}" for m in decision["matches"]]
    shown = zot("ext", "explain", "-e", str(first), "-e", str(second), "--tool", "bash",
                "--args", json.dumps({"command": "curl https://example.com"}), model=False, shipped=True)
    assert "decision: deny" in shown.out
    assert "extension two: its key `ctrl+g` is not bound: extension one uses it" in shown.err
