"""Keeps the end of a stream of output, which is where errors and summaries usually are."""
from __future__ import annotations

from dataclasses import dataclass, field

from zot.tools._common import MAX_BYTES, MAX_LINES


@dataclass
class TailBuffer:
    """Holds the last `max_bytes` bytes seen and counts everything, so the cut can be reported."""

    max_bytes: int = MAX_BYTES
    max_lines: int = MAX_LINES
    total_bytes: int = 0
    total_newlines: int = 0
    _tail: bytearray = field(default_factory=bytearray)
    _last_byte: int = 10

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.total_bytes += len(chunk)
        self.total_newlines += chunk.count(b"\n")
        self._last_byte = chunk[-1]
        self._tail += chunk
        keep = self.max_bytes + 2          # room for a final newline and the byte before the window
        if len(self._tail) > keep:
            del self._tail[: len(self._tail) - keep]

    @property
    def total_lines(self) -> int:
        """Lines as a person counts them: a last line without a newline still counts."""
        if self.total_bytes == 0:
            return 0
        return self.total_newlines + (0 if self._last_byte == 10 else 1)

    def text(self) -> tuple[str, int, bool]:
        """The kept text, how many lines it has, and whether anything before it was dropped."""
        data = bytes(self._tail)
        if data.endswith(b"\n"):
            data = data[:-1]
        cut = False
        if len(data) > self.max_bytes:
            before, data, cut = data[-self.max_bytes - 1], data[-self.max_bytes:], True
            newline = data.find(b"\n")
            if before != 10 and newline != -1:   # drop a partial first line when whole ones follow
                data = data[newline + 1:]
        lines = data.split(b"\n")
        if len(lines) > self.max_lines:
            lines, cut = lines[-self.max_lines:], True
        return b"\n".join(lines).decode("utf-8", errors="replace"), len(lines), cut
