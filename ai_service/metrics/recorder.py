"""Recording calls made by the app, kept cheap on the request path.

Hot-path calls only add to in-process accumulators (about 1 us instead of 2-5 us for every
prometheus_client value written, more in multiprocess mode where each write goes to an mmap
file). A daemon thread moves them into prometheus_client every FLUSH_INTERVAL_SECONDS, as do
``render()`` (for its own process) and interpreter exit. Rare events write straight through.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from typing import Any

from ai_service.metrics.definitions import (
    CIRCUIT_STATES,
    ENABLED,
    LAYER_BUCKETS,
    REQUEST_BUCKETS,
    is_built,
    metric,
)

logger = logging.getLogger(__name__)

FLUSH_INTERVAL_SECONDS = 1.0
MAX_ENDPOINTS = 64  # label-explosion guard should a caller pass raw paths
OTHER_ENDPOINT = "other"


class _Acc:
    """Pending values of one bound child; counters use ``n`` only, histograms all fields."""

    __slots__ = ("child", "bounds", "counts", "total", "n")

    def __init__(self, child: Any, buckets: tuple[float, ...] = ()) -> None:
        # bisect_left(bounds, v) = first bound >= v: the bucket prometheus_client's observe() picks.
        self.child, self.bounds = child, (*buckets, float("inf"))
        self.counts, self.total, self.n = [0] * len(self.bounds), 0.0, 0.0

    def reset(self) -> None:
        self.counts, self.total, self.n = [0] * len(self.bounds), 0.0, 0.0


_lock = threading.Lock()
_start_lock = threading.Lock()
_accs: list[_Acc] = []
_request_accs: dict[tuple[str, str, int], tuple[_Acc, _Acc]] = {}
_endpoint_accs: dict[str, _Acc] = {}
_layer_accs: dict[str, _Acc] = {}
_cache_accs: dict[str, tuple[_Acc, _Acc]] = {}
_decision_accs: dict[str, _Acc] = {}
_match_accs: dict[str, _Acc] = {}
_error_accs: dict[str, _Acc] = {}
_in_flight = 0
_published_in_flight: int | None = None
_flusher_started = False


def _acc(attr: str, *labels: str, buckets: tuple[float, ...] = ()) -> _Acc:
    """Slow path: bind a label combination once and register its accumulator."""
    acc = _Acc(metric(attr).labels(*labels), buckets)
    _accs.append(acc)  # atomic under the GIL; callers may hold _lock
    if not _flusher_started:
        _start_flusher()
    return acc


def _request_pair(endpoint: str, method: str, status: int) -> tuple[_Acc, _Acc]:
    label = endpoint
    if endpoint not in _endpoint_accs and len(_endpoint_accs) >= MAX_ENDPOINTS:
        label = OTHER_ENDPOINT
    hist = _endpoint_accs.get(label)
    if hist is None:
        hist = _endpoint_accs[label] = _acc("REQUEST_DURATION", label, buckets=REQUEST_BUCKETS)
    pair = (_acc("REQUESTS", label, method, str(status)), hist)
    if label == endpoint:  # never cache unbounded raw keys
        _request_accs[(endpoint, method, status)] = pair
    return pair


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    if not ENABLED:
        return
    pair = _request_accs.get((endpoint, method, status)) or _request_pair(endpoint, method, status)
    hist = pair[1]
    with _lock:
        pair[0].n += 1
        hist.counts[bisect_left(hist.bounds, seconds)] += 1
        hist.total += seconds
        hist.n += 1
    if not _flusher_started:  # first call after a fork
        _start_flusher()


def observe_layers(timings: Mapping[str, float]) -> None:
    """Per-layer durations in seconds; a "total" entry is not a layer and is skipped."""
    if not ENABLED:
        return
    accs = _layer_accs
    with _lock:
        for layer, seconds in timings.items():
            acc = accs.get(layer)
            if acc is None:
                if layer == "total":
                    continue
                acc = accs[layer] = _acc("LAYER_DURATION", layer, buckets=LAYER_BUCKETS)
            acc.counts[bisect_left(acc.bounds, seconds)] += 1
            acc.total += seconds
            acc.n += 1


def _cache_pair(layer: str) -> tuple[_Acc, _Acc]:
    pair = _cache_accs[layer] = (_acc("CACHE_REQUESTS", layer, "hit"), _acc("CACHE_REQUESTS", layer, "miss"))
    return pair


def count_cache(layer: str, hits: int, misses: int) -> None:
    if not ENABLED:
        return
    pair = _cache_accs.get(layer) or _cache_pair(layer)
    with _lock:
        pair[0].n += hits
        pair[1].n += misses


def count_caches(stats: Mapping[str, tuple[int, int]]) -> None:
    """Cache look-ups of several layers under one lock: {layer: (hits, misses)}."""
    if not ENABLED:
        return
    pairs = [(_cache_accs.get(layer) or _cache_pair(layer), counts) for layer, counts in stats.items()]
    with _lock:
        for pair, (hits, misses) in pairs:
            pair[0].n += hits
            pair[1].n += misses


def _count(cache: dict[str, _Acc], attr: str, labels: Iterable[str]) -> None:
    with _lock:
        for label in labels:
            acc = cache.get(label)
            if acc is None:
                acc = cache[label] = _acc(attr, label)
            acc.n += 1


def count_decision(risk: str) -> None:
    if ENABLED:
        _count(_decision_accs, "DECISIONS", (risk,))


def count_matches(lists: Iterable[str]) -> None:
    if ENABLED:
        _count(_match_accs, "MATCHES", lists)


def count_error(code: str) -> None:
    if ENABLED:
        _count(_error_accs, "ERRORS", (code,))


def in_flight(delta: int) -> None:
    """+1 when a request starts, -1 when it ends; the gauge is written at flush time."""
    global _in_flight
    if ENABLED:
        with _lock:
            _in_flight += delta
        if not _flusher_started:
            _start_flusher()


class _InFlight:
    __slots__ = ()

    def __enter__(self) -> None:
        in_flight(1)

    def __exit__(self, *exc_info: object) -> None:
        in_flight(-1)


_TRACKER = _InFlight()


def track_in_flight() -> _InFlight:
    """Re-entrant context manager form of in_flight()."""
    return _TRACKER


def count_reload(result: str) -> None:
    """result: "success" or "failure"."""
    if ENABLED:
        metric("LIST_RELOADS").labels(result).inc()


def count_refresh(result: str) -> None:
    """result: "ok" (new data swapped in), "unchanged" (nothing to do) or "failed"."""
    if ENABLED:
        metric("LIST_REFRESHES").labels(result).inc()


def observe_batch(size: int) -> None:
    if ENABLED:
        metric("BATCH_SIZE").observe(size)


def count_shared(outcome: str, texts: int) -> None:
    """Batch texts a peer worker screened ("peer") or declined/failed and this one did ("returned")."""
    if ENABLED and texts:
        metric("BATCH_SHARED").labels(outcome).inc(texts)


def set_list_gauges(list_infos: Iterable[tuple[str, int, float]]) -> None:
    """Publish (list name, entity count, loaded_at unix time) for every loaded list."""
    if ENABLED:
        entities, loaded = metric("LIST_ENTITIES"), metric("LIST_LOADED_TIMESTAMP")
        for name, count, loaded_at in list_infos:
            entities.labels(name).set(count)
            loaded.labels(name).set(loaded_at)


def set_backend_up(backend: str, up: bool) -> None:
    if ENABLED:
        metric("SEARCH_BACKEND_UP").labels(backend).set(1 if up else 0)


def set_circuit_state(state: str) -> None:
    """Map a breaker state (closed | half-open | open) to the gauge value."""
    value = CIRCUIT_STATES.get(state.lower())
    if value is None:
        raise ValueError(f"unknown circuit state {state!r}; expected one of {sorted(CIRCUIT_STATES)}")
    if ENABLED:
        metric("ES_CIRCUIT_STATE").set(value)


def flush() -> None:
    """Move accumulated values into prometheus_client (its files in multiprocess mode)."""
    global _published_in_flight
    if not ENABLED or not is_built():
        return
    with _lock:
        pending = [(a.child, a.n, a.total, a.counts) for a in _accs if a.n]
        for a in _accs:
            if a.n:
                a.reset()
        current = _in_flight
    for child, n, total, counts in pending:
        if len(counts) == 1:  # counter
            child.inc(n)
            continue
        # Bulk add to the histogram's sum and bucket values (internals of the pinned
        # prometheus_client; tests/test_metrics.py checks the result equals observe()).
        child._sum.inc(total)
        for i, count in enumerate(counts):
            if count:
                child._buckets[i].inc(count)
    if current != _published_in_flight:
        metric("IN_FLIGHT").set(current)
        _published_in_flight = current


def _flush_loop() -> None:
    while True:
        time.sleep(FLUSH_INTERVAL_SECONDS)
        try:
            flush()
        except Exception:  # keep going: e.g. a full metrics directory must not kill the thread
            logger.exception("metrics flush failed")


def _start_flusher() -> None:
    global _flusher_started
    with _start_lock:
        if not _flusher_started:
            threading.Thread(target=_flush_loop, name="metrics-flush", daemon=True).start()
            _flusher_started = True


def _after_fork_in_child() -> None:
    # Pending values belong to the parent, and its flusher thread did not survive the fork.
    global _lock, _start_lock, _in_flight, _published_in_flight, _flusher_started
    _lock, _start_lock = threading.Lock(), threading.Lock()
    for a in _accs:
        a.reset()
    _in_flight, _published_in_flight, _flusher_started = 0, None, False


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(flush)
