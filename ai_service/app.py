"""The Starlette application: routes, error handlers, middleware, lifespan."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.routing import Route

from ai_service.api import health, ops, review, screening
from ai_service.api.body_timeout import BodyTimeoutMiddleware
from ai_service.api.middleware import ServiceMiddleware
from ai_service.api.openapi import build_openapi
from ai_service.api.responses import JSONResponse
from ai_service.api.security import Guard
from ai_service.batch_peers import PEER_DIR_ENV, BatchPeers, PeerListener
from ai_service.config import Settings, load_settings
from ai_service.errors import MethodNotAllowed, NotFound, ServiceError
from ai_service.respawn import hold_until_ready
from ai_service.service import ScreeningService

log = logging.getLogger("ai_service.app")


def _routes(openapi: dict) -> list[Route]:
    async def openapi_endpoint(request: Request) -> JSONResponse:
        return JSONResponse(openapi)

    return [
        Route("/process", screening.process, methods=["POST"]),
        Route("/process/batch", screening.process_batch, methods=["POST"]),
        Route("/search", screening.search, methods=["POST"]),
        Route("/compare", screening.compare, methods=["POST"]),
        Route("/analyze-complexity", screening.analyze_complexity, methods=["POST"]),
        Route("/health", health.health, methods=["GET"]),
        Route("/health/live", health.live, methods=["GET"]),
        Route("/health/ready", health.ready, methods=["GET"]),
        Route("/health/startup", health.startup, methods=["GET"]),
        Route("/health/detailed", health.detailed, methods=["GET"]),
        Route("/health/test/{component}", health.self_test, methods=["POST"]),
        Route("/metrics", ops.metrics_endpoint, methods=["GET"]),
        Route("/stats", ops.stats, methods=["GET"]),
        Route("/lists", ops.lists, methods=["GET"]),
        Route("/admin/lists/reload", ops.reload_lists, methods=["POST"]),
        Route("/admin/cache/clear", ops.clear_cache, methods=["POST"]),
        Route("/admin/cleared", review.add_cleared, methods=["POST"]),
        Route("/admin/cleared", review.list_cleared, methods=["GET"]),
        Route("/admin/cleared", review.remove_cleared, methods=["DELETE"]),
        Route("/openapi.json", openapi_endpoint, methods=["GET"]),
    ]


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    body = exc.to_dict()
    body["request_id"] = request.scope.get("state", {}).get("request_id")
    return JSONResponse(body, status_code=exc.status_code)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        err: ServiceError = NotFound(f"no route for {request.url.path}")
    elif exc.status_code == 405:
        err = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}")
    else:
        err = ServiceError(str(exc.detail), code="http_error")
        err.status_code = exc.status_code
    return await _service_error(request, err)


async def _share_batches(app: Starlette, service: ScreeningService) -> PeerListener | None:
    """Under Gunicorn (the master made the peer directory): take and hand out parts of batches."""
    directory = os.environ.get(PEER_DIR_ENV)
    settings = service.settings
    if not directory or not settings.batch_sharing:
        return None
    listener = PeerListener(directory, functools.partial(screening.screen_shared, service), settings.body_limit)
    try:
        await listener.start()
    except OSError as exc:
        log.warning("batch sharing off: cannot listen in the peer directory", extra={"error": str(exc)})
        return None
    app.state.batch_peers = BatchPeers(directory, max_message=settings.body_limit * 4)
    return listener


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    service = ScreeningService(settings)
    routes = _routes(build_openapi(settings.max_input_length, settings.max_batch_size))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        listener = await _share_batches(app, service)
        try:
            await hold_until_ready(service)  # a replacement Gunicorn worker: lists first
            yield
        finally:
            if listener is not None:
                await listener.stop()
            await service.stop()

    middleware: list[Middleware] = []
    if settings.cors_origins:  # outermost, so preflights are answered before auth
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "DELETE"], allow_headers=["*"]))
    middleware.append(
        Middleware(ServiceMiddleware, guard=Guard(settings.api_keys, settings.admin_token),
                   stats=service.stats, rate_limit=settings.rate_limit_per_minute,
                   routes=frozenset(r.path for r in routes))
    )
    # Inside ServiceMiddleware, so a 408 is counted, logged and carries the request id.
    middleware.append(Middleware(BodyTimeoutMiddleware, seconds=settings.request_body_timeout_seconds))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={ServiceError: _service_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.settings = settings
    return app


def __getattr__(name: str) -> Starlette:
    # `ai_service.app:app` for Gunicorn/Uvicorn: built on first access, from the environment.
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(name)
