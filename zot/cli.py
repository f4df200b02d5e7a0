"""Argument parsing and sub-command dispatch only."""
import sys


def main(argv: list[str] | None = None) -> int:
    print("zot")
    return 0
