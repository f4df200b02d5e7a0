"""Stands in for the Go zot's Python rpc client (see README.md): one prompt, streamed."""
import json
import os
import secrets
import subprocess
import sys


def main() -> int:
    words = sys.argv[1:]
    if not words:
        print("usage: python_client.py PROMPT", file=sys.stderr)
        return 2
    zot = subprocess.Popen(["zot", "rpc"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def send(frame: dict) -> None:
        frame.setdefault("id", secrets.token_hex(4))
        zot.stdin.write(json.dumps(frame) + "\n")
        zot.stdin.flush()

    try:
        if os.environ.get("ZOTCORE_RPC_TOKEN"):
            send({"type": "hello", "token": os.environ["ZOTCORE_RPC_TOKEN"]})
        send({"type": "prompt", "message": " ".join(words)})
        for line in zot.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            kind = event.get("type")
            if kind == "text_delta":
                sys.stdout.write(event.get("delta", ""))
                sys.stdout.flush()
            elif kind == "tool_call":
                print(f"\n[tool] {event.get('name')}({json.dumps(event.get('args', {}))})", file=sys.stderr)
            elif kind == "tool_result" and event.get("is_error"):
                print("[tool error]", file=sys.stderr)
            elif kind == "usage":
                total = event.get("cumulative", {})
                print(f"\n[usage] input={total.get('input')} output={total.get('output')} "
                      f"cost=${total.get('cost_usd', 0):.4f}", file=sys.stderr)
            elif kind == "error":
                print(f"\n[error] {event.get('message')}", file=sys.stderr)
                return 1
            elif kind == "done":
                print()
                return 0
        return 0
    finally:
        zot.stdin.close()
        zot.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
