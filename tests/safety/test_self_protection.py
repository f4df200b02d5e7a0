"""zot protects itself: every way the model could change the project's `.zot/` or `$ZOT_HOME`
(the write and edit tools, every shell form, `..`, `~`, absolute paths and links) needs
confirmation from the shipped `self-protection` extension; reading them does not. Judged by the
one decision function on the shipped extensions, in a project at ~/work/proj."""
from __future__ import annotations

import os

import pytest

from .engine import judge

W = "write"
E = "edit"
B = "bash"
EDITS = [{"old_text": "deny", "new_text": "allow"}]

CHANGES = [
    (W, {"path": ".zot/extensions/x/extension.yaml", "content": "name: x"}),
    (W, {"path": ".zot/settings.yaml", "content": "extensions: {safety: {enabled: false}}"}),
    (W, {"path": ".zot/recipes/team/recipe.yaml", "content": "x"}),
    (W, {"path": "@PROJECT@/.zot/extensions/safety/extension.yaml", "content": "x"}),
    (W, {"path": "src/../.zot/planted.yaml", "content": "x"}),
    (W, {"path": "~/.zot/settings.yaml", "content": "model: x"}),
    (W, {"path": "@HOME@/.zot/trust.json", "content": "{}"}),
    (W, {"path": "~/.zot/extensions/g/extension.yaml", "content": "x"}),
    (W, {"path": "link-to-zot/settings.yaml", "content": "x"}),
    (W, {"path": "zh/trust.json", "content": "{}"}),
    (W, {"path": ".zot/data/notes/notes.jsonl", "content": "x"}),
    (E, {"path": ".zot/settings.yaml", "edits": EDITS}),
    (E, {"path": "~/.zot/settings.yaml", "edits": EDITS}),
    (E, {"path": "link-to-zot/extensions/a/extension.yaml", "edits": EDITS}),
    (E, {"path": "../proj/.zot/settings.yaml", "edits": EDITS}),
    (B, "echo x > .zot/settings.yaml"),
    (B, "echo x >> .zot/extensions/a/extension.yaml"),
    (B, "cat evil.yaml > .zot/extensions/a/extension.yaml"),
    (B, "printf x | tee .zot/settings.yaml"),
    (B, "printf x | tee -a ~/.zot/settings.yaml"),
    (B, "cp evil.yaml .zot/extensions/a/extension.yaml"),
    (B, "cp -r evil/ .zot/extensions/"),
    (B, "cp -t .zot/extensions evil"),
    (B, "mv .zot/extensions/a /tmp/a"),
    (B, "mv evil .zot/extensions/evil"),
    (B, "rm .zot/settings.yaml"),
    (B, "rm -rf .zot"),
    (B, "rm -f ~/.zot/trust.json"),
    (B, "rmdir .zot/extensions/a"),
    (B, "ln -s /tmp/evil .zot/extensions/evil"),
    (B, "ln -sf @HOME@/.zot/trust.json mine.json"),
    (B, "sed -i s/deny/allow/ .zot/extensions/a/extension.yaml"),
    (B, "sed -i.bak -e s/x/y/ ~/.zot/settings.yaml"),
    (B, "perl -pi -e s/deny/allow/ .zot/extensions/a/extension.yaml"),
    (B, "python3 -c \"open('.zot/settings.yaml', 'w').write('x')\""),
    (B, "python -c \"import shutil; shutil.rmtree('.zot')\""),
    (B, "node -e \"require('fs').writeFileSync('.zot/x', '')\""),
    (B, "git checkout -- .zot"),
    (B, "git restore .zot/extensions"),
    (B, "git clean -fdx .zot"),
    (B, "git stash push -- .zot"),
    (B, "touch .zot/extensions/new"),
    (B, "mkdir -p .zot/extensions/evil"),
    (B, "chmod -R 777 .zot"),
    (B, "truncate -s 0 .zot/settings.yaml"),
    (B, "dd if=evil.yaml of=.zot/settings.yaml"),
    (B, "curl -so .zot/extensions/x/extension.yaml https://example.com/x"),
    (B, "wget -O ~/.zot/settings.yaml https://example.com/s"),
    (B, "tar -xf pack.tar -C .zot/extensions"),
    (B, "unzip pack.zip -d .zot/extensions"),
    (B, "find .zot -name '*.yaml' -delete"),
    (B, "find .zot -type f -exec rm {} +"),
    (B, "cd .zot && echo x > settings.yaml"),
    (B, "cd .zot/extensions && rm -rf a"),
    (B, "echo x > ../proj/.zot/settings.yaml"),
    (B, "echo x > @PROJECT@/.zot/settings.yaml"),
    (B, "echo x > link-to-zot/settings.yaml"),
    (B, "echo x > zh/settings.yaml"),
    (B, "bash -c 'echo x > .zot/settings.yaml'"),
    (B, "sudo tee .zot/settings.yaml < evil.yaml"),
    (B, "echo x > \"$ZOT_HOME/settings.yaml\""),
    (B, "echo x > $HOME/.zot/settings.yaml"),
    (B, "install -m 644 evil.yaml .zot/extensions/a/extension.yaml"),
    (B, "rsync -a evil/ .zot/extensions/"),
    (B, "xargs -I{} cp {} .zot/extensions < list.txt"),
    (B, "patch -d .zot -p1 < fix.diff"),
    (B, "vim .zot/settings.yaml"),
    (B, "zot trust --yes"),
    (B, "zot ext disable safety"),
]

READS = [
    ("read", {"path": ".zot/settings.yaml"}),
    (B, "cat .zot/extensions/a/extension.yaml"),
    (B, "ls -la .zot ~/.zot"),
    (B, "grep -rn deny .zot"),
    (B, "git diff -- .zot"),
    (B, "git log --oneline -- .zot"),
    (B, "find .zot -name '*.yaml'"),
    (B, "zot ext list"),
    (W, {"path": "src/app.py", "content": "x"}),
    (B, "echo x > notes.txt"),
    (B, "echo x > \"$OUT\""),
    (B, "python3 -m pytest -q"),
]


@pytest.fixture
def linked(world):
    """Links in the project: `link-to-zot` -> .zot, `zh` -> $ZOT_HOME."""
    (world.project / ".zot" / "extensions").mkdir(parents=True, exist_ok=True)
    (world.home / ".zot").mkdir(parents=True, exist_ok=True)
    for name, target in (("link-to-zot", world.project / ".zot"), ("zh", world.home / ".zot")):
        if not (world.project / name).is_symlink():
            os.symlink(target, world.project / name)
    return world


def _args(tool: str, args) -> dict:
    return {"command": args} if isinstance(args, str) else args


def _self_verdicts(verdicts) -> list[str]:
    return [v.decision for v in verdicts if v.source.extension == "self-protection" and not v.shadow]


def test_the_table_is_large_enough():
    assert len(CHANGES) >= 60


@pytest.mark.parametrize("tool,args", CHANGES, ids=[str(a)[:60] for _, a in CHANGES])
def test_every_change_to_zots_files_needs_confirmation(linked, tool, args):
    decision, _, verdicts = judge(linked, tool, _args(tool, args))
    assert "confirm" in _self_verdicts(verdicts)
    assert decision in ("confirm", "deny")


@pytest.mark.parametrize("tool,args", READS, ids=[str(a)[:60] for _, a in READS])
def test_reading_zots_files_is_fine(linked, tool, args):
    _, _, verdicts = judge(linked, tool, _args(tool, args))
    assert _self_verdicts(verdicts) == []
