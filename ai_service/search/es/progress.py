"""A plain-text progress line for bulk loads, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_REDRAW_SECONDS = 0.1


class Progress:
    def __init__(self, label: str, total: int, *, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        # None: decide by the terminal (a service's logs must not fill with \r lines).
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self._drawn = 0.0
        self._shown = False
        self._started = time.monotonic()

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= MIN_REDRAW_SECONDS or done >= self.total):
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        self._shown = True
        share = self.done / self.total if self.total else 1.0
        width = 30
        filled = int(share * width)
        rate = self.done / max(now - self._started, 1e-6)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{self.done:,}/{self.total:,} entities {share:6.1%} {rate:,.0f}/s")
        self.stream.flush()

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")  # keep the last line, finish it
            self.stream.flush()
