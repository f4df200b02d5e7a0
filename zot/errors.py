"""The one error boundary: a user's mistake exits without a traceback; a bug says where its log is."""
from __future__ import annotations

import sys
import time
import traceback
from typing import Callable


def _crash_log(exc: BaseException) -> str:
    from zot.config import zot_home

    try:
        folder = zot_home() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        return str(path)
    except OSError:
        return "(could not write a log)"


def boundary(fn: Callable[[list[str]], int], argv: list[str]) -> int:
    from zot.config import UserError

    try:
        return fn(argv)
    except UserError as exc:
        print(f"zot: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("zot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the boundary: anything else is a bug in zot
        log = _crash_log(exc)
        print(f"zot: internal error: {type(exc).__name__}: {exc}\n  details: {log}\n"
              "  this is a bug in zot; please report it with that file", file=sys.stderr)
        return 70
