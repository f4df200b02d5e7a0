"""Script extensions: long-lived subprocesses speaking line-delimited JSON (docs/protocol.md).

One module per job:

- `protocol`   frames: encode, decode, the 4 MiB line limit, field helpers
- `spec`       what a script is made of (program, folder, timeouts, restart, order)
- `process`    one OS process: spawn, handshake, requests by id, failure, shutdown
- `extension`  one script extension across restarts: start, failure, backoff
- `frames`     what its frames do: registrations, notify, kv, ui, panels
- `adapters`   its tools, commands and widgets as zot's
- `intercepts` its intercepts and observed events on zot's hook points
- `eventmap`   zot events as Go-zot event frames
- `guards`     `register_guard`, checked and compiled like a manifest's guard
- `host`       every script of a session, started in parallel, on the live agent state
- `ui`, `kv`   the UI port and the per-extension key-value store

Nothing here imports the agent loop: the host changes the objects the loop reads (the tool dict,
the command table, the Hooks lists).
"""
