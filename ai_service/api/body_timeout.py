"""Bounds how long a client may take to send a request body (REQUEST_BODY_TIMEOUT_SECONDS).

Uvicorn (0.54, httptools and h11 alike) bounds no part of reading a request: once
the headers are in, the application is called and waits for the body as long as
the client keeps the connection open, so a client sending one byte per second
holds a connection, a request task and its buffers for as long as it likes
(slowloris). This pure-ASGI middleware gives the whole body one deadline, counted
from the moment the application is called (the headers are complete then): past
it the request is answered 408 with the service's JSON error and the connection
is closed (``connection: close``, so Uvicorn drops it after the answer).

The deadline covers the body only — a slow screening after the body arrived is
not a client's fault — and receives after the body (disconnect listeners) are
passed through untouched. An answer sent while the body is still unread (an
endpoint that does not read it, or an error answered early) also closes the
connection, because Uvicorn would otherwise keep reading and discarding the rest
of that body at whatever pace the client sends it.

Slow *headers* are bounded elsewhere: ``ai_service/api/http_timeouts.py``.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ai_service.errors import RequestTimeout

_CLOSE = (b"connection", b"close")


class _BodyTimedOut(Exception):
    """Raised out of ``receive`` into the endpoint; deliberately not a ServiceError, so the app's
    own error handlers let it through to this middleware, which answers it."""


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"content-length":
            return value.strip() not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


class BodyTimeoutMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope["headers"]):
            await self.app(scope, receive, send)  # nothing to wait for: no cost
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        state = {"body_done": False, "started": False}

        async def timed_receive() -> Message:
            if state["body_done"]:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTimedOut from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                state["body_done"] = True
            return message

        async def closing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
                if not state["body_done"]:
                    message = {**message, "headers": [*message.get("headers", []), _CLOSE]}
            await send(message)

        try:
            await self.app(scope, timed_receive, closing_send)
        except _BodyTimedOut:
            if state["started"]:
                raise RuntimeError("request body timed out after the answer had started") from None
            # No log line of its own: ServiceMiddleware logs the request with its 408 (one line per
            # request, as for every status), and a slowloris attack must not double the log volume.
            await self._answer_408(scope, closing_send)

    async def _answer_408(self, scope: Scope, send: Send) -> None:
        payload = RequestTimeout.json_body("body", self.seconds, scope.get("state", {}).get("request_id"))
        await send({"type": "http.response.start", "status": RequestTimeout.status_code,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
