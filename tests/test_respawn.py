"""A replacement Gunicorn worker loads its lists before it accepts connections
(ai_service/respawn.py, ai_service/worker.py). End to end — SIGKILL a worker under load,
no request answered 503 — in tests/benchmarks/test_resilience_benchmark.py."""

from __future__ import annotations

import asyncio
import os
import time
from types import SimpleNamespace

import pytest

from ai_service import respawn
from ai_service.api.http_timeouts import HeaderTimeoutProtocol, header_timeout_protocol
from ai_service.worker import UvicornWorker, _header_timeout


async def _hold(ready_after: float | None, limit: float) -> float:
    service = SimpleNamespace(startup_complete=asyncio.Event())
    if ready_after is not None:
        asyncio.get_running_loop().call_later(ready_after, service.startup_complete.set)
    started = time.monotonic()
    await respawn.hold_until_ready(service, limit)  # type: ignore[arg-type]
    return time.monotonic() - started


def test_a_first_generation_worker_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(respawn.RESPAWN_ENV, raising=False)
    assert asyncio.run(_hold(None, 5.0)) < 0.05


def test_a_replacement_waits_for_its_lists_and_no_longer_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(respawn.RESPAWN_ENV, "1")
    assert 0.2 <= asyncio.run(_hold(0.2, 5.0)) < 1.0
    assert 0.2 <= asyncio.run(_hold(None, 0.2)) < 1.0  # never ready: serves anyway after the limit


def test_the_worker_marks_replacements_and_bounds_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUEST_HEADER_TIMEOUT_SECONDS", "7")
    monkeypatch.delenv(respawn.RESPAWN_ENV, raising=False)
    calls: list[int] = []
    monkeypatch.setattr("uvicorn_worker.UvicornWorker.init_process", lambda self: calls.append(self.age))
    worker = UvicornWorker.__new__(UvicornWorker)  # Gunicorn builds it with sockets and a config
    worker.cfg = SimpleNamespace(workers=2)
    worker.age = 2  # the second worker of the first spawn
    worker.init_process()
    assert respawn.RESPAWN_ENV not in os.environ
    worker.age = 3  # Gunicorn's third spawn with 2 workers configured: a replacement
    worker.init_process()
    assert os.environ[respawn.RESPAWN_ENV] == "1" and calls == [2, 3]
    monkeypatch.delenv(respawn.RESPAWN_ENV)
    assert _header_timeout() == 7.0
    protocol = header_timeout_protocol(_header_timeout())
    assert issubclass(protocol, HeaderTimeoutProtocol) and protocol.header_timeout == 7.0
