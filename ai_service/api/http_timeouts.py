"""Bounds how long a client may take to send a request's line and headers
(REQUEST_HEADER_TIMEOUT_SECONDS), which nothing in Uvicorn or Gunicorn bounds.

Uvicorn 0.54's only connection timer is ``timeout_keep_alive``, armed after a
response and cancelled by the next byte received. So a connection that sends
nothing after connecting, or sends its headers a byte at a time, is held open
for ever (slowloris); Gunicorn's ``timeout`` is a worker heartbeat, and its
``limit_request_*`` settings bound sizes, not time — and neither reaches the
Uvicorn workers. ``HeaderTimeoutProtocol`` is Uvicorn's httptools protocol with one
more timer: armed when a connection opens and when the first bytes of a further
request arrive, disarmed when that request's headers are complete. When it fires
the connection is closed, after a 408 JSON error if part of a request had
arrived. The body is bounded by ``body_timeout.py`` once the application runs.

Used by ``python -m ai_service`` (``uvicorn.run(http=…)``) and, under Gunicorn, by
``ai_service.worker.UvicornWorker``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ai_service.errors import RequestTimeout

log = logging.getLogger("ai_service.http")
REPORT_EVERY_SECONDS = 60.0  # under a slowloris attack one line a minute, not one per connection


class _Report:
    """Counts header timeouts and logs them at most once per ``REPORT_EVERY_SECONDS`` per worker."""

    def __init__(self) -> None:
        self.pending = 0
        self.last = -REPORT_EVERY_SECONDS

    def count(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        self.pending += 1
        if loop.time() - self.last >= REPORT_EVERY_SECONDS:
            log.info("request headers not received within %g s: %d connection(s) answered 408 and closed "
                     "since the last report", seconds, self.pending)
            self.pending, self.last = 0, loop.time()


_report = _Report()

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is pinned in current_requirements.txt; without it Uvicorn uses h11
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


def _response_408(seconds: float) -> bytes:
    body = RequestTimeout.json_body("headers", seconds, None)
    return (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(body), body))


if HttpToolsProtocol is not None:

    class HeaderTimeoutProtocol(HttpToolsProtocol):  # type: ignore[misc,valid-type]
        header_timeout: float = 10.0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._header_timer: asyncio.TimerHandle | None = None
            self._partial = False  # part of a request line / headers has arrived

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            # Between requests (keep-alive), the first bytes of the next one start its clock; while a
            # request is served, bytes of a pipelined one wait for the keep-alive timer instead.
            if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
                self._arm()
            super().data_received(data)

        def on_message_begin(self) -> None:
            self._partial = True
            super().on_message_begin()

        def on_headers_complete(self) -> None:
            self._partial = False
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._timed_out)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _timed_out(self) -> None:
            self._header_timer = None
            if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
                return
            if self._partial:
                _report.count(self.loop, self.header_timeout)
                self.transport.write(_response_408(self.header_timeout))
            self.transport.close()


def header_timeout_protocol(seconds: float) -> type | str:
    """The protocol class for ``uvicorn.Config(http=…)`` with this header timeout
    ("auto", i.e. no header timeout, when httptools is not installed)."""
    if HttpToolsProtocol is None:
        log.warning("httptools is not installed: request headers are not bounded in time")
        return "auto"
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": float(seconds)})
