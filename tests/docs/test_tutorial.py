"""docs/tutorial.md, followed to the letter: every command it shows is run and its output compared.

The tutorial is read from top to bottom. A `yaml` block is the next part of the extension it
builds (the first replaces the starter's sections, the others are added below); a block marked
`yaml file=PATH` is written to that file; in a `sh` block, `$ COMMAND` is run with bash in the
project (`~/demo`, HOME and ZOT_HOME in a temporary folder) and the lines after it must be its
output (stdout, then stderr), with the home folder shown as `~` and `…` matching any text on its
line. So the tutorial cannot go stale: a change in zot's output fails here until the page says
the same.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\S*)(?: file=(\S+))?\n(.*?)^```", re.S | re.M)
MANIFEST = Path(".zot/extensions/house-rules/extension.yaml")


@dataclass
class Step:
    kind: str                   # snippet | file | command
    text: str                   # the yaml, or the command line
    line: int
    output: str = ""
    path: str = ""


@dataclass
class Tutorial:
    steps: list[Step] = field(default_factory=list)


def read(doc: Path = DOC) -> Tutorial:
    text = doc.read_text(encoding="utf-8")
    out = Tutorial()
    for m in FENCE.finditer(text):
        lang, path, body = m.group(1), m.group(2), m.group(3)
        line = text[:m.start()].count("\n") + 2
        if lang == "yaml":
            out.steps.append(Step("file" if path else "snippet", body, line, path=path or ""))
        elif lang == "sh":
            for i, chunk in enumerate(re.split(r"^\$ ", body, flags=re.M)[1:]):
                command, _, shown = chunk.partition("\n")
                out.steps.append(Step("command", command, line, shown))
    return out


def matches(expected: str, got: str) -> bool:
    pattern = "".join(".*?" if piece == "…" else re.escape(piece) for piece in re.split("(…)", expected))
    return re.fullmatch(pattern, got) is not None


def run(command: str, project: Path, home: Path) -> str:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "HOME": str(home), "ZOT_HOME": str(home / ".zot"), "PATH": bin_dir + os.pathsep +
           os.environ.get("PATH", ""), "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("ZOT_MODEL", None)
    done = subprocess.run(["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True,
                          timeout=120)
    return (done.stdout + done.stderr).replace(str(home), "~")


def test_the_tutorial_shows_commands_and_snippets():
    steps = read().steps
    commands = [s.text for s in steps if s.kind == "command"]
    assert sum(s.kind == "snippet" for s in steps) >= 4
    assert any(c.startswith("zot ext new") for c in commands) and any(c.startswith("zot trust") for c in commands)
    # every `zot ...` the page mentions in a code span is one it runs (or part of one)
    text = DOC.read_text(encoding="utf-8")
    for mentioned in re.findall(r"`(zot [^`]*)`", text):
        assert any(c.startswith(mentioned) or mentioned in c for c in commands) or \
            mentioned in ("zot trust", "zot ext validate", "zot ext test", "zot ext list", "zot docs schema"), mentioned


def test_every_command_of_the_tutorial_prints_what_the_tutorial_shows(tmp_path):
    home = tmp_path / "home"
    project = home / "demo"
    project.mkdir(parents=True)
    header = ""
    parts: list[str] = []
    for step in read().steps:
        if step.kind == "snippet":
            parts.append(step.text)
            assert header, f"tutorial.md:{step.line}: a snippet before `zot ext new` wrote the starter"
            (project / MANIFEST).write_text(header + "".join(parts), encoding="utf-8")
        elif step.kind == "file":
            target = project / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.text, encoding="utf-8")
        else:
            got = run(step.text, project, home)
            assert matches(step.output, got), f"tutorial.md:{step.line}: `$ {step.text}` printed:\n{got}\n" \
                                               f"the tutorial shows:\n{step.output}"
            if step.text.startswith("zot ext new"):
                lines = (project / MANIFEST).read_text(encoding="utf-8").splitlines(keepends=True)
                end = next(i for i, line in enumerate(lines) if line.startswith("description:"))
                header = "".join(lines[:end + 1])       # "replace everything below the description"


def test_the_wildcard_matches_one_line_at_most():
    assert matches("a (…): b\n", "a (/x/y.yaml:3): b\n")
    assert not matches("a …\nc\n", "a b\nx\nc\n")
