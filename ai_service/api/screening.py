"""Screening endpoints: /process, /process/batch, /search, /compare, /analyze-complexity."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

from starlette.requests import Request

from ai_service.api import requests as rq
from ai_service.api.responses import JSONResponse
from ai_service.api.serializers import process_response, timings_ms
from ai_service.batch_peers import BatchPeers, Declined, Item, PeerShare
from ai_service.errors import NotReady, ServiceError
from ai_service.pipeline.document import Document, Options
from ai_service.pipeline.unicode_norm import normalize
from ai_service.search.base import NameQuery
from ai_service.search.name_match import compare_names
from ai_service.service import ScreeningService


def _service(request: Request) -> ScreeningService:
    return request.app.state.service


def _request_id(request: Request) -> str:
    return request.scope.get("state", {}).get("request_id", "")


def _require_ready(service: ScreeningService, options: Options, field: str = "options.lists") -> None:
    if options.search and not service.ready:
        raise NotReady("lists are not loaded yet; retry shortly", details=service.last_reload)
    gen = service.generation
    if options.lists and gen is not None:
        # A typo in a list name must not turn into a silent "clear".
        unknown = sorted(options.lists - gen.snapshot.lists.keys())
        if unknown:
            raise rq.InvalidInput(field, f"unknown list(s): {', '.join(unknown)}; loaded: "
                                         f"{', '.join(sorted(gen.snapshot.lists))}")


def _options(data: dict, service: ScreeningService) -> Options:
    options = rq.options_field(data)
    if options.explain and not service.settings.feature_trace:
        # FEATURE_TRACE=false: explain is accepted (clients need not change) but no trace is built.
        options = replace(options, explain=False)
    return options


async def _process(service: ScreeningService, text: str, language: str, options: Options,
                   audit: dict[str, Any] | None = None) -> Document:
    """Screen one text; ``audit`` (request_id, endpoint[, batch]) writes its audit record."""
    gen = service.generation
    doc = await service.pipeline.process(text, language, options)
    service.observe_document(doc)
    if audit is not None and service.audit is not None:
        service.audit.screening(doc, list_versions=service.list_versions(gen),
                                lists_swapped=service.generation is not gen, **audit)
    return doc


async def process(request: Request) -> JSONResponse:
    service = _service(request)
    data = rq.require_object(await rq.read_json(request, service.settings.body_limit))
    text = rq.text_field(data, "text", service.settings.max_input_length)
    language, options = rq.language_field(data), _options(data, service)
    _require_ready(service, options)
    request_id = _request_id(request)
    doc = await _process(service, text, language, options, {"request_id": request_id, "endpoint": "/process"})
    return JSONResponse(process_response(doc, request_id))


async def process_batch(request: Request) -> JSONResponse:
    service = _service(request)
    settings = service.settings
    data = rq.require_object(await rq.read_json(request, settings.body_limit))
    texts = rq.texts_field(data, settings.max_batch_size)
    language, options = rq.language_field(data), _options(data, service)
    _require_ready(service, options)
    request_id = _request_id(request)
    items: list[Item] = list(enumerate(texts))
    peers: BatchPeers | None = getattr(request.app.state, "batch_peers", None)
    shares: list[PeerShare] = []
    if peers is not None and service.ready:
        job = {"request_id": request_id, "versions": service.list_versions(),
               "body": {"language": data.get("language"), "options": data.get("options")}}
        items, shares = await peers.share(items, job)
    try:
        started = time.perf_counter()
        results = await _batch_items(service, request_id, items, language, options)
        own_part = time.perf_counter() - started
        for share in shares:
            # Our part is done; the peers' answers have been arriving meanwhile.
            got = await share.results(own_part)
            service.observe_shared("peer" if got is not None else "returned", len(share.items))
            results.update(got if got is not None else
                           await _batch_items(service, request_id, share.items, language, options))
    finally:
        for share in shares:
            share.close()  # a cancelled request leaves no connection behind
    service.observe_batch(len(texts))
    return JSONResponse({"request_id": request_id, "results": [results[i] for i in range(len(texts))]})


async def _batch_items(service: ScreeningService, request_id: str, items: list[Item], language: str,
                       options: Options) -> dict[int, Any]:
    """Screen batch items (index, value); a value that is no valid text gets an error in its slot."""
    max_length = service.settings.max_input_length

    async def one(index: int, value: Any) -> dict:
        item_id = f"{request_id}-{index}"
        try:
            text = rq.check_text(value, f"texts[{index}]", max_length)
            doc = await _process(service, text, language, options,
                                 {"request_id": item_id, "endpoint": "/process/batch", "batch": (request_id, index)})
        except ServiceError as exc:
            return {"error": exc.to_dict()["error"], "status": exc.status_code}
        return process_response(doc, item_id)

    done = await asyncio.gather(*(one(i, v) for i, v in items))
    return {i: r for (i, _), r in zip(items, done)}


async def screen_shared(service: ScreeningService, job: dict[str, Any]) -> dict[int, Any]:
    """A part of another worker's batch (``batch_peers``): screened as that worker would have."""
    if not service.ready:
        raise Declined("lists not loaded")
    if job["versions"] != service.list_versions():
        raise Declined("other list versions")  # a refresh reached one worker first
    body = job["body"]
    items = [(int(i), v) for i, v in job["items"]]
    return await _batch_items(service, str(job["request_id"]), items, rq.language_field(body), _options(body, service))


