"""A script's session powers in `zot rpc` (tests/script/powers.py): its messages start turns that
the client sees like its own (ending with `done`), a held message joins the next prompt, the
model and the system prompt it sets apply to the client's next prompt, and a refused switch is
the `clear` command's error."""
from __future__ import annotations

import time

from tests.fakellm import text
from tests.rpc.conftest import types
from tests.script.powers import powers_folder


def user_text(body: dict) -> str:
    return [m["content"] for m in body["messages"] if m["role"] == "user"][-1]


def test_script_messages_and_settings_in_rpc(rpc, tmp_path):
    folder = powers_folder(tmp_path / "exts")
    client = rpc("-e", str(folder), replies=[text("from the script's turn"), text("with the note"),
                                             text("as a pirate"), text("plain again")])
    client.send(id="1", type="prompt", message="/go hello from the script")
    assert types(client.until("done")) == ["response", "command_output", "done"]     # the command
    frames = client.until("done")                # then the turn the script started, which ends with done too
    assert "user_message" in types(frames) and "assistant_message" in types(frames)
    assert user_text(rpc.server.requests[0]) == "[script] hello from the script"

    client.send(id="2", type="prompt", message="/note remember the milk")
    client.until("done")
    client.send(id="3", type="prompt", message="what now?")
    client.until("done")
    assert user_text(rpc.server.requests[1]) == "[rpc] remember the milk\n\nwhat now?"

    client.send(id="4", type="prompt", message="/persona Be brief.")
    client.until("done")
    client.until("done")
    system = rpc.server.requests[2]["messages"][0]["content"]
    assert system.startswith("You are a pirate.") and system.endswith("Rule from powers: Be brief.")
    client.send(id="4b", type="prompt", message="/unpersona")
    client.until("done")
    client.until("done")
    system = rpc.server.requests[3]["messages"][0]["content"]
    assert system.startswith("You are zot") and "pirate" not in system and "Rule from powers" not in system

    client.send(id="5", type="prompt", message="/lock keep this one")
    client.until("done")
    client.send(id="6", type="clear")
    refused = client.response("6")
    assert refused["success"] is False and "keep this one (powers)" in refused["error"]
    assert client.close() == 0


LOOPER = '''
hello()
send({"type": "subscribe", "events": ["agent_end"]})
send({"type": "ready"})
n = 0
for f in frames():
    if f["type"] == "event" and f["event"] == "agent_end":
        n += 1
        send({"type": "send_message", "id": "m%d" % n, "text": "again %d" % n})
    elif f["type"] == "host_result" and not f["ok"]:
        send({"type": "notify", "level": "warn", "message": "refused: " + f["error"]})
'''


def test_a_script_cannot_keep_starting_turns_without_the_user(rpc, tmp_path):
    from tests.script.conftest import write_script
    from zot.agent.script_port import SCRIPT_TURN_LIMIT

    folder = write_script(tmp_path / "exts", "looper", LOOPER)
    client = rpc("-e", str(folder), replies=[text(f"answer {i}") for i in range(SCRIPT_TURN_LIMIT + 1)])
    client.send(id="1", type="prompt", message="start")
    frames = client.until(lambda f: f.get("type") == "ext_notify" and "refused" in f.get("message", ""))
    assert f"{SCRIPT_TURN_LIMIT} turns in a row were started by extensions" in frames[-1]["message"]
    assert len(rpc.server.requests) == SCRIPT_TURN_LIMIT + 1
    assert user_text(rpc.server.requests[-1]) == f"again {SCRIPT_TURN_LIMIT}"
    assert client.close() == 0


def test_file_trigger_starts_a_turn_in_rpc(rpc):
    from tests.declarative.conftest import REPO

    client = rpc("-e", str(REPO / "extensions" / "file-trigger"), replies=[text("fixing the build")])
    client.send(id="1", type="get_state")      # the script is ready once zot answers
    client.response("1")
    inbox = rpc.project / ".zot" / "data" / "file-trigger" / "inbox.md"
    deadline = time.monotonic() + 20
    while not inbox.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    inbox.write_text("The build is red.\n")
    frames = client.until("done")
    assert "user_message" in types(frames)
    assert user_text(rpc.server.requests[0]) == "The build is red."
    assert client.close() == 0


def test_a_prompt_sent_while_the_agent_works_reaches_scripts_as_queue(rpc, tmp_path):
    """`input.source`: `rpc` for a prompt that starts at once, `queue` for one that waited."""
    folder = powers_folder(tmp_path / "exts")
    client = rpc("-e", str(folder), replies=[text("word " * 100, chunks=100, delay=0.02), text("second")])
    client.send(id="1", type="prompt", message="talk a while")
    client.until("text_delta")
    client.send(id="2", type="prompt", message="and then this")
    client.until("done")
    client.until("done")
    assert user_text(rpc.server.requests[0]) == "[rpc] talk a while"
    assert user_text(rpc.server.requests[1]) == "[queue] and then this"
    assert client.close() == 0
