"""``FailoverBackend``: Elasticsearch first, the embedded index when it cannot answer.

Each call goes to the primary unless the breaker is open; any error or
timeout of the primary is answered from the fallback in the same call (the
primary's own per-request timeout bounds the detour to tens of milliseconds).
Which one answered is recorded per call (``answers``), so the response's
``search_backend`` says ``elasticsearch`` or ``embedded (fallback)`` truthfully.
``primary`` may be None while the index for the current snapshot is built.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ai_service.errors import NotReady
from ai_service.lists.model import Entity
from ai_service.logging_setup import safe
from ai_service.search.base import Candidate, NameQuery, SearchBackend
from ai_service.search.es.answers import ELASTICSEARCH, FALLBACK, last_answer, record_answer
from ai_service.search.es.breaker import OPEN, CircuitBreaker

log = logging.getLogger("ai_service.search.es.failover")
T = TypeVar("T")


class SearchUnavailable(NotReady):
    code = "search_unavailable"


class FailoverBackend:
    def __init__(self, primary: SearchBackend | None, fallback: SearchBackend | None,
                 breaker: CircuitBreaker) -> None:
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker
        self.primary_errors = 0  # calls the primary failed (each answered by the fallback)

    @property
    def name(self) -> str:
        """The backend that answered this context's last call, else the one that would."""
        return last_answer() or self.serving

    @property
    def serving(self) -> str:
        if self.primary is not None and self.breaker.state != OPEN:
            return ELASTICSEARCH
        return FALLBACK if self.fallback is not None else ELASTICSEARCH

    @property
    def can_serve(self) -> bool:
        """Readiness: some backend can answer now. An open breaker due for its probe
        counts as able: readiness must let traffic in, or no call would ever probe."""
        if self.fallback is not None:
            return True
        return self.primary is not None and (self.breaker.state != OPEN or self.breaker.retry_in() == 0.0)

    async def search_name(self, query: NameQuery, limit: int = 10) -> list[Candidate]:
        primary, fallback = self.primary, self.fallback
        return await self._call(
            None if primary is None else (lambda: primary.search_name(query, limit)),
            None if fallback is None else (lambda: fallback.search_name(query, limit)),
        )

    async def lookup_id(self, value: str, lists: frozenset[str] | None = None) -> list[Entity]:
        primary, fallback = self.primary, self.fallback
        return await self._call(
            None if primary is None else (lambda: primary.lookup_id(value, lists)),
            None if fallback is None else (lambda: fallback.lookup_id(value, lists)),
        )

    async def _call(self, primary: Callable[[], Awaitable[T]] | None,
                    fallback: Callable[[], Awaitable[T]] | None) -> T:
        if primary is not None and self.breaker.allow():
            try:
                result = await primary()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.primary_errors += 1
                self.breaker.failure(describe_error(exc))
                log.debug("elasticsearch call failed: %s", safe(describe_error(exc)))
                if fallback is None:
                    raise SearchUnavailable("the search backend is unavailable; retry shortly") from None
            else:
                self.breaker.success()
                record_answer(ELASTICSEARCH)
                return result
        if fallback is None:
            raise SearchUnavailable("the search backend is unavailable; retry shortly")
        record_answer(FALLBACK)
        return await fallback()

    def stats(self) -> dict:
        out: dict = {"backend": ELASTICSEARCH, "serving": self.serving, "degraded": self.serving != ELASTICSEARCH,
                     "breaker": self.breaker.to_dict(), "primary_errors": self.primary_errors,
                     "fallback": None if self.fallback is None else self.fallback.stats()}
        out["elasticsearch"] = None if self.primary is None else self.primary.stats()
        return out


def describe_error(exc: BaseException) -> str:
    """A log- and response-safe description: class, HTTP status, ES error type.
    Transport messages are left out (they may carry URLs with credentials)."""
    name = type(exc).__name__
    if type(exc).__module__.startswith("ai_service."):
        return f"{name}: {exc}"  # our own messages name indices and counts only
    meta = getattr(exc, "meta", None)
    status = getattr(meta, "status", None)
    kind = getattr(exc, "error", None) if status is not None else None
    out = name + (f" ({status})" if isinstance(status, int) else "")
    if isinstance(kind, str) and len(kind) <= 80 and "://" not in kind:
        out += f" {kind}"
    return out
