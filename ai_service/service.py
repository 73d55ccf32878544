"""The running service: settings, the current list snapshot and index, the pipeline.

Lists load in the background at start-up so liveness answers at once and
readiness turns 200 when the first snapshot is searchable. A reload builds a
complete new snapshot and index beside the old ones and swaps a single
reference: requests in flight finish on the old data, and a failed reload
leaves the old data in place and records why.

With LISTS_REFRESH_SECONDS a background task refreshes every N seconds: it
reads the sources and compares checksums first, so an unchanged refresh
builds nothing and swaps nothing; otherwise unchanged lists are reused, lists
that only gained OpenSanctions delta files get just those applied, and the
rest are parsed again (``lists/loader.build_snapshot``). ``reload()`` (the
admin endpoint) always re-parses everything.

With SEARCH_BACKEND=elasticsearch each snapshot is served by a failover
backend (``search/es/runtime.py``): Elasticsearch once its index holds the
snapshot, the embedded index (SEARCH_FALLBACK=embedded) before that and
whenever the cluster fails.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from ai_service import metrics, preload
from ai_service.audit import AuditLog
from ai_service.cleared import ClearedStore
from ai_service.config import Settings
from ai_service.lists.config import sources_from_setting
from ai_service.lists.fetch import http_fetcher
from ai_service.lists.errors import ListLoadError
from ai_service.lists.loader import ListsSnapshot, LoadedList, build_snapshot, list_checksums, read_sources
from ai_service.lists.shrink import refuse_large_drops
from ai_service.logging_setup import safe
from ai_service.pipeline.decision import RiskBands
from ai_service.pipeline.orchestrator import Pipeline
from ai_service.search.base import SearchBackend
from ai_service.search.embedded import EmbeddedBackend
from ai_service.search.index import EmbeddedIndex
from ai_service.search.parts import pin_parses
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
            search_cache_size=settings.search_cache_size,
            bands=RiskBands(settings.risk_high, settings.risk_medium, settings.risk_low),
            cleared=self.cleared,
        )
        self.stats = RequestStats()
        self.started_at = time.time()
        self.startup_complete = asyncio.Event()
        self.last_reload: dict = {"status": "pending"}
        self.last_refresh: dict | None = None  # None until a scheduled refresh ran
        self.list_outcomes: dict[str, dict] = {}  # per list: the last reload/refresh outcome
        self.http: httpx.AsyncClient | None = None
        self._reload_lock = asyncio.Lock()
        self._startup_task: asyncio.Task | None = None
        self._refresh_task: asyncio.Task | None = None
        self._pin_task: asyncio.Task | None = None
        self.es: ElasticsearchRuntime | None = None
        self.audit = AuditLog(settings.audit_log_path, settings.audit_hash_key) if settings.audit_log_path else None

    # -- lifecycle ---------------------------------------------------------
    async def start(self) -> None:
        if self.audit is not None:
            self.audit.start()  # here, not in __init__: its thread must be started in the worker
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
        if self.settings.lists_refresh_seconds > 0:
            self._refresh_task = asyncio.create_task(self._refresh_loop(self.settings.lists_refresh_seconds),
                                                     name="lists-refresh")

    async def _initial_load(self) -> None:
        try:
            await self.reload(trigger="startup")
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
        _settle_heap()
        log.info("pipeline warmed up in %.3f s", time.perf_counter() - started)

    async def _refresh_loop(self, interval: float) -> None:
        await self.startup_complete.wait()
        while True:
            await asyncio.sleep(interval)  # after the previous refresh ended: refreshes never overlap
            try:
                await self.refresh()
            except Exception:  # refresh() records its failures; this is a bug, keep the schedule
                log.exception("scheduled list refresh crashed")

    async def stop(self) -> None:
        if self._startup_task is not None and not self._startup_task.done():
            self._startup_task.cancel()
        if self._refresh_task is not None:
            self._refresh_task.cancel()
            await asyncio.gather(self._refresh_task, return_exceptions=True)
            self._refresh_task = None
        if self._pin_task is not None:
            self._pin_task.cancel()
        if self.http is not None:
            await self.http.aclose()
        if self.es is not None:
            await self.es.close()
        if self.audit is not None:
            await asyncio.to_thread(self.audit.close)  # writes what is queued, fsyncs

    # -- state -------------------------------------------------------------
    def current_backend(self) -> SearchBackend | None:
        gen = self.generation
        return gen.backend if gen is not None else None

    def list_versions(self, gen: Generation | None = None) -> dict[str, str]:
        """List name → version of ``gen`` (default: the current generation); for audit records."""
        gen = gen or self.generation
        return {name: lst.version for name, lst in gen.snapshot.lists.items()} if gen is not None else {}

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

    def observe_shared(self, outcome: str, texts: int) -> None:
        """Batch texts handed to a peer worker: screened there ("peer") or here after all ("returned")."""
        metrics.count_shared(outcome, texts)

    # -- lists ---------------------------------------------------------------
    async def reload(self, trigger: str = "admin") -> dict:
        """Load every configured source and swap in the result; keep the old data on failure."""
        async with self._reload_lock:
            result = await self._load(trigger, previous=None)
            assert result is not None  # without a previous snapshot there is always a build
            return result

    async def refresh(self) -> dict:
        """The scheduled refresh: a no-op when no source changed, otherwise an incremental
        build and swap. Never raises: the outcome is returned and kept in ``last_refresh``."""
        async with self._reload_lock:
            gen = self.generation
            try:
                result = await self._load("refresh", previous=gen.snapshot if gen is not None else None)
            except Exception as exc:
                self.last_refresh = {"status": "failed", "at": time.time(), "reason": _reason(exc)}
                metrics.count_refresh("failed")
                return self.last_refresh
            if result is None:
                self.last_refresh = {"status": "unchanged", "at": time.time()}
                for outcome in self.list_outcomes.values():
                    outcome.update(status="unchanged", at=self.last_refresh["at"], trigger="refresh")
                    outcome.pop("reason", None)
                metrics.count_refresh("unchanged")
            else:
                changed = sorted(n for n, o in self.list_outcomes.items() if o["status"] == "ok")
                self.last_refresh = {"status": "ok", "at": time.time(), "lists": changed}
                metrics.count_refresh("ok")
            return self.last_refresh

    async def _load(self, trigger: str, previous: ListsSnapshot | None) -> dict | None:
        """Read, build and swap (caller holds the lock). With ``previous``, None when every
        source's checksum equals the snapshot's (nothing built, nothing swapped)."""
        started = time.perf_counter()
        try:
            sources = sources_from_setting(self.settings.lists)
            fetch = http_fetcher(self.http, max_bytes=self.settings.list_download_max_bytes) if self.http else None
            blobs = await read_sources(sources, fetch=fetch)
            checksums = list_checksums(blobs)
            if previous is not None and checksums == [(n, lst.checksum) for n, lst in previous.lists.items()]:
                return None
            pre = preload.adoptable(self.settings.lists, checksums) if self.generation is None else None
            if pre is not None:  # parsed and indexed by the Gunicorn master from these very bytes
                snapshot, modes, index = pre.snapshot, dict.fromkeys(pre.snapshot.lists, "preloaded"), pre.index
            else:
                snapshot, modes = await asyncio.to_thread(build_snapshot, blobs, previous)
                index = None
                current = self.generation.snapshot if self.generation is not None else None
                refuse_large_drops(snapshot, current, self.settings.lists_max_drop)
            backend, index = await self._backend_for(snapshot, index)
        except Exception as exc:
            reason = _reason(exc)
            self.last_reload = {"status": "failed", "error": reason, "at": time.time(), "trigger": trigger,
                                "kept_previous": self.generation is not None}
            self._record_failure(exc, reason, trigger)
            metrics.count_reload("failure")
            action = "refresh" if trigger == "refresh" else "reload"
            log.error("list %s failed, keeping previous data: %s", action, safe(reason))
            raise
        seconds = time.perf_counter() - started
        self.generation = Generation(snapshot, backend, time.time(), seconds)
        _settle_heap()
        if index is not None:
            self._pin_alias_parses(index)
        self.last_reload = {"status": "ok", "at": time.time(), "seconds": round(seconds, 3),
                            "entities": snapshot.total_entities, "trigger": trigger, "lists": modes}
        self.list_outcomes = {name: _outcome(mode, snapshot.lists[name], previous, trigger)
                              for name, mode in modes.items()}
        try:
            metrics.count_reload("success")
            metrics.set_list_gauges(
                (name, lst.entity_count, lst.loaded_at) for name, lst in snapshot.lists.items()
            )
        except Exception:  # the swap happened; a metrics problem must not undo or hide it
            log.exception("could not record list metrics")
        log.info("lists loaded (%s): %d entities in %d lists in %.2f s; %s", trigger,
                 snapshot.total_entities, len(snapshot.lists), seconds,
                 ", ".join(f"{name} {mode}" for name, mode in modes.items()))
        return self.last_reload

    def _record_failure(self, exc: Exception, reason: str, trigger: str) -> None:
        """Per-list outcomes of a failed load: the failing list's reason, the others not applied."""
        at = time.time()
        culprit = exc.list_name if isinstance(exc, ListLoadError) else None
        gen = self.generation
        names = list(gen.snapshot.lists) if gen is not None else []
        if culprit is not None and culprit not in names:
            names.append(culprit)
        for name in names:
            why = reason if culprit in (None, name) else f"not applied: list {culprit!r} failed"
            self.list_outcomes[name] = {"status": "failed", "at": at, "trigger": trigger, "reason": why}

    @property
    def lists_stale(self) -> bool:
        """Serving, but the latest reload or refresh failed (a later unchanged refresh clears it:
        the sources are back to what is served)."""
        events = [e for e in (self.last_reload, self.last_refresh) if e and "at" in e]
        latest = max(events, key=lambda e: e["at"], default=None)
        return self.generation is not None and latest is not None and latest["status"] == "failed"

    def lists_status(self) -> list[dict]:
        """Per loaded list: version, entity count, loaded_at, age and the last outcome."""
        gen = self.generation
        if gen is None:
            return []
        now = time.time()
        return [{**lst.to_dict(), "age_seconds": round(now - lst.loaded_at, 1),
                 "last_refresh": self.list_outcomes.get(name)}
                for name, lst in gen.snapshot.lists.items()]

    async def _backend_for(self, snapshot: ListsSnapshot, index: EmbeddedIndex | None = None
                           ) -> tuple[SearchBackend, EmbeddedIndex | None]:
        """The backend to serve ``snapshot`` with, and its embedded index (None with Elasticsearch alone)."""
        embedded: EmbeddedBackend | None = None
        if self.es is None or self.settings.search_fallback == "embedded":
            if index is None:
                index = await asyncio.to_thread(EmbeddedIndex.build, list(snapshot.entities()))
            embedded = EmbeddedBackend(index, vector_retrieval=self.settings.feature_vector_retrieval)
        else:
            index = None
        if self.es is None:
            assert embedded is not None
            return embedded, index
        return await self.es.backend_for(snapshot, embedded), index

    def _pin_alias_parses(self, index: EmbeddedIndex) -> None:
        """Parse the served aliases in the background (``parts.pin_parses``), replacing a run
        for an older index."""
        if self._pin_task is not None:
            self._pin_task.cancel()
        self._pin_task = asyncio.create_task(self._pin(index), name="alias-parses")

    async def _pin(self, index: EmbeddedIndex) -> None:
        await self.startup_complete.wait()  # after the warm-up: readiness does not wait for this
        started, done = time.perf_counter(), 0
        try:
            for done in pin_parses(index.alias_forms()):
                await asyncio.sleep(0)  # a slice is ~2 ms: requests run between slices
        except Exception:  # searches parse the aliases they meet instead, as before
            log.exception("parsing the list aliases in the background failed")
            return
        _settle_heap()
        log.info("%d list aliases parsed in the background in %.2f s", done, time.perf_counter() - started)


