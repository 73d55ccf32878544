"""False-positive memory over HTTP: /admin/cleared (admin token, like every /admin route)."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request

from ai_service.api import requests as rq
from ai_service.api.responses import JSONResponse
from ai_service.errors import NotFound
from ai_service.service import ScreeningService

MAX_NOTE = 1000


def _service(request: Request) -> ScreeningService:
    return request.app.state.service


async def _pair_fields(request: Request, service: ScreeningService) -> tuple[dict, str, str, str]:
    data = rq.require_object(await rq.read_json(request, service.settings.body_limit))
    query = rq.text_field(data, "query", rq.MAX_QUERY_LENGTH).strip()
    list_name = rq.text_field(data, "list", 200)
    entity_id = rq.text_field(data, "entity_id", 200)
    return data, query, list_name, entity_id


async def add_cleared(request: Request) -> JSONResponse:
    service = _service(request)
    data, query, list_name, entity_id = await _pair_fields(request, service)
    reason = data.get("reason") or ""
    cleared_by = data.get("cleared_by") or ""
    for field, value in (("reason", reason), ("cleared_by", cleared_by)):
        if not isinstance(value, str) or len(value) > MAX_NOTE:
            raise rq.InvalidInput(field, f"must be a string of at most {MAX_NOTE} characters")
    pair = service.cleared.add(query, list_name, entity_id, reason, cleared_by)
    return JSONResponse({"status": "stored", "pair": asdict(pair),
                         "persisted": service.cleared.path is not None}, status_code=201)


async def list_cleared(request: Request) -> JSONResponse:
    service = _service(request)
    pairs = [asdict(p) for p in service.cleared.pairs()]
    return JSONResponse({"pairs": pairs, "count": len(pairs),
                         "path": str(service.cleared.path) if service.cleared.path else None})


async def remove_cleared(request: Request) -> JSONResponse:
    service = _service(request)
    _, query, list_name, entity_id = await _pair_fields(request, service)
    if not service.cleared.remove(query, list_name, entity_id):
        raise NotFound("no such cleared pair", details={"query": query, "list": list_name, "entity_id": entity_id})
    return JSONResponse({"status": "removed"})
