#!/usr/bin/env bash
# Stands in for the Go zot's shell rpc client (see README.md): one prompt, streamed. Needs jq.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PROMPT" >&2; exit 2; }
frame=$(jq -nc --arg m "$*" '{id: "1", type: "prompt", message: $m}')
{
  [ -z "${ZOTCORE_RPC_TOKEN:-}" ] || jq -nc --arg t "$ZOTCORE_RPC_TOKEN" '{id: "0", type: "hello", token: $t}'
  printf '%s\n' "$frame"
  cat            # stdin stays open until zot is done
} | zot rpc | while IFS= read -r line; do
  case "$(printf '%s' "$line" | jq -r '.type // empty')" in
    text_delta) printf '%s' "$line" | jq -rj '.delta // ""' ;;
    tool_call) printf '\n[tool] %s\n' "$(printf '%s' "$line" | jq -r '.name // ""')" >&2 ;;
    error) echo "[error] $(printf '%s' "$line" | jq -r '.message // ""')" >&2; exit 1 ;;
    done) echo; exit 0 ;;
  esac
done