def _reason(exc: BaseException) -> str:
    return str(exc) or exc.__class__.__name__


def _outcome(mode: str, loaded: LoadedList, previous: ListsSnapshot | None, trigger: str) -> dict:
    at = time.time()
    if mode == "unchanged":
        return {"status": "unchanged", "at": at, "trigger": trigger}
    outcome: dict = {"status": "ok", "at": at, "trigger": trigger, "applied": mode}
    if mode == "delta" and previous is not None:
        done = len(previous.lists[loaded.name].deltas)
        outcome["deltas"] = [d.version for d in loaded.deltas[done:]]
    return outcome


GC_THRESHOLDS = (20_000, 50, 100)


def _settle_heap() -> None:
    """Take the snapshot, index and warmed caches out of the cyclic collector's scans.

    Half a million long-lived objects made every full collection a 200–500 ms pause in
    the middle of requests (benchmarks/load). Frozen objects are still freed by reference
    counting when a later snapshot replaces them; only cycles among them would linger.

    The collector's thresholds are raised too: every cache entry made after the freeze (answers,
    morphology, scorer parts) is still scanned by each full collection, and with the default
    (700, 10, 10) a batch of 100 texts met one about every other batch — 94 ms of the p95
    batch's 183 ms in process; with these, 0 ms and p95 148 ms. A young collection of 20,000
    objects takes about a millisecond.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _warmup_texts() -> list[str]:
    lines = (DICTIONARIES_DIR / "warmup.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
