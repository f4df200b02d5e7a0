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

    deciding = lambda command: [m["rule"] for m in decide(command)["matches"] if m["decision"] == "deny"]  # noqa: E731
    # every spelling the README says it covers, denied by this rule (not only by the shipped ones)
    for command in ["git push --force origin main", "git -C repo push -f", "git push -fu origin main",
                    "git push --force-with-lease", "git push --force-with-lease=main:abc origin main",
                    "git push origin +main", "sudo git push -f", "bash -c 'git push --force'",
                    "cd x && git push -f"]:
        assert deciding(command) == ["force-push"], command
    assert decide("git push origin main")["decision"] == "allow"
    assert decide("git push -u origin feature")["decision"] == "allow"


def test_readme_keeps_its_two_commands_and_says_what_a_newcomer_needs():
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert "pip install . && zot --help\n" in blocks
    assert 'pip install -e ".[test]" && python -m pytest\n' in blocks
    for needed in ("Python 3.11", "venv", "pipx", "--model", "API_KEY", "zot trust", "zot -e PATH", "zot docs"):
        assert needed in text, needed