async def search(request: Request) -> JSONResponse:
    service = _service(request)
    data = rq.require_object(await rq.read_json(request, service.settings.body_limit))
    query = rq.text_field(data, "query", rq.MAX_QUERY_LENGTH).strip()
    if not query:
        raise rq.InvalidInput("query", "must contain a name or an identifier")
    entity_type, limit = rq.entity_type_field(data), rq.limit_field(data)
    lists = rq.lists_field(data.get("lists"), "lists")
    _require_ready(service, Options(lists=lists), "lists")
    gen = service.generation
    backend = service.current_backend()
    assert backend is not None
    name, _ = normalize(query)
    compact = name.replace(" ", "").replace("-", "")
    results = []
    hits: list[tuple[Any, float, list[str]]] = []  # (entity, score, matched_by) for the audit log
    by_id = compact.isalnum() and sum(c.isdigit() for c in compact) >= 6
    if by_id:
        for entity in (await backend.lookup_id(compact.upper(), lists))[:limit]:
            results.append({**_entity_hit(entity), "score": 1.0, "matched_by": ["id"], "query": compact,
                            "alias": entity.primary_name, "explanation": {"id": compact}})
            hits.append((entity, 1.0, ["id"]))
    else:
        candidates = (await backend.search_name(NameQuery(name, entity_type, lists=lists), limit))[:limit]
        results = [c.to_dict() for c in candidates]
        hits = [(c.entity, c.score, c.matched_by) for c in candidates]
    request_id = _request_id(request)
    if service.audit is not None:
        service.audit.search(query, request_id=request_id, kind="id" if by_id else "name", entity_type=entity_type,
                             lists=lists, hits=hits, search_backend=backend.name,
                             list_versions=service.list_versions(gen))
    return JSONResponse({"request_id": request_id, "query": query, "results": results,
                         "search_backend": backend.name})


def _entity_hit(entity) -> dict:
    return {"list": entity.list, "entity_id": entity.entity_id, "entity_type": entity.entity_type,
            "name": entity.primary_name}


async def compare(request: Request) -> JSONResponse:
    service = _service(request)
    data = rq.require_object(await rq.read_json(request, service.settings.body_limit))
    a = rq.text_field(data, "a", rq.MAX_QUERY_LENGTH)
    b = rq.text_field(data, "b", rq.MAX_QUERY_LENGTH)
    entity_type = rq.entity_type_field(data)
    result = compare_names(normalize(a)[0], normalize(b)[0], entity_type)
    bands = service.pipeline.bands
    return JSONResponse({"score": round(result.score, 4), "match": result.score >= bands.medium,
                         "band": bands.band(result.score), "explanation": result.explanation})


async def analyze_complexity(request: Request) -> JSONResponse:
    service = _service(request)
    data = rq.require_object(await rq.read_json(request, service.settings.body_limit))
    text = rq.text_field(data, "text", service.settings.max_input_length)
    language = rq.language_field(data)
    options = Options(search=service.ready, explain=False)
    doc = await _process(service, text, language, options)
    return JSONResponse({"request_id": _request_id(request), **complexity_report(doc)})


def complexity_report(doc: Document) -> dict:
    words = sum(t.kind == "word" for t in doc.tokens)
    reasons: list[str] = []
    points = 0
    if len(doc.original) > 1000:
        points += 2
        reasons.append(f"long text: {len(doc.original)} characters, split into {doc.chunks} chunks")
    if len(doc.tokens) > 60:
        points += 1
        reasons.append(f"many tokens: {len(doc.tokens)}")
    if doc.language == "mixed":
        points += 1
        reasons.append("mixed scripts/languages")
    entities = len(doc.persons) + len(doc.organizations)
    if entities > 2:
        points += 1
        reasons.append(f"{entities} entities to screen")
    if doc.candidates_considered > 30:
        points += 1
        reasons.append(f"{doc.candidates_considered} search candidates considered")
    level = "simple" if points == 0 else "moderate" if points <= 2 else "complex"
    if not reasons:
        reasons.append("short single-language text with few entities")
    return {
        "complexity": level,
        "reasons": reasons,
        "characters": len(doc.original),
        "tokens": len(doc.tokens),
        "word_tokens": words,
        "chunked": doc.chunks > 1,
        "chunks": doc.chunks,
        "language": doc.language,
        "entities": {"persons": len(doc.persons), "organizations": len(doc.organizations),
                     "ids": len(doc.ids), "dates": len(doc.dates)},
        "candidates_considered": doc.candidates_considered,
        "cache": {"hits": doc.cache_hits, "misses": doc.cache_misses},
        "timings_ms": timings_ms(doc),
    }
