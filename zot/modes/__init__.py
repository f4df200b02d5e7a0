"""The ways to run zot besides the REPL (zot/ui): `-p` and `--json` (print), and `zot rpc`.

A mode builds one `zot.agent.agent_session.AgentSession`, listens to its events and calls its
methods; it never runs the loop or dispatches a command itself.
"""
