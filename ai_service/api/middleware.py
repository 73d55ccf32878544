"""One pure-ASGI middleware for every request: id, auth, rate limit, metrics, last-resort errors.

Pure ASGI (not BaseHTTPMiddleware) because it runs on every request and the
whole request budget is a few hundred microseconds.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ai_service import metrics
from ai_service.api.security import Guard, TokenBucket, access_class
from ai_service.errors import ServiceError
from ai_service.logging_setup import request_id_var
from ai_service.stats import RequestStats

log = logging.getLogger("ai_service.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _error_body(exc: ServiceError, request_id: str) -> bytes:
    body = exc.to_dict()
    body["request_id"] = request_id
    return orjson.dumps(body)


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, guard: Guard, stats: RequestStats, rate_limit: int | None,
                 routes: frozenset[str]) -> None:
        self.app = app
        self.guard = guard
        self.stats = stats
        self.bucket = TokenBucket(rate_limit) if rate_limit else None
        self.routes = routes
        # Routes with a path parameter: (prefix, template), so /health/test/search is labelled
        # /health/test/{component} in metrics and stats, never by the raw path.
        self.templates = tuple((r.split("{", 1)[0], r) for r in sorted(routes) if "{" in r)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        path = scope["path"]
        endpoint = path if path in self.routes else self._template(path)
        status_holder = [500]
        rid_header = (b"x-request-id", request_id.encode())

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], rid_header]
            await send(message)

        metrics.in_flight(1)
        try:
            caller = self.guard.check(path, headers)
            if self.bucket is not None and access_class(path) != "public":
                client = caller or (scope.get("client") or ("unknown",))[0]
                self.bucket.take(client)
            await self.app(scope, receive, send_wrapper)
        except ServiceError as exc:
            await self._send_error(send_wrapper, exc, request_id)
        except Exception:
            log.exception("unhandled error on %s", endpoint)
            exc = ServiceError("internal error; the request id identifies it in the logs", code="internal_error")
            exc.status_code = 500
            await self._send_error(send_wrapper, exc, request_id)
        finally:
            metrics.in_flight(-1)
            seconds = time.perf_counter() - started
            status = status_holder[0]
            self.stats.record(endpoint, status, seconds)
            metrics.observe_request(endpoint, scope["method"], status, seconds)
            log.info("request", extra={"endpoint": endpoint, "method": scope["method"], "status": status,
                                       "duration_ms": round(seconds * 1000, 3)})
            request_id_var.reset(token)

    def _template(self, path: str) -> str:
        for prefix, template in self.templates:
            rest = path[len(prefix):]
            if path.startswith(prefix) and rest and "/" not in rest:
                return template
        return "other"

    @staticmethod
    async def _send_error(send: Send, exc: ServiceError, request_id: str) -> None:
        body = _error_body(exc, request_id)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        retry = getattr(exc, "retry_after", None)
        if retry is not None:
            headers.append((b"retry-after", str(retry).encode()))
        await send({"type": "http.response.start", "status": exc.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body})
