#!/usr/bin/env python3
"""Keep the model's shell commands from waiting for a keyboard it does not have.

An intercept on every `bash` tool call:
- rewrites `git log|diff|show|blame|shortlog|reflog ...` to `git --no-pager ...` (modified_args),
  so a long history never sits in `less`;
- blocks editors (`vim`, `nano`, ...) and git's interactive modes (`git rebase -i`, `git add -p`,
  `git commit` with no message), which wait for a keyboard, saying what to run instead
  (block + reason).
Anything it cannot parse, or does not recognise, is allowed unchanged.
"""
import re
import shlex

from zot.sdk import Extension

ext = Extension("bash-rewrite", version="1.0.0")

PAGED = re.compile(r"(^|[;&|(\n]\s*)git(\s+)(log|diff|show|blame|shortlog|reflog)\b")
OPERATORS = {";", "&", "&&", "|", "||", "|&", "(", ")", ";;"}
WRAPPERS = {"sudo", "env", "command", "exec", "time", "nohup", "nice"}
EDITORS = {"vi", "vim", "nvim", "nano", "emacs", "pico", "micro", "joe"}


def outside_quotes(text: str) -> bool:
    try:
        shlex.split(text)
        return True
    except ValueError:
        return False


def add_no_pager(command: str) -> str:
    """`git log` -> `git --no-pager log` where git starts a command (not inside quotes).
    Idempotent, so being asked again about the rewritten command changes nothing."""
    def fix(m):
        if not outside_quotes(command[:m.start()]):
            return m.group(0)
        return f"{m.group(1)}git --no-pager{m.group(2)}{m.group(3)}"
    return PAGED.sub(fix, command)


def simple_commands(command: str):
    """The words of each simple command (pipelines and lists split, VAR=x and sudo skipped)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    current, wrapped = [], False
    for token in list(lexer) + [";"]:
        if token in OPERATORS:
            if current:
                yield current
            current, wrapped = [], False
        elif current:
            current.append(token)
        elif token in WRAPPERS:
            wrapped = True
        elif not (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", token) or (wrapped and token.startswith("-"))):
            current.append(token)


def git_interactive(words: list):
    """Why this git command would open an editor or a prompt, or None."""
    sub = next((w for w in words[1:] if not w.startswith("-")), None)
    flags = words[words.index(sub) + 1:] if sub else []
    short = "".join(f[1:] for f in flags if f.startswith("-") and not f.startswith("--"))
    if sub == "rebase" and ("--interactive" in flags or "i" in short):
        return "`git rebase -i` opens an editor; run a non-interactive rebase or ask the user"
    if sub in ("add", "checkout", "reset", "restore", "stash") and (
            "--patch" in flags or "p" in short or (sub == "add" and ("--interactive" in flags or "i" in short))):
        return f"`git {sub} -p` asks about each hunk; name the files to {sub} instead"
    if sub == "commit" and not ({"--message", "--file", "--no-edit", "--reuse-message", "--fixup"}
                                & {f.split("=")[0] for f in flags} or set("mFC") & set(short)):
        return "`git commit` without -m opens an editor; use `git commit -m \"message\"`"
    return None


def refusal(command: str):
    """The reason to block `command`, or None."""
    try:
        commands = list(simple_commands(command))
    except ValueError:  # unbalanced quotes: not ours to judge
        return None
    for words in commands:
        program = words[0].rsplit("/", 1)[-1]
        if program in EDITORS:
            return (f"`{program}` is an interactive editor and would wait for a keyboard forever; "
                    "edit files with the edit or write tool")
        if program == "git":
            reason = git_interactive(words)
            if reason:
                return reason
    return None


@ext.intercept("tool_call")
def keep_commands_non_interactive(event: dict, ctx):
    if event.get("tool_name") != "bash":
        return None
    args = event.get("tool_args") or {}
    command = args.get("command")
    if not isinstance(command, str):
        return None
    reason = refusal(command)
    if reason:
        return ext.block(f"bash-rewrite: {reason}")
    rewritten = add_no_pager(command)
    if rewritten != command:
        return ext.modify(dict(args, command=rewritten), reason="git output without a pager")
    return None


if __name__ == "__main__":
    ext.run()
