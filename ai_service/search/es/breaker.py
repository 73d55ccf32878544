"""A small circuit breaker: closed → open after N consecutive failures →
half-open probe after a reset delay → closed on a successful probe.

Single event loop, no locks: every transition happens between awaits. While
half-open exactly one call probes; the others keep using the fallback. A
probe that never reports back (its task was cancelled) is replaced after
another reset delay, so the breaker cannot stick half-open.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    def __init__(self, failures: int = 3, reset_seconds: float = 5.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[str, str], None] | None = None) -> None:
        if failures < 1 or reset_seconds <= 0:
            raise ValueError("failures must be >= 1 and reset_seconds > 0")
        self.threshold = failures
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._on_change = on_change  # (old state, new state)
        self.state = CLOSED
        self.consecutive_failures = 0
        self.opened_at: float | None = None
        self._probe_at = 0.0
        self.opened_count = 0  # times it opened since start (for /health/detailed)
        self.last_error: str | None = None

    def allow(self) -> bool:
        """May this call go to the protected service? (Claims the probe when due.)"""
        if self.state == CLOSED:
            return True
        now = self._clock()
        if self.state == OPEN:
            if self.opened_at is not None and now - self.opened_at >= self.reset_seconds:
                self._set(HALF_OPEN)
                self._probe_at = now
                return True
            return False
        if now - self._probe_at >= self.reset_seconds:  # the probe got lost
            self._probe_at = now
            return True
        return False

    def success(self) -> None:
        self.consecutive_failures = 0
        if self.state != CLOSED:
            self.opened_at = None
            self._set(CLOSED)

    def failure(self, error: str | None = None) -> None:
        self.last_error = error
        self.consecutive_failures += 1
        if self.state == HALF_OPEN or (self.state == CLOSED and self.consecutive_failures >= self.threshold):
            self._open()
        # While open, late failures of calls started before it opened change nothing.

    def _open(self) -> None:
        self.opened_at = self._clock()
        self.opened_count += 1
        self._set(OPEN)

    def _set(self, state: str) -> None:
        old, self.state = self.state, state
        if old != state and self._on_change is not None:
            self._on_change(old, state)

    def retry_in(self) -> float | None:
        """Seconds until the next probe while open (None otherwise)."""
        if self.state != OPEN or self.opened_at is None:
            return None
        return max(0.0, self.reset_seconds - (self._clock() - self.opened_at))

    def to_dict(self) -> dict:
        out: dict = {"state": self.state, "consecutive_failures": self.consecutive_failures,
                     "failure_threshold": self.threshold, "reset_seconds": self.reset_seconds,
                     "opened_count": self.opened_count, "last_error": self.last_error}
        retry = self.retry_in()
        if retry is not None:
            out["next_probe_in_seconds"] = round(retry, 3)
        return out
