"""Running the agent: `zot`, `zot -p`, `zot --json`."""
from __future__ import annotations

import argparse

from zot.config import UserError


def run(args: argparse.Namespace) -> int:
    raise UserError("the agent is not built yet", "see `zot --help` for the extension commands", code=2)
