"""FailoverBackend and answer tracking, with scripted primaries (no server).

The real-server failover (stopping noida-db mid-run) is in test_es_live_failover.py.
"""

from __future__ import annotations

import asyncio

import pytest

from ai_service.lists.model import Entity
from ai_service.search.base import Candidate, NameQuery
from ai_service.search.embedded import EmbeddedBackend
from ai_service.search.es.answers import ELASTICSEARCH, FALLBACK, answered_by, track_answers
from ai_service.search.es.breaker import OPEN, CircuitBreaker
from ai_service.search.es.failover import FailoverBackend, SearchUnavailable, describe_error
from ai_service.search.index import EmbeddedIndex

ENTITIES = [
    Entity("l", "1", "person", ["Петренко Олександр Васильович"]),
    Entity("l", "2", "person", ["Коваленко Ірина Петрівна"]),
]


class Scripted:
    """A primary that fails while ``down`` and otherwise answers one fixed candidate."""

    name = ELASTICSEARCH

    def __init__(self) -> None:
        self.down = False
        self.calls = 0

    async def search_name(self, query: NameQuery, limit: int = 10) -> list[Candidate]:
        self.calls += 1
        if self.down:
            raise ConnectionError("connection refused")
        return [Candidate(ENTITIES[1], 0.5, ["name_fuzzy"], query.name, ENTITIES[1].names[0])]

    async def lookup_id(self, value: str, lists: frozenset[str] | None = None) -> list[Entity]:
        self.calls += 1
        if self.down:
            raise TimeoutError
        return [ENTITIES[1]]

    def stats(self) -> dict:
        return {"backend": self.name}


@pytest.fixture()
def embedded() -> EmbeddedBackend:
    return EmbeddedBackend(EmbeddedIndex.build(ENTITIES))


def run(coro):
    return asyncio.run(coro)


def test_primary_answers_while_healthy(embedded: EmbeddedBackend) -> None:
    primary = Scripted()
    fb = FailoverBackend(primary, embedded, CircuitBreaker(3, 5.0))

    async def go() -> tuple[list[Candidate], str]:
        got = await fb.search_name(NameQuery("Петренко Олександр"))
        return got, fb.name

    got, name = run(go())
    assert got[0].entity.entity_id == "2"  # the scripted answer, not the embedded one
    assert name == ELASTICSEARCH and fb.serving == ELASTICSEARCH


def test_errors_are_answered_by_the_fallback_in_the_same_call(embedded: EmbeddedBackend) -> None:
    primary = Scripted()
    primary.down = True
    breaker = CircuitBreaker(3, 60.0)
    fb = FailoverBackend(primary, embedded, breaker)

    async def go() -> list[tuple[str, str, str]]:
        out = []
        for _ in range(6):
            got = await fb.search_name(NameQuery("Петренко Олександр Васильович"))
            out.append((got[0].entity.entity_id, fb.name, breaker.state))
        return out

    results = run(go())
    assert all(eid == "1" and name == FALLBACK for eid, name, _ in results)  # every call answered
    assert [s for _, _, s in results][:3] == ["closed", "closed", OPEN]  # opened on the 3rd failure
    assert primary.calls == 3  # then the primary is not even tried
    assert fb.primary_errors == 3 and fb.stats()["degraded"] is True
    assert run(fb.lookup_id("123456")) == []  # fallback: no such id in the embedded data


def test_without_fallback_an_outage_is_a_clear_503(embedded: EmbeddedBackend) -> None:
    primary = Scripted()
    primary.down = True
    clock = [0.0]
    fb = FailoverBackend(primary, None, CircuitBreaker(1, 60.0, clock=lambda: clock[0]))
    with pytest.raises(SearchUnavailable) as err:
        run(fb.search_name(NameQuery("x y")))
    assert err.value.status_code == 503
    assert not fb.can_serve  # readiness turns 503 ...
    with pytest.raises(SearchUnavailable):
        run(fb.lookup_id("1234567"))
    clock[0] = 60.0
    assert fb.can_serve  # ... and back when a probe is due, so traffic can probe
    primary.down = False
    assert run(fb.lookup_id("1234567")) == [ENTITIES[1]] and fb.breaker.state == "closed"


def test_no_primary_yet_serves_the_fallback(embedded: EmbeddedBackend) -> None:
    fb = FailoverBackend(None, embedded, CircuitBreaker())
    assert fb.serving == FALLBACK and fb.can_serve
    assert run(fb.search_name(NameQuery("Коваленко Ірина")))[0].entity.entity_id == "2"


def test_track_answers_sees_child_tasks(embedded: EmbeddedBackend) -> None:
    primary = Scripted()
    breaker = CircuitBreaker(1, 60.0)
    fb = FailoverBackend(primary, embedded, breaker)

    async def go(down: bool) -> tuple[list[str], str]:
        primary.down = down
        with track_answers() as answered:
            await asyncio.gather(*(fb.search_name(NameQuery(n)) for n in ("a b", "c d")))
        return answered, answered_by(answered, fb.name)

    answered, label = run(go(False))
    assert answered == [ELASTICSEARCH, ELASTICSEARCH] and label == ELASTICSEARCH
    answered, label = run(go(True))
    assert FALLBACK in answered and label == FALLBACK
    assert answered_by([ELASTICSEARCH, FALLBACK], "x") == FALLBACK
    assert answered_by([], "embedded") == "embedded"


def test_cancellation_is_not_a_failure(embedded: EmbeddedBackend) -> None:
    class Hanging(Scripted):
        async def search_name(self, query: NameQuery, limit: int = 10) -> list[Candidate]:
            await asyncio.sleep(10)
            return []

    breaker = CircuitBreaker(1, 60.0)
    fb = FailoverBackend(Hanging(), embedded, breaker)

    async def go() -> None:
        task = asyncio.create_task(fb.search_name(NameQuery("a b")))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(go())
    assert breaker.state == "closed" and breaker.consecutive_failures == 0


def test_error_descriptions_carry_no_urls() -> None:
    from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
    from elasticsearch import ConnectionError as EsConnectionError, NotFoundError

    meta = ApiResponseMeta(404, "1.1", HttpHeaders(), 0.01, NodeConfig("https", "user:secret@es", 9200))
    err = NotFoundError("index_not_found_exception", meta, {"error": {"type": "index_not_found_exception"}})
    assert describe_error(err) == "NotFoundError (404) index_not_found_exception"
    assert describe_error(EsConnectionError("https://user:secret@es:9200 refused")) == "ConnectionError"
