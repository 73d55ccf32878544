"""The ai-service metric families, built lazily so multiprocess mode is picked correctly.

prometheus_client chooses between in-memory and mmap-backed values when a value is created;
building the families on first use (in the worker, after ``PROMETHEUS_MULTIPROC_DIR`` was
exported) makes the import order of this package irrelevant.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ENABLED_ENV = "PROMETHEUS_ENABLED"
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05,
                   0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAYER_BUCKETS = (0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
BATCH_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0)
LAYERS = ("validation", "unicode", "language", "tokenization", "context",
          "morphology", "signals", "search", "decision")
CIRCUIT_STATES: Mapping[str, int] = {"closed": 0, "half-open": 1, "half_open": 1, "open": 2}


def env_flag(name: str, default: bool) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    return default if not raw else raw not in {"0", "false", "no", "off"}


ENABLED: bool = env_flag(ENABLED_ENV, True)

# attribute name -> (kind, exposed name, help, label names, extra kwargs)
SPECS: Mapping[str, tuple[str, str, str, tuple[str, ...], Mapping[str, Any]]] = {
    "REQUESTS": ("counter", "ai_service_requests_total", "HTTP requests by endpoint, method, status.",
                 ("endpoint", "method", "status"), {}),
    "REQUEST_DURATION": ("histogram", "ai_service_request_duration_seconds", "HTTP request latency.",
                         ("endpoint",), {"buckets": REQUEST_BUCKETS}),
    "LAYER_DURATION": ("histogram", "ai_service_layer_duration_seconds", "Pipeline layer latency.",
                       ("layer",), {"buckets": LAYER_BUCKETS}),
    "DECISIONS": ("counter", "ai_service_decisions_total", "Screening decisions by risk.", ("risk",), {}),
    "MATCHES": ("counter", "ai_service_matches_total", "Returned matches by list.", ("list",), {}),
    "CACHE_REQUESTS": ("counter", "ai_service_cache_requests_total", "Layer cache look-ups.",
                       ("layer", "result"), {}),
    # Gauges: "live" modes forget dead workers; min lets the worst worker drive the
    # list-empty/list-stale alerts, max the worst breaker state, sum the total in flight.
    "LIST_ENTITIES": ("gauge", "ai_service_list_entities", "Entities loaded per list.",
                      ("list",), {"multiprocess_mode": "livemin"}),
    "LIST_LOADED_TIMESTAMP": ("gauge", "ai_service_list_loaded_timestamp_seconds",
                              "Unix time the list snapshot was loaded.", ("list",),
                              {"multiprocess_mode": "livemin"}),
    "SEARCH_BACKEND_UP": ("gauge", "ai_service_search_backend_up", "1 if the search backend is usable.",
                          ("backend",), {"multiprocess_mode": "livemin"}),
    "ES_CIRCUIT_STATE": ("gauge", "ai_service_es_circuit_state",
                         "Elasticsearch breaker: 0 closed, 1 half-open, 2 open.", (),
                         {"multiprocess_mode": "livemax"}),
    "IN_FLIGHT": ("gauge", "ai_service_in_flight_requests", "Requests being processed.", (),
                  {"multiprocess_mode": "livesum"}),
    "BATCH_SIZE": ("histogram", "ai_service_batch_size", "Texts per batch request.", (),
                   {"buckets": BATCH_BUCKETS}),
    "BATCH_SHARED": ("counter", "ai_service_batch_shared_texts_total",
                     "Batch texts handed to another worker: screened there (peer) or back here (returned).",
                     ("outcome",), {}),
    "LIST_RELOADS": ("counter", "ai_service_list_reloads_total", "List reloads by result.", ("result",), {}),
    "LIST_REFRESHES": ("counter", "ai_service_list_refreshes_total",
                       "Scheduled list refreshes by result (ok, unchanged, failed).", ("result",), {}),
    "ERRORS": ("counter", "ai_service_errors_total", "Error responses by machine code.", ("code",), {}),
}

_lock = threading.Lock()
_metrics: dict[str, Any] = {}


def _reset_lock_after_fork() -> None:
    global _lock
    _lock = threading.Lock()  # a lock held by another thread at fork time stays held in the child


os.register_at_fork(after_in_child=_reset_lock_after_fork)


def _build() -> dict[str, Any]:
    with _lock:
        if _metrics:
            return _metrics
        from prometheus_client import Counter, Gauge, Histogram, values

        if os.environ.get(MULTIPROC_ENV) and not getattr(values.ValueClass, "_multiprocess", False):
            # prometheus_client picked its value class at import, before the directory was
            # prepared: re-pick it while no value exists yet.
            values.ValueClass = values.get_value_class()
        from prometheus_client import REGISTRY

        kinds = {"counter": Counter, "gauge": Gauge, "histogram": Histogram}
        built: dict[str, Any] = {}
        try:
            for attr, (kind, name, doc, labels, extra) in SPECS.items():
                built[attr] = kinds[kind](name, doc, labels, **extra)
        except Exception:
            for made in built.values():  # leave the registry as it was, so a retry can succeed
                REGISTRY.unregister(made)
            raise
        _metrics.update(built)  # publish only complete sets
        return _metrics


def metric(attr: str) -> Any:
    """The prometheus_client object for a SPECS key, e.g. ``metric("REQUESTS")``."""
    return (_metrics or _build())[attr]


def is_built() -> bool:
    return bool(_metrics)


def uses_multiprocess_values() -> bool:
    from prometheus_client import values

    return bool(getattr(values.ValueClass, "_multiprocess", False))


def metric_names() -> frozenset[str]:
    """Exposed names of every ai-service metric (counters with their ``_total`` suffix)."""
    return frozenset(spec[1] for spec in SPECS.values())
