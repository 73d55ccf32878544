"""Operational read endpoints: /metrics, /stats, /lists; admin actions: reload, cache clear."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ai_service import metrics
from ai_service.api.responses import JSONResponse
from ai_service.errors import ServiceError
from ai_service.service import ScreeningService


class ReloadFailed(ServiceError):
    status_code = 409
    code = "reload_failed"


def _service(request: Request) -> ScreeningService:
    return request.app.state.service


async def metrics_endpoint(request: Request) -> Response:
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)


async def stats(request: Request) -> JSONResponse:
    service = _service(request)
    caches = {}
    for name, info in service.pipeline.cache_info().items():
        hits, misses = info.get("hits", 0), info.get("misses", 0)
        caches[name] = {"hits": hits, "misses": misses,
                        "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None}
    return JSONResponse({**service.stats.snapshot(), "caches": caches})


async def lists(request: Request) -> JSONResponse:
    service = _service(request)
    gen = service.generation
    return JSONResponse({"lists": service.lists_status(),
                         "total_entities": gen.snapshot.total_entities if gen else 0,
                         "demo": service.settings.uses_demo_list, "last_reload": service.last_reload,
                         "refresh_seconds": service.settings.lists_refresh_seconds or None,
                         "last_refresh": service.last_refresh})


async def reload_lists(request: Request) -> JSONResponse:
    service = _service(request)
    try:
        result = await service.reload()
    except Exception as exc:
        raise ReloadFailed("reload failed; the previous lists are still served",
                           details={"reason": str(exc), "kept_previous": service.generation is not None}) from None
    return JSONResponse({**result, "status": "reloaded"})


async def clear_cache(request: Request) -> JSONResponse:
    service = _service(request)
    before = service.pipeline.cache_info()
    service.pipeline.clear_caches()
    return JSONResponse({"status": "cleared",
                         "cleared": {name: info.get("size", 0) for name, info in before.items()}})
