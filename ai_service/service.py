"""The running service: settings, the current list snapshot and index, the pipeline.

Lists load in the background at start-up so liveness answers at once and
readiness turns 200 when the first snapshot is searchable. A reload builds a
complete new snapshot and index beside the old ones and swaps a single
reference: requests in flight finish on the old data, and a failed reload
leaves the old data in place and records why.

With SEARCH_BACKEND=elasticsearch each snapshot is served by a failover
backend (``search/es/runtime.py``): Elasticsearch once its index holds the
snapshot, the embedded index (SEARCH_FALLBACK=embedded) before that and
whenever the cluster fails.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from ai_service import metrics
from ai_service.cleared import ClearedStore
from ai_service.config import Settings
from ai_service.lists.config import sources_from_setting
from ai_service.lists.fetch import http_fetcher
from ai_service.lists.loader import ListsSnapshot, load_sources
from ai_service.logging_setup import safe
from ai_service.pipeline.decision import RiskBands
from ai_service.pipeline.orchestrator import Pipeline
from ai_service.search.base import SearchBackend
from ai_service.search.embedded import EmbeddedBackend
from ai_service.search.index import EmbeddedIndex
from ai_service.stats import RequestStats
from ai_service.text.dictionaries import DICTIONARIES_DIR

if TYPE_CHECKING:
    from ai_service.search.es.runtime import ElasticsearchRuntime

log = logging.getLogger("ai_service.service")


@dataclass(frozen=True, slots=True)
class Generation:
    """One list snapshot with the backend built from it; swapped as a whole."""

    snapshot: ListsSnapshot
    backend: SearchBackend  # EmbeddedBackend, or FailoverBackend with Elasticsearch
    built_at: float
    build_seconds: float


class ScreeningService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.generation: Generation | None = None
        self.cleared = ClearedStore(settings.cleared_pairs_path)
        self.pipeline = Pipeline(
            self.current_backend,
            max_input_length=settings.max_input_length,
            chunk_threshold=settings.long_text_threshold,
            cache_size=settings.cache_size,
            bands=RiskBands(settings.risk_high, settings.risk_medium, settings.risk_low),
            cleared=self.cleared,
        )
        self.stats = RequestStats()
        self.started_at = time.time()
        self.startup_complete = asyncio.Event()
        self.last_reload: dict = {"status": "pending"}
        self.http: httpx.AsyncClient | None = None
        self._reload_lock = asyncio.Lock()
        self._startup_task: asyncio.Task | None = None
        self.es: ElasticsearchRuntime | None = None

    # -- lifecycle ---------------------------------------------------------
    async def start(self) -> None:
        limits = httpx.Limits(
            max_connections=self.settings.connection_pool_size,
            max_keepalive_connections=self.settings.connection_pool_size,
        )
        self.http = httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(30.0, connect=5.0),
                                      follow_redirects=True)
        if self.settings.uses_demo_list:
            log.info("LISTS is not set: serving the bundled demo list of fictional entities")
        if self.settings.search_backend == "elasticsearch":
            from ai_service.search.es.runtime import ElasticsearchRuntime  # imports the ES client

            self.es = ElasticsearchRuntime(self.settings)
        self._startup_task = asyncio.create_task(self._initial_load())

    async def _initial_load(self) -> None:
        try:
            await self.reload()
        except Exception:  # reload() logged the reason; readiness stays 503 until a reload succeeds
            pass
        else:
            try:
                await self.warm_up()
            except Exception:
                log.exception("warm-up failed; serving anyway")
        finally:
            self.startup_complete.set()

    async def warm_up(self) -> None:
        """Run the bundled warm-up texts so lazy initialisation is not paid by a payment."""
        started = time.perf_counter()
        for text in _warmup_texts():
            await self.pipeline.process(text)
        log.info("pipeline warmed up in %.3f s", time.perf_counter() - started)

    async def stop(self) -> None:
        if self._startup_task is not None and not self._startup_task.done():
            self._startup_task.cancel()
        if self.http is not None:
            await self.http.aclose()
        if self.es is not None:
            await self.es.close()

    # -- state -------------------------------------------------------------
    def current_backend(self) -> SearchBackend | None:
        gen = self.generation
        return gen.backend if gen is not None else None

    @property
    def ready(self) -> bool:
        gen = self.generation
        return gen is not None and gen.snapshot.total_entities > 0

    # -- observations ---------------------------------------------------------
    def observe_document(self, doc) -> None:
        """Per-text figures for metrics and /stats (decision, matches, layers, caches)."""
        risk = doc.decision.get("risk")
        if risk:
            self.stats.record_risk(risk)
            metrics.count_decision(risk)
        if doc.matches:
            metrics.count_matches(m.entity.list for m in doc.matches)
        metrics.observe_layers(doc.timings)
        if doc.cache_hits or doc.cache_misses:
            metrics.count_caches({layer: (doc.cache_hits.get(layer, 0), doc.cache_misses.get(layer, 0))
                                  for layer in doc.cache_hits.keys() | doc.cache_misses.keys()})

    def observe_batch(self, size: int) -> None:
        metrics.observe_batch(size)

    # -- lists ---------------------------------------------------------------
    async def reload(self) -> dict:
        """Load every configured source and swap in the result; keep the old data on failure."""
        async with self._reload_lock:
            started = time.perf_counter()
            try:
                sources = sources_from_setting(self.settings.lists)
                fetch = http_fetcher(self.http, max_bytes=self.settings.list_download_max_bytes) if self.http else None
                snapshot = await load_sources(sources, fetch=fetch)
                backend = await self._backend_for(snapshot)
            except Exception as exc:
                reason = str(exc) or exc.__class__.__name__
                self.last_reload = {"status": "failed", "error": reason, "at": time.time(),
                                    "kept_previous": self.generation is not None}
                metrics.count_reload("failure")
                log.error("list reload failed, keeping previous data: %s", safe(reason))
                raise
            seconds = time.perf_counter() - started
            self.generation = Generation(snapshot, backend, time.time(), seconds)
            self.last_reload = {"status": "ok", "at": time.time(), "seconds": round(seconds, 3),
                                "entities": snapshot.total_entities}
            try:
                metrics.count_reload("success")
                metrics.set_list_gauges(
                    (name, lst.entity_count, lst.loaded_at) for name, lst in snapshot.lists.items()
                )
            except Exception:  # the swap happened; a metrics problem must not undo or hide it
                log.exception("could not record list metrics")
            log.info("lists loaded: %d entities in %d lists in %.2f s",
                     snapshot.total_entities, len(snapshot.lists), seconds)
            return self.last_reload

    async def _backend_for(self, snapshot: ListsSnapshot) -> SearchBackend:
        embedded: EmbeddedBackend | None = None
        if self.es is None or self.settings.search_fallback == "embedded":
            embedded = EmbeddedBackend(await asyncio.to_thread(EmbeddedIndex.build, list(snapshot.entities())))
        if self.es is None:
            assert embedded is not None
            return embedded
        return await self.es.backend_for(snapshot, embedded)


def _warmup_texts() -> list[str]:
    lines = (DICTIONARIES_DIR / "warmup.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
