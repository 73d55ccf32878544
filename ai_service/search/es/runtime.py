"""What the service holds when SEARCH_BACKEND=elasticsearch: the client, one
breaker, and the index state of the current snapshot.

For every snapshot the service gets a ``FailoverBackend``. With the embedded
fallback it is returned at once (answering from the fallback) while the
index is ensured in the background — a no-op when unchanged, a build when
not — and Elasticsearch joins when its index holds this snapshot; failures
retry with backoff while the snapshot is current. Without a fallback the
index must be ready before the snapshot is served, so a failure fails the reload.
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

from ai_service import metrics
from ai_service.config import Settings
from ai_service.lists.snapshot import ListsSnapshot
from ai_service.logging_setup import safe
from ai_service.search.base import SearchBackend
from ai_service.search.es.backend import ElasticsearchBackend
from ai_service.search.es.breaker import OPEN, CircuitBreaker
from ai_service.search.es.client import build_client, bulk_client
from ai_service.search.es.documents import snapshot_checksum
from ai_service.search.es.failover import FailoverBackend, describe_error
from ai_service.search.es.indexer import IndexState, ensure_index

log = logging.getLogger("ai_service.search.es")

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0
CLOSE_WAIT_SECONDS = 5.0


class IndexUnavailable(RuntimeError):
    """The index for the snapshot could not be ensured (the reason is log-safe)."""


class ElasticsearchRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client = build_client(settings)
        self.loader = bulk_client(self.client, settings)
        self.breaker = CircuitBreaker(settings.es_breaker_failures, settings.es_breaker_reset_seconds,
                                      on_change=self._breaker_changed)
        self.index: IndexState | None = None
        self._primary: ElasticsearchBackend | None = None
        self.index_status: dict = {"status": "pending"}
        self._task: asyncio.Task | None = None
        metrics.set_circuit_state(self.breaker.state)
        metrics.set_backend_up("elasticsearch", False)  # up once an index serves
        if not settings.es_verify_ssl:
            log.warning("ES_VERIFY_SSL=false: the Elasticsearch certificate is not verified")

    async def backend_for(self, snapshot: ListsSnapshot, fallback: SearchBackend | None,
                          min_score: float = 0.3) -> FailoverBackend:
        """The backend to serve ``snapshot`` with (see the module docstring)."""
        backend = FailoverBackend(None, fallback, self.breaker)
        metrics.set_backend_up("embedded", fallback is not None)
        self._cancel()
        current = self._primary
        if current is not None and current.state.checksum == snapshot_checksum(snapshot):
            backend.primary = current  # unchanged lists: no fallback window while re-checking the index
        if fallback is None and backend.primary is None:
            await self._attach(backend, snapshot, min_score)
        else:
            self._task = asyncio.create_task(self._attach_retrying(backend, snapshot, min_score),
                                             name="elasticsearch-index")
        return backend

    async def _attach(self, backend: FailoverBackend, snapshot: ListsSnapshot, min_score: float) -> None:
        s = self.settings
        self.index_status = {"status": "indexing", "since": time.time()}
        try:
            state = await ensure_index(self.loader, snapshot, s.es_index, keep=s.es_keep_indices,
                                       wait_seconds=float(s.es_bulk_timeout_seconds), progress=False)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = describe_error(exc)
            self.index_status = {"status": "failed", "error": reason, "at": time.time()}
            metrics.set_backend_up("elasticsearch", False)
            # A sanitized reason: transport messages may carry URLs with credentials.
            raise IndexUnavailable(f"elasticsearch index not ready: {reason}") from exc
        primary = self._primary
        if primary is None or primary.index != state.index:
            primary = ElasticsearchBackend(self.client, state, min_score,
                                           vector_retrieval=self.settings.feature_vector_retrieval)
        backend.primary = self._primary = primary
        self.index = state
        self.index_status = {"status": "ready", **state.to_dict(), "at": time.time()}
        metrics.set_backend_up("elasticsearch", self.breaker.state != OPEN)
        log.info("elasticsearch serving index %s (%s)", safe(state.index), safe(state.action))

    async def _attach_retrying(self, backend: FailoverBackend, snapshot: ListsSnapshot, min_score: float) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._attach(backend, snapshot, min_score)
                return
            except asyncio.CancelledError:
                raise
            except IndexUnavailable as exc:
                self.index_status["retry_in_seconds"] = delay
                log.warning("%s; serving the embedded fallback, retry in %.0f s", safe(exc), delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def wait_attached(self, timeout: float) -> bool:
        """For tools and tests: wait for the background index task (True if attached)."""
        task = self._task
        if task is not None:
            await asyncio.wait({task}, timeout=timeout)
        return self.index_status.get("status") == "ready"

    def _breaker_changed(self, old: str, new: str) -> None:
        log.warning("elasticsearch circuit %s -> %s", safe(old), safe(new))
        metrics.set_circuit_state(new)
        metrics.set_backend_up("elasticsearch", new != OPEN and self.index is not None)

    def _cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    def status(self, backend: SearchBackend | None) -> dict:
        """The ``elasticsearch`` component of /health/detailed."""
        serving = backend.serving if isinstance(backend, FailoverBackend) else None
        attached = isinstance(backend, FailoverBackend) and backend.primary is not None
        degraded = not attached or self.breaker.state != "closed"
        return {
            "configured": True,
            "status": "degraded" if degraded else "up",
            "serving": serving,
            "fallback": self.settings.search_fallback,
            "hosts": [_safe_host(u) for u in (self.settings.es_url or "").split(",") if u.strip()],
            "alias": self.settings.es_index,
            "index": self.index_status,
            "circuit": self.breaker.state,
            "breaker": self.breaker.to_dict(),
            "timeout_ms": self.settings.es_timeout_ms,
        }

    async def close(self) -> None:
        task = self._task
        self._cancel()
        if task is not None:  # let a cancelled build delete its half-written index first
            await asyncio.wait({task}, timeout=CLOSE_WAIT_SECONDS)
        await self.client.close()


def _safe_host(url: str) -> str:
    """scheme://host:port, never credentials or paths."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
