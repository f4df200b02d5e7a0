"""The safety extension's `redact` hook: each regex catches its kind of secret and nothing else.

Sample secrets are assembled from pieces so that secret scanners do not flag this file; they are
fake (AWS's documented example key, and made-up strings of the right shape).
"""
from __future__ import annotations

import asyncio
import base64
import random
import re
from pathlib import Path

import pytest

from zot.ext.hooks import CallInfo
from zot.tools.base import ToolResult
from zot.yamlio import load_document, to_plain

MANIFEST = Path(__file__).resolve().parents[2] / "extensions" / "safety" / "extension.yaml"

PEM_BODY = "\nMIIEowIBAAKCAQEA7bq4" + "x" * 40 + "\nAbCdEf==\n"


def pem(kind: str) -> str:
    head = f"{kind} PRIVATE KEY".strip()
    return "-----BEGIN " + head + "-----" + PEM_BODY + "-----END " + head + "-----"


random.seed(7)
KEY_LINES = ["".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                     for _ in range(64)) for _ in range(8)]
KEY_FILE = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + "\n".join(KEY_LINES) + "\n-----END " + \
    "RSA PRIVATE KEY-----\n"
AWS_ENV = "REGION=eu-west-1\naws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"


def b64_lines(text: str, width: int = 76) -> str:
    """What `base64 FILE` prints."""
    encoded = base64.b64encode(text.encode()).decode()
    return "\n".join(encoded[i:i + width] for i in range(0, len(encoded), width)) + "\n"


