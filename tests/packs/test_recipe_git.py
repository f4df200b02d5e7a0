"""A recipe entry `git: URL, rev: REF, subdir: DIR` is fetched, pinned and locked with the pack."""
from __future__ import annotations

import json

from tests.packs.samples import ext_files


def test_a_recipe_fetches_an_extension_from_git(zot, make_repo, project):
    tools = make_repo("tools")
    commit = tools.commit({f"exts/hello/{k}": v for k, v in ext_files("hello").items()}, tag="v2")
    team = make_repo("team")
    team.commit({"recipe.yaml": "schema: zot/recipe/v1\nname: team\nversion: 1.0.0\ndescription: Team\n"
                                f"extensions:\n  - git: {tools.url}\n    rev: v2\n    subdir: exts/hello\n"},
                tag="v1")
    got = zot("recipe", "install", f"{team.url}@v1", "--project", "--yes", cwd=project)
    assert got.code == 0, got
    assert "extension hello:" in got.out and "turns on: hello" in got.out
    lock = json.loads((project / ".zot" / "zot.lock").read_text())
    hello = lock["extensions"]["hello"]
    assert (hello["source"], hello["ref"], hello["commit"], hello["subdir"], hello["pack"]) == \
        (tools.url, "v2", commit, "exts/hello", "team")
    assert lock["packs"]["team"]["turns_on"] == {"hello": {}}
    assert "hello:\n    enabled: true" in (project / ".zot" / "settings.yaml").read_text()
    assert zot("trust", "--yes", cwd=project).code == 0
    rows = {r["name"]: r for r in json.loads(zot("ext", "list", "--format", "json", cwd=project).out)}
    assert rows["hello"]["state"] == "loaded" and f"/store/extensions/hello/{hello['sha256']}/" in rows["hello"]["path"]
    got = zot("ext", "remove", "hello", "--project", "--yes", cwd=project)
    assert got.code == 1 and got.err.splitlines()[0] == "zot: error: extension hello came with pack team"
    assert zot("recipe", "remove", "team", "--project", "--yes", cwd=project).code == 0
    assert not (project / ".zot" / "zot.lock").exists()
    assert "hello" not in (project / ".zot" / "settings.yaml").read_text()
