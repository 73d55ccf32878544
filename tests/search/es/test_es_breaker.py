"""The circuit breaker's state machine, on a fake clock."""

from __future__ import annotations

import pytest

from ai_service.search.es.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(failures: int = 3, reset: float = 5.0) -> tuple[CircuitBreaker, Clock, list[tuple[str, str]]]:
    clock = Clock()
    changes: list[tuple[str, str]] = []
    breaker = CircuitBreaker(failures, reset, clock=clock, on_change=lambda a, b: changes.append((a, b)))
    return breaker, clock, changes


def test_opens_after_consecutive_failures_only() -> None:
    b, _, changes = make(3)
    b.failure()
    b.failure()
    b.success()  # not consecutive any more
    b.failure()
    b.failure()
    assert b.state == CLOSED and b.allow()
    b.failure("ConnectionTimeout")
    assert b.state == OPEN and not b.allow()
    assert changes == [(CLOSED, OPEN)]
    assert b.to_dict()["last_error"] == "ConnectionTimeout" and b.opened_count == 1


def test_half_open_probe_after_reset_closes_on_success() -> None:
    b, clock, changes = make(1, 5.0)
    b.failure()
    clock.now += 4.9
    assert not b.allow() and b.retry_in() == pytest.approx(0.1)
    clock.now += 0.1
    assert b.allow()  # the probe
    assert b.state == HALF_OPEN
    assert not b.allow()  # one probe at a time; others use the fallback
    b.success()
    assert b.state == CLOSED and b.allow()
    assert changes == [(CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, CLOSED)]


def test_failed_probe_reopens_for_another_reset_period() -> None:
    b, clock, _ = make(2, 1.0)
    b.failure()
    b.failure()
    clock.now += 1.0
    assert b.allow()
    b.failure()
    assert b.state == OPEN and b.opened_count == 2
    clock.now += 0.5
    assert not b.allow()
    clock.now += 0.5
    assert b.allow()


def test_lost_probe_is_replaced() -> None:
    b, clock, _ = make(1, 2.0)
    b.failure()
    clock.now += 2.0
    assert b.allow()  # probe claimed, its task then cancelled: never reports
    clock.now += 1.0
    assert not b.allow()
    clock.now += 1.0
    assert b.allow()


def test_late_failures_while_open_do_not_extend_it() -> None:
    b, clock, _ = make(1, 1.0)
    b.failure()
    clock.now += 0.9
    b.failure()  # a call started before the breaker opened
    clock.now += 0.1
    assert b.allow()


def test_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(0, 1.0)
    with pytest.raises(ValueError):
        CircuitBreaker(1, 0.0)
