"""Which backend answered a request's searches (for the response's ``search_backend``).

A failover backend answers each call from Elasticsearch or from the embedded
fallback; layer 8 runs its searches concurrently (``asyncio.gather`` → child
tasks, whose context-variable *assignments* the parent never sees). So the
parent installs a mutable log in a context variable first; child tasks copy
the context, share the same list, and append to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

ELASTICSEARCH = "elasticsearch"
FALLBACK = "embedded (fallback)"

_LOG: ContextVar[list[str] | None] = ContextVar("ai_service_search_answers", default=None)
# The last answer in this context: enough for a caller awaiting one search directly.
_LAST: ContextVar[str | None] = ContextVar("ai_service_search_last_answer", default=None)


def record_answer(name: str) -> None:
    _LAST.set(name)
    log = _LOG.get()
    if log is not None:
        log.append(name)


def last_answer() -> str | None:
    return _LAST.get()


@contextmanager
def track_answers() -> Iterator[list[str]]:
    """Collect the names of the backends that answer inside the block."""
    answers: list[str] = []
    token = _LOG.set(answers)
    try:
        yield answers
    finally:
        _LOG.reset(token)


def answered_by(answers: list[str], default: str) -> str:
    """One label for a request: a degraded answer anywhere makes the request degraded."""
    if FALLBACK in answers:
        return FALLBACK
    return answers[0] if answers else default