# a piece of each regex (as written in the manifest) -> secrets it must catch
SAMPLES: dict[str, list[str]] = {
    "AKIA|ASIA": ["AKIA" + "IOSFODNN7EXAMPLE", "ASIA" + "Y34FZKBOKMUTVV7A"],
    "aws_secret_access_key": ["aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              'AWS_SECRET_ACCESS_KEY="' + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" + '"'],
    "gh[pousr]_": ["ghp_" + "A1b2C3d4" * 4 + "E5f6", "gho_" + "Z9y8X7w6" * 5, "ghs_" + "0a" * 18],
    "github_pat_": ["github_pat_" + "11ABCDEFG0" + "_" + "aB3" * 20],
    "gl(?:pat": ["glpat-" + "abcDEF123_-xyz7890ABCD", "glptt-" + "0123456789abcdef0123"],
    "xox[baprs]": ["xoxb-" + "1234567890-0987654321-" + "AbCdEfGhIjKlMnOp", "xoxp-" + "1-2-3-" + "a1" * 10],
    "hooks\\.slack": ["https://hooks.slack.com/services/" + "T00000000/B00000000/" + "X" * 24],
    "sk-(?:ant": ["sk-" + "proj-" + "a1B2c3D4e5F6g7H8i9J0" * 2, "sk-" + "ant-api03-" + "Ab1_" * 20 + "AA",
                  "sk-" + "4f" * 24],
    "AIza": ["AIza" + "Sy" + "A1b2C3d4E5" * 3 + "f6G"],
    "UFJJVkFURSBL": [b64_lines(KEY_FILE)],
    "YXdzX3NlY3Jl": [b64_lines(AWS_ENV)],
    "{0,120}^[A-Za-z0-9+/=]{1,70}": ["\n".join(KEY_LINES) + "\n-----END " + "RSA PRIVATE KEY-----"],
    "{0,69}?[g-zG-Z+/]": ["\n".join(KEY_LINES) + "\n"],
    "k_(?:live|test)": ["sk_" + "live_" + "a1B2c3D4" * 3, "rk_" + "test_" + "Z9y8X7w6" * 4],
    "eyJ": ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + "."
            + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
    "PRIVATE KEY(?: BLOCK)?-----[\\s\\S]": [pem("RSA"), pem("OPENSSH"), pem(""), pem("EC"), pem("ENCRYPTED"),
                    "-----BEGIN " + "PGP PRIVATE KEY BLOCK-----\n\nlQOYBF" + "x" * 30 + "\n-----END "
                    + "PGP PRIVATE KEY BLOCK-----",
                    "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow... (output cut off here)"],
}

# the shapes a secret takes on its way out that the hook also catches (docs/hooks.md)
ENCODED = {
    "base64 of a key file": b64_lines(KEY_FILE),
    "base64 of a key file, one line": base64.b64encode(KEY_FILE.encode()).decode(),
    "base64 of a key with text before it": b64_lines("note\n" + KEY_FILE),
    "base64 of an .env with an AWS secret": b64_lines(AWS_ENV),
    "base64 of it, shifted by one character": b64_lines("x" + AWS_ENV),
    "tail -n +2 of a key": "\n".join(KEY_LINES) + "\n-----END " + "RSA PRIVATE KEY-----\n",
    "sed -n 2,6p of a key": "\n".join(KEY_LINES[:5]) + "\n",
}

ORDINARY = [
    "3f786850e387550fdab836ed7e6dc881de23001b",                     # a git SHA
    "commit 3f78685 (HEAD -> main, origin/main)",
    "123e4567-e89b-12d3-a456-426614174000",                         # a UUID
    "sha256:" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "Successfully installed requests-2.31.0 urllib3-2.2.1",
    "sk-learn-is-a-name-people-use-for-scikit-learn",
    "the task-runner-configuration-file-was-updated",
    "-----BEGIN CERTIFICATE-----\nMIIB" + "y" * 40 + "\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\nMFkw" + "y" * 40 + "\n-----END PUBLIC KEY-----",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host",
    "export AWS_REGION=eu-west-1",
    "ghp_short",
    "src/components/AIzaLogo.tsx",
    "eyJhbGciOiJIUzI1NiJ9 is just a base64 header",
    "tests/test_api.py::test_login PASSED [ 42%]",
    "-rw-r--r--  1 user staff  1024 Jan  1 12:00 .env",
    "\n".join("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" for _ in range(6)) + "\n",
    b64_lines("just some text that is base64 encoded for a test fixture " * 3),
]


def redact_patterns() -> list[str]:
    data = to_plain(load_document(MANIFEST).data)
    hooks = [h for h in data["hooks"] if "redact" in h]
    assert len(hooks) == 1 and hooks[0]["on"] == "tool_result"
    return hooks[0]["redact"]


PATTERNS = redact_patterns()


def samples_for(pattern: str) -> list[str]:
    keys = [k for k in SAMPLES if k in pattern]
    assert len(keys) == 1, f"add samples for {pattern!r} (or make its key unique): {keys}"
    return SAMPLES[keys[0]]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_regex_compiles_and_catches_its_secret(pattern: str) -> None:
    regex = re.compile(pattern)
    for secret in samples_for(pattern):
        found = regex.search(f"output:\n{secret} (end)")
        assert found, f"{pattern!r} misses {secret!r}"


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("text", ORDINARY)
def test_no_regex_touches_ordinary_text(pattern: str, text: str) -> None:
    assert not re.search(pattern, text), f"{pattern!r} matches ordinary text {text!r}"


def test_every_sample_group_is_used() -> None:
    assert {k for k in SAMPLES if any(k in p for p in PATTERNS)} == set(SAMPLES)


def test_the_hook_redacts_a_tool_result_through_the_engine(world) -> None:
    transforms = [t for t in world.engine.hooks.result_transforms if t.source.extension == "safety"]
    assert transforms, "the safety extension registers no tool_result transform"
    secrets = [s for group in SAMPLES.values() for s in group]   # a cut-off PEM block comes last:
    content = "\n".join(["git log:", ORDINARY[1], ORDINARY[2],        # it is redacted to the end
                         *(f"line {i}: {s}" for i, s in enumerate(secrets))])
    call = CallInfo("c1", "bash", {"command": "env"}, {"command": "env"}, str(world.project), str(world.project))
    result = ToolResult(content)
    for transform in transforms:
        result = asyncio.run(transform.transform(call, result))
    for secret in secrets:
        assert secret not in result.content
    assert result.content.count("[REDACTED]") >= len(secrets)
    assert result.content.startswith("\n".join(["git log:", ORDINARY[1], ORDINARY[2], "line 0: [REDACTED]"]))


def _redacted(world, content: str) -> str:
    transforms = [t for t in world.engine.hooks.result_transforms if t.source.extension == "safety"]
    call = CallInfo("c1", "bash", {"command": "x"}, {"command": "x"}, str(world.project), str(world.project))
    result = ToolResult(content)
    for transform in transforms:
        result = asyncio.run(transform.transform(call, result))
    assert not result.is_error, result.content
    return result.content


@pytest.mark.parametrize("name", list(ENCODED))
def test_encoded_and_cut_up_secrets_are_redacted(world, name: str) -> None:
    out = _redacted(world, "output:\n" + ENCODED[name] + "\n(end of output)\n")
    assert "[REDACTED]" in out
    leaked = [line for line in KEY_LINES if line in out]
    assert not leaked
    assert "wJalrXUtnFEMI" not in out and base64.b64encode(b"wJalrXUtnFEMI/K7").decode()[:12] not in out
    assert out.startswith("output:") and out.endswith("(end of output)\n")


def test_ordinary_base64_and_hash_lists_are_left_alone(world) -> None:
    for text in ORDINARY[-2:]:
        assert _redacted(world, text) == text
