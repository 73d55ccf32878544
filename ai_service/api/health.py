"""Health endpoints: process, liveness, readiness, startup, per-component detail, self-tests."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from starlette.requests import Request

from ai_service import SERVICE_NAME, __version__
from ai_service.api.responses import JSONResponse
from ai_service.errors import InvalidInput, NotFound
from ai_service.lists.model import Entity
from ai_service.logging_setup import safe
from ai_service.search.es.failover import FailoverBackend
from ai_service.selftest import COMPONENTS, run_self_test
from ai_service.service import ScreeningService

log = logging.getLogger("ai_service.health")


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
        "features": {"vector_retrieval": service.settings.feature_vector_retrieval,
                     "trace": service.settings.feature_trace},
        "components": {
            "lists": {"status": lists_status, "lists": lists, "last_reload": service.last_reload,
                      "last_refresh": service.last_refresh,
                      "refresh_seconds": service.settings.lists_refresh_seconds or None,
                      "demo": service.settings.uses_demo_list},
            "search_backend": backend,
            "elasticsearch": es,
            "caches": caches,
            "morphology": service.pipeline.layer("morphology").status(),
            "http_pool": {"status": "up" if pool is not None and not pool.is_closed else "down",
                          "max_connections": service.settings.connection_pool_size},
            "audit_log": service.audit.status() if service.audit is not None else {"enabled": False},
        },
    }
    return JSONResponse(body, status_code=200)


def _requested_entity(request: Request, service: ScreeningService) -> Entity | None:
    """``?list=…&entity_id=…`` names the entry the search self-tests screen (default: picked)."""
    list_name, entity_id = request.query_params.get("list"), request.query_params.get("entity_id")
    if list_name is None and entity_id is None:
        return None
    if not list_name or not entity_id:
        raise InvalidInput("entity_id" if list_name else "list", "list and entity_id go together")
    gen = service.generation
    loaded = gen.snapshot.lists.get(list_name) if gen is not None else None
    entity = loaded.get(entity_id) if loaded is not None else None
    if entity is None:
        raise InvalidInput("entity_id", f"no entity {entity_id[:100]!r} in a loaded list {list_name[:100]!r}")
    return entity


async def self_test(request: Request) -> JSONResponse:
    """POST /health/test/{component} (admin): 200 pass or skipped, 503 fail, 404 unknown component."""
    service = _service(request)
    component = request.path_params["component"]
    if component not in COMPONENTS:
        raise NotFound(f"unknown component {component[:100]!r}", details={"components": list(COMPONENTS)})
    result = await run_self_test(service, component, _requested_entity(request, service))
    # The reason is a masked argument in the log (an exception text may quote anything); the
    # response carries it in full for the admin who asked.
    log.info("self-test %s: %s in %.3f s %s", safe(component), safe(result["status"]), result["seconds"],
             result.get("reason") or safe(""))
    return JSONResponse(result, status_code=503 if result["status"] == "fail" else 200)
