"""A replacement Gunicorn worker holds off accepting connections until its lists are loaded.

Lists load in the background so that, at start-up, liveness answers at once. But when
Gunicorn replaces a worker that died (OOM kill, crash) or was recycled, the other workers
are serving: if the new one accepted connections at once it would answer every screening
request it took 503 "not ready" for the seconds its lists take to load (measured after a
SIGKILL under load: a few percent of all requests, ``benchmarks/resilience``), while the
healthy workers could have taken them. The worker class (``ai_service/worker.py``) marks a
replacement in the environment; the application's start-up then waits here — before
Uvicorn opens its accept loop, so the kernel hands new connections to the other workers —
until the lists are loaded, at most ``HOLD_LIMIT_SECONDS``, and serves anyway after that
(503 until ready, as at first start). Gunicorn's heartbeat timeout does not run before a
worker's first heartbeat, so the wait is not mistaken for a hang.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ai_service.service import ScreeningService

log = logging.getLogger("ai_service.worker")
RESPAWN_ENV = "AI_SERVICE_REPLACEMENT_WORKER"  # set by the worker class for its own app, never by operators
HOLD_LIMIT_SECONDS = 60.0


async def hold_until_ready(service: ScreeningService, limit: float = HOLD_LIMIT_SECONDS) -> None:
    """In the app's start-up, after ``service.start()``: a replacement worker waits for its lists."""
    if os.environ.get(RESPAWN_ENV) != "1":
        return
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        await asyncio.wait_for(service.startup_complete.wait(), limit)
    except TimeoutError:
        log.warning("replacement worker: lists not loaded after %.0f s; accepting connections anyway", limit)
        return
    log.info("replacement worker: lists loaded in %.3f s before accepting connections", loop.time() - started)
