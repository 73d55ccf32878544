"""Prometheus metrics for ai-service, correct under one process or many Gunicorn workers.

Start-up order with several workers:

1. The master calls ``prepare_multiprocess_dir(path)`` before any worker starts
   (``python -m ai_service`` does it before importing the app; ``gunicorn.conf.py`` exports
   the variable when it is read and cleans the directory again in ``on_starting``). It creates
   the directory, removes ``*.db`` files of a previous run and exports
   ``PROMETHEUS_MULTIPROC_DIR``.
2. Workers import the app. Metric objects are built on first use, so they get mmap-backed
   values even when this package or prometheus_client was imported before step 1.
3. ``render()`` merges every worker's files; Gunicorn's ``child_exit`` calls
   ``mark_process_dead(pid)``.

Without ``PROMETHEUS_MULTIPROC_DIR`` the default in-memory registry is used.
``PROMETHEUS_ENABLED=false`` makes every call a no-op and ``render()`` an empty exposition.
Hot-path values reach prometheus_client within FLUSH_INTERVAL_SECONDS (see recorder).
Labels: ``endpoint`` is the route template (``/process``, never the raw URL), ``status`` the
HTTP code, ``layer`` one of LAYERS, ``result`` of reloads "success" | "failure", of
scheduled refreshes "ok" | "unchanged" | "failed" (a refresh that builds also counts as a reload).
The metric objects themselves are attributes of this package (``metrics.REQUESTS``, ...).
"""

from __future__ import annotations

from typing import Any

from ai_service.metrics.definitions import (
    CIRCUIT_STATES,
    ENABLED,
    LAYERS,
    MULTIPROC_ENV,
    SPECS,
    metric,
    metric_names,
)
from ai_service.metrics.exposition import (
    CONTENT_TYPE,
    default_multiprocess_dir,
    mark_process_dead,
    prepare_multiprocess_dir,
    render,
)
from ai_service.metrics.recorder import (
    FLUSH_INTERVAL_SECONDS,
    count_cache,
    count_caches,
    count_decision,
    count_error,
    count_matches,
    count_refresh,
    count_reload,
    count_shared,
    flush,
    in_flight,
    observe_batch,
    observe_layers,
    observe_request,
    set_backend_up,
    set_circuit_state,
    set_list_gauges,
    track_in_flight,
)

__all__ = [
    "CIRCUIT_STATES", "CONTENT_TYPE", "ENABLED", "FLUSH_INTERVAL_SECONDS", "LAYERS", "MULTIPROC_ENV",
    "count_cache", "count_caches", "count_decision", "count_error", "count_matches", "count_refresh",
    "count_reload", "count_shared", "default_multiprocess_dir", "flush", "in_flight", "mark_process_dead", "metric",
    "metric_names",
    "observe_batch", "observe_layers", "observe_request", "prepare_multiprocess_dir", "render",
    "set_backend_up", "set_circuit_state", "set_list_gauges", "track_in_flight",
]


def __getattr__(name: str) -> Any:
    # REQUESTS, REQUEST_DURATION, ... are built on first access (see definitions).
    if name in SPECS:
        return metric(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
