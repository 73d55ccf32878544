"""Health endpoints: process, liveness, readiness, startup, and per-component detail."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from starlette.requests import Request

from ai_service import SERVICE_NAME, __version__
from ai_service.api.responses import JSONResponse
from ai_service.search.es.failover import FailoverBackend
from ai_service.service import ScreeningService


def _service(request: Request) -> ScreeningService:
    return request.app.state.service


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "healthy", "service": SERVICE_NAME, "version": __version__,
                         "timestamp": _now()})


async def live(request: Request) -> JSONResponse:
    # Answering at all proves the event loop turns; nothing else is checked here.
    return JSONResponse({"status": "alive", "timestamp": _now()})


def readiness_problems(service: ScreeningService) -> list[str]:
    problems: list[str] = []
    gen = service.generation
    if gen is None:
        if service.startup_complete.is_set():
            problems.append(f"lists failed to load: {service.last_reload.get('error', 'unknown error')}")
        else:
            problems.append("lists are still loading")
    elif gen.snapshot.total_entities == 0:
        problems.append("loaded lists contain no entities")
    elif isinstance(gen.backend, FailoverBackend) and not gen.backend.can_serve:
        # Only without a fallback: with one, requests are answered while Elasticsearch is down.
        problems.append("elasticsearch is unavailable and SEARCH_FALLBACK=none")
    return problems


async def ready(request: Request) -> JSONResponse:
    service = _service(request)
    problems = readiness_problems(service)
    if problems:
        return JSONResponse({"status": "not_ready", "reasons": problems}, status_code=503)
    gen = service.generation
    assert gen is not None
    return JSONResponse({"status": "ready", "entities": gen.snapshot.total_entities,
                         "lists": sorted(gen.snapshot.lists), "search_backend": gen.backend.name})


async def startup(request: Request) -> JSONResponse:
    service = _service(request)
    if not service.startup_complete.is_set():
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse({"status": "started", "initial_load": service.last_reload.get("status"),
                         "seconds_since_start": round(time.time() - service.started_at, 3)})


async def detailed(request: Request) -> JSONResponse:
    service = _service(request)
    gen = service.generation
    problems = readiness_problems(service)
    lists = {}
    backend: dict = {"name": None, "status": "unavailable"}
    if gen is not None:
        lists = {item["name"]: item for item in service.lists_status()}
        stats = gen.backend.stats()
        backend = {"name": gen.backend.name, "status": "degraded" if stats.get("degraded") else "up", **stats,
                   "build_seconds": round(gen.build_seconds, 3)}
    caches = {}
    for name, info in service.pipeline.cache_info().items():
        hits, misses = info.get("hits", 0), info.get("misses", 0)
        caches[name] = {**info, "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None}
    pool = service.http
    es = {"configured": False, "circuit": "not_used"}
    if service.es is not None:
        es = service.es.status(gen.backend if gen is not None else None)
    # Stale but served: the last reload or refresh failed, the previous lists still answer.
    lists_status = "down" if gen is None else "stale" if service.lists_stale else "up"
    degraded = bool(problems) or es.get("status") == "degraded" or lists_status == "stale"
    body = {
        "status": "healthy" if not degraded else "degraded",
        "service": SERVICE_NAME,
        "version": __version__,
        "timestamp": _now(),
        "problems": problems,
        "components": {
            "lists": {"status": lists_status, "lists": lists, "last_reload": service.last_reload,
                      "last_refresh": service.last_refresh,
                      "refresh_seconds": service.settings.lists_refresh_seconds or None,
                      "demo": service.settings.uses_demo_list},
            "search_backend": backend,
            "elasticsearch": es,
            "caches": caches,
            "http_pool": {"status": "up" if pool is not None and not pool.is_closed else "down",
                          "max_connections": service.settings.connection_pool_size},
        },
    }
    return JSONResponse(body, status_code=200)
