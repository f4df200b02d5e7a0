"""How long parsing a command line for the shell guards takes (not part of the test run).

    .venv/bin/python tests/bench/bench_shell_parse.py [--rounds N]

Prints p50/p99 microseconds per parse over ~200 realistic agent commands, uncached (a fresh
parse every time) and cached (the LRU in ``parse_command_line``). Target: p50 uncached < 150 µs.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zot.ext.shell import parse_command_line  # noqa: E402
from zot.ext.shell.parse import parse  # noqa: E402

BASE = [
    "ls", "ls -la", "ls -la src/", "pwd", "git status", "git status --short", "git diff",
    "git diff --stat", "git diff HEAD~1 -- src/app.py", "git log --oneline -n 20",
    "git log --graph --oneline --all | head -40", "git add -A", "git add src/ tests/",
    "git commit -m 'Fix parser edge case'", 'git commit -am "wip: refactor flags"',
    "git push origin main", "git push --force-with-lease origin feature/x",
    "git checkout -b fix/shell-guards", "git switch main", "git stash", "git stash pop",
    "git rebase -i HEAD~3", "git reset --hard origin/main", "git clean -fdx",
    "git fetch --all --prune", "git branch -D old-branch", "git show HEAD:README.md | head",
    "git -C ../other status", "git blame -L 10,20 zot/cli.py",
    "pytest", "pytest -q", "pytest -q tests/ext -k shell", "pytest -x --tb=short tests/",
    "python -m pytest tests/test_cli.py::test_help -vv", "python -m pip install -e '.[test]'",
    "pip install requests==2.32.0", "uv pip install -r requirements.txt", "uv run pytest -q",
    "python script.py --input data.json --output out.json", "python -c 'import sys; print(sys.version)'",
    "python3 -m venv .venv && . .venv/bin/activate", "ruff check . --fix", "ruff format src/",
    "mypy zot/", "black --check .", "npm install", "npm run build", "npm test -- --watch=false",
    "npx tsc --noEmit", "yarn add -D typescript", "cargo build --release", "cargo test -- --nocapture",
    "go test ./...", "go build -o bin/app ./cmd/app", "make", "make -j8 test", "make clean all",
    "cat README.md", "cat pyproject.toml | grep -n version", "head -n 50 zot/cli.py",
    "tail -f logs/app.log", "wc -l $(git ls-files '*.py')", "grep -rn 'TODO' src/",
    "grep -rnE 'def (parse|normalise)' zot/ | head -20", "rg -n 'import litellm' zot",
    "find . -name '*.pyc' -delete", "find . -type f -name '*.py' | xargs wc -l | sort -n | tail",
    "find src -name '*.tmp' -exec rm -f {} \\;", "rm -rf build dist *.egg-info",
    "rm -f /tmp/zot-*.log", "mkdir -p tests/ext && touch tests/ext/__init__.py",
    "cp -r templates/ /tmp/templates-backup", "mv old.txt new.txt", "chmod +x scripts/run.sh",
    "sed -i 's/foo/bar/g' config.yaml", "awk '{print $1}' access.log | sort | uniq -c | sort -rn",
    "sort -u names.txt > unique.txt", "echo 'export PATH=$HOME/bin:$PATH' >> ~/.bashrc",
    "echo $HOME", "echo \"Done: $(date +%Y-%m-%d)\"", "printf '%s\\n' a b c",
    "curl -s https://api.github.com/repos/python/cpython | jq .stargazers_count",
    "curl -fsSL https://example.com/install.sh -o install.sh",
    "wget -q https://example.com/file.tar.gz && tar -xzf file.tar.gz",
    "tar -czf backup.tgz src/ tests/", "unzip -o archive.zip -d out/", "du -sh * | sort -h",
    "df -h", "ps aux | grep python | grep -v grep", "kill -9 12345", "lsof -i :8000",
    "docker ps -a", "docker build -t app:latest .", "docker run --rm -it -v $(pwd):/app app:latest bash",
    "docker compose up -d", "kubectl get pods -n prod", "kubectl -n prod logs deploy/web --tail=100",
    "sudo apt-get update && sudo apt-get install -y ripgrep", "sudo systemctl restart nginx",
    "env | grep -i proxy", "export DEBUG=1", "FOO=bar python app.py", "timeout 30 pytest -q",
    "time make test", "nohup python server.py > server.log 2>&1 &",
    "for f in *.md; do echo \"$f\"; wc -w \"$f\"; done",
    "if [ -f .env ]; then source .env; fi", "while read -r line; do echo \"$line\"; done < input.txt",
    "cd /work/main && git status", "cd frontend && npm ci && npm run lint",
    "bash -c 'cd /tmp && ls -la'", "sh -c \"echo hello; exit 0\"", "xargs -n1 echo < list.txt",
    "cat <<'EOF' > notes.md\n# Notes\n\n- rm -rf / is dangerous\nEOF",
    "cat <<EOF | python -\nprint('hi from $USER')\nEOF",
    "python - <<'PY'\nimport json\nprint(json.dumps({'a': 1}))\nPY",
    "diff <(sort a.txt) <(sort b.txt)", "jq '.items[] | select(.enabled)' config.json",
    "ssh user@host 'uptime'", "scp file.txt user@host:/tmp/", "rsync -avz --delete src/ host:/srv/app/",
    "openssl rand -hex 32", "date -u +%FT%TZ", "which python3", "command -v docker",
    "type -a python", "uname -a", "whoami", "true", ":", "git rev-parse --show-toplevel",
    "git ls-files | grep -c '\\.py$'", "ln -sf ../shared/config.yaml config.yaml",
    "touch a b c", "realpath ../x", "basename $(pwd)", "stat -c %s file.bin",
    "tree -L 2 -I node_modules", "sqlite3 app.db '.tables'", "psql -c 'select 1'",
    "gh pr create --title 'Shell guards' --body-file pr.md", "gh pr view 12 --json title,state",
    "pre-commit run --all-files", "tox -e py311", "hatch build", "twine check dist/*",
    "echo 'rm -rf /' >> notes.md", "git commit -m \"rm -rf / is now blocked\"",
]
COMMANDS = BASE + [f"cd /work/main && {cmd}" for cmd in BASE[: 200 - len(BASE)]]


def _percentiles(samples_ns: list[int]) -> tuple[float, float]:
    samples = sorted(samples_ns)
    p50 = statistics.median(samples) / 1000
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] / 1000
    return p50, p99


def _time(fn, commands: list[str], rounds: int) -> list[int]:
    out: list[int] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for cmd in commands:
            start = clock()
            fn(cmd)
            out.append(clock() - start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    for cmd in COMMANDS:                       # warm up, and check nothing errors
        line = parse(cmd)
        if line.error:
            print(f"warning: {cmd!r}: {line.error}")
    uncached = _time(parse, COMMANDS, args.rounds)
    parse_command_line.cache_clear()
    for cmd in COMMANDS:
        parse_command_line(cmd)
    cached = _time(parse_command_line, COMMANDS, args.rounds)
    print(f"{len(COMMANDS)} commands x {args.rounds} rounds")
    for name, samples in (("uncached", uncached), ("cached", cached)):
        p50, p99 = _percentiles(samples)
        print(f"{name:9s} p50 {p50:8.1f} µs   p99 {p99:8.1f} µs")


if __name__ == "__main__":
    main()
