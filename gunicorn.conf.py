"""Gunicorn settings for ai-service: Uvicorn workers, JSON logs, multiprocess Prometheus metrics.

Used by ``python -m ai_service`` when SERVICE_WORKERS > 1, or directly:
``gunicorn -c gunicorn.conf.py ai_service.app:app``. Every value comes from the environment,
so containers, VMs and Kubernetes share this one file:

SERVICE_HOST (0.0.0.0), SERVICE_PORT (8000), SERVICE_WORKERS (2 here), LOG_CONFIG, LOG_LEVEL,
PROMETHEUS_ENABLED (true), PROMETHEUS_MULTIPROC_DIR (default: a per-master temp directory),
GUNICORN_PRELOAD (true), LISTS_PRELOAD (true), GUNICORN_ACCESS_LOG (false: the app logs each request itself),
GUNICORN_MAX_REQUESTS / GUNICORN_MAX_REQUESTS_JITTER (0: workers are not recycled),
GUNICORN_CONTROL_SOCKET (unset: Gunicorn's control socket is off), FORWARDED_ALLOW_IPS (127.0.0.1),
AI_SERVICE_PEER_DIR (default: a per-master temp directory; the workers' batch-sharing sockets).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# The config is executed before Gunicorn puts the app directory on sys.path.
_ROOT = str(Path(__file__).resolve().parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from ai_service.batch_peers import PEER_DIR_ENV, forget_worker, prepare_directory  # noqa: E402
from ai_service.logging_setup import (  # noqa: E402
    apply_level,
    collect_only_used_fields,
    fallback_config,
    load_logging_config,
)
from ai_service.metrics import (  # noqa: E402
    MULTIPROC_ENV,
    default_multiprocess_dir,
    flush,
    mark_process_dead,
    prepare_multiprocess_dir,
)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    return default if not raw else raw not in {"0", "false", "no", "off"}


_host = os.environ.get("SERVICE_HOST", "0.0.0.0").strip() or "0.0.0.0"
_port = _env_int("SERVICE_PORT", 8000)
bind = [f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"]
workers = _env_int("SERVICE_WORKERS", 2)  # Gunicorn only runs when more than one is wanted
# Uvicorn's worker plus a request-header timeout and a replacement worker that loads its lists
# before accepting connections (ai_service/worker.py).
worker_class = "ai_service.worker.UvicornWorker"
proc_name = "ai-service"

timeout = 30  # a worker silent this long is killed and replaced
graceful_timeout = 20  # in-flight requests get this long on SIGTERM (k8s grace period is 30)
keepalive = 5
# The app (dictionaries, pymorphy3) is imported once in the master and forked; the lists are
# parsed and indexed there too (when_ready below, LISTS_PRELOAD). Workers share those pages
# copy-on-write and start serving in well under a second; each still loads and swaps its own
# lists on reload/refresh. Nothing started in the master survives the fork: threads, the
# HTTP client and Elasticsearch start in each worker's lifespan.
preload_app = _env_bool("GUNICORN_PRELOAD", True)
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 0)  # 0 = never recycle workers
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request-line/header limits for Gunicorn's own parser; Uvicorn workers apply Uvicorn's, and
# the app enforces body size (413).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Heartbeat files on tmpfs: a slow disk (container overlay) must not stall workers.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# Gunicorn's local admin socket (worker count, reload) lives under $HOME, which is read-only
# in the container: only on request, at an explicit path.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

_prometheus = _env_bool("PROMETHEUS_ENABLED", True)
if _prometheus and not os.environ.get(MULTIPROC_ENV):
    # Exported now, before any app import (preload_app loads the app before on_starting).
    os.environ[MULTIPROC_ENV] = default_multiprocess_dir()

# Workers hand parts of big batches to each other over Unix sockets here (ai_service/batch_peers.py,
# BATCH_SHARING); one directory per master, exported before the workers fork.
_peer_dir_default = os.path.join(tempfile.gettempdir(), f"ai-service-peers-{os.getpid()}")
os.environ.setdefault(PEER_DIR_ENV, _peer_dir_default)

_log_config_problem: str | None = None
try:
    logconfig_dict: dict[str, Any] = load_logging_config(os.environ.get("LOG_CONFIG"),
                                                        os.environ.get("LOG_LEVEL"))
except FileNotFoundError as _exc:
    logconfig_dict = apply_level(fallback_config(), os.environ.get("LOG_LEVEL"))
    _log_config_problem = f"logging config {_exc.filename} not found; using the built-in JSON config"
if not _env_bool("GUNICORN_ACCESS_LOG", False):
    # The app logs every request once (endpoint, status, duration, request id), as under plain
    # Uvicorn (`python -m ai_service` with one worker); a second access line per request would
    # only cost CPU. Uvicorn workers copy the level of "gunicorn.access" to "uvicorn.access".
    for _name in ("gunicorn.access", "uvicorn.access"):
        logconfig_dict.setdefault("loggers", {}).setdefault(_name, {})["level"] = "WARNING"
loglevel = str(logconfig_dict.get("root", {}).get("level", "INFO")).lower()
collect_only_used_fields(logconfig_dict)  # the workers inherit it from the master


def on_starting(server: Any) -> None:
    """Master, once: fresh metrics directory (files of a previous run would be summed)."""
    if _log_config_problem:
        server.log.warning(_log_config_problem)
    if _prometheus:
        path = prepare_multiprocess_dir(os.environ.get(MULTIPROC_ENV))
        server.log.info("prometheus multiprocess directory ready", extra={"path": path})
    prepare_directory(os.environ[PEER_DIR_ENV])


def _preload_settings() -> Any:
    """The settings when the master preloads the lists (LISTS_PRELOAD, ai_service/preload.py), else
    None. A bad setting is left for the workers to report, as without the preload."""
    from ai_service.config import ConfigError, load_settings
    from ai_service.preload import wanted

    try:
        settings = load_settings()
    except ConfigError:
        return None
    return settings if wanted(settings) else None


def when_ready(server: Any) -> None:
    """Master, bound and about to fork: read, parse and index the lists once for every worker
    (ai_service/preload.py; LISTS_PRELOAD=false turns it off)."""
    settings = _preload_settings()
    if settings is not None:
        from ai_service.preload import preload

        preload(settings)


def child_exit(server: Any, worker: Any) -> None:
    """Master: forget the dead worker's live gauges (in-flight, list sizes, breaker state) and its
    batch-sharing socket."""
    mark_process_dead(worker.pid)
    forget_worker(os.environ.get(PEER_DIR_ENV), worker.pid)


def worker_exit(server: Any, worker: Any) -> None:
    """Worker: push values still buffered in memory before the process ends."""
    flush()


def on_exit(server: Any) -> None:
    """Master: remove a directory we invented; an operator-given one is only cleaned at start."""
    path = os.environ.get(MULTIPROC_ENV)
    if path and path == default_multiprocess_dir():
        shutil.rmtree(path, ignore_errors=True)
    if os.environ.get(PEER_DIR_ENV) == _peer_dir_default:
        shutil.rmtree(_peer_dir_default, ignore_errors=True)


# Gunicorn executes this file as module "__config__" just before it imports the app (~1 s, with
# preload_app), while the second core is idle: start reading and parsing the lists now, in a
# forked helper; when_ready continues from there. Not when tests or tools import this file.
if __name__ == "__config__":
    _settings = _preload_settings()
    if _settings is not None:
        from ai_service.preload import begin

        begin(_settings)
