"""/metrics rendering and the multiprocess directory life cycle (Gunicorn master hooks)."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import warnings
from typing import TYPE_CHECKING

from ai_service.metrics.definitions import ENABLED, MULTIPROC_ENV, is_built, metric, uses_multiprocess_values
from ai_service.metrics.recorder import flush

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # what generate_latest() emits

_mp_registries: dict[str, CollectorRegistry] = {}


def render() -> tuple[bytes, str]:
    """Exposition body and content type; merges all workers' files in multiprocess mode."""
    if not ENABLED:
        return b"", CONTENT_TYPE
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    metric("REQUESTS")  # families appear (HELP/TYPE) even before the first observation
    flush()
    path = os.environ.get(MULTIPROC_ENV)
    if not path:
        return generate_latest(REGISTRY), CONTENT_TYPE
    registry = _mp_registries.get(path)
    if registry is None:
        registry = _mp_registries[path] = CollectorRegistry()
        MultiProcessCollector(registry, path=path)
    return generate_latest(registry), CONTENT_TYPE


def default_multiprocess_dir() -> str:
    """Per-master default, so two services on one host never share files."""
    return os.path.join(tempfile.gettempdir(), f"ai-service-prometheus-{os.getpid()}")


def prepare_multiprocess_dir(path: str | None) -> str:
    """Create/clean the multiprocess directory and export it; call before workers start.

    ``path`` falls back to ``PROMETHEUS_MULTIPROC_DIR``, then to default_multiprocess_dir().
    Only ``*.db`` files are removed, so a mounted volume can be given as is.
    """
    target = path or os.environ.get(MULTIPROC_ENV) or default_multiprocess_dir()
    os.makedirs(target, exist_ok=True)
    for stale in glob.glob(os.path.join(target, "*.db")):
        with contextlib.suppress(FileNotFoundError):
            os.remove(stale)
    os.environ[MULTIPROC_ENV] = target
    if is_built() and not uses_multiprocess_values():
        warnings.warn("metrics were created before the multiprocess directory was prepared; "
                      "this process's values will not be aggregated", RuntimeWarning, stacklevel=2)
    return target


def mark_process_dead(pid: int) -> None:
    """Gunicorn child_exit hook: drop the "live" gauges of a dead worker."""
    path = os.environ.get(MULTIPROC_ENV)
    if ENABLED and path:
        from prometheus_client.multiprocess import mark_process_dead as _mark_dead

        _mark_dead(pid, path)
