"""The README's promises: its example extension validates and does what it says."""
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def readme_example() -> str:
    text = (REPO / "README.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block, "the README has no yaml example"
    return block.group(1)


def test_readme_example_is_five_lines_and_validates(tmp_path):
    example = readme_example()
    assert len(example.strip().splitlines()) == 5
    folder = tmp_path / "no-force-push"
    folder.mkdir()
    (folder / "extension.yaml").write_text(example)
    out = subprocess.run([sys.executable, "-m", "zot.cli", "ext", "validate", str(folder)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no problems" in out.stdout


def test_readme_example_denies_a_force_push(tmp_path, isolated_home):
    folder = isolated_home / ".zot" / "extensions" / "no-force-push"
    folder.mkdir(parents=True)
    (folder / "extension.yaml").write_text(readme_example())
    project = tmp_path / "p"
    project.mkdir()

    def decide(command: str) -> dict:
        out = subprocess.run([sys.executable, "-m", "zot.cli", "ext", "explain", "--tool", "bash", "--args",
                              json.dumps({"command": command}), "--format", "json"],
                             capture_output=True, text=True, cwd=project)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert decide("git push --force origin main")["decision"] == "deny"
    assert decide("git -C repo push -f")["decision"] == "deny"
    assert decide("git push origin main")["decision"] == "allow"
