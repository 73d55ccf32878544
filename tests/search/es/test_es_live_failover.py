"""Failover against a real server: stop noida-db mid-run, then bring it back.

Every search must be answered (zero failures), from the embedded fallback once
Elasticsearch is gone, with ``search_backend`` saying so; the breaker opens
after ES_BREAKER_FAILURES failed calls and closes again within its reset
window once the server returns. Latencies of fallback answers are measured
in-process against the embedded backend alone (no noida timing is asserted).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from ai_service.config import load_settings
from ai_service.lists.config import sources_from_setting
from ai_service.lists.loader import load_sources
from ai_service.lists.snapshot import ListsSnapshot
from ai_service.pipeline.orchestrator import Pipeline
from ai_service.search.base import NameQuery
from ai_service.search.embedded import EmbeddedBackend
from ai_service.search.es.answers import ELASTICSEARCH, FALLBACK
from ai_service.search.es.backend import ElasticsearchBackend
from ai_service.search.es.breaker import CLOSED, OPEN, CircuitBreaker
from ai_service.search.es.client import build_client, bulk_client
from ai_service.search.es.failover import FailoverBackend
from ai_service.search.es.indexer import ensure_index
from ai_service.search.index import EmbeddedIndex
from tests.search.es.conftest import es_env
from tests.search.es.noida import NoidaServer

FAILURES = 3
RESET_SECONDS = 1.0
MAX_RECOVERY_SECONDS = 4 * RESET_SECONDS + 5.0  # a stale pooled connection may cost one more probe
P95_GROWTH_MS = 2.0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


@pytest.fixture(scope="module")
def demo() -> ListsSnapshot:
    return asyncio.run(load_sources(sources_from_setting(None)))


def test_outage_answered_by_fallback_then_recovery(noida: NoidaServer, demo: ListsSnapshot) -> None:
    settings = load_settings(es_env(noida, "t-failover"))
    entities = list(demo.entities())
    queries = [NameQuery(e.names[0], e.entity_type) for e in entities]
    embedded = EmbeddedBackend(EmbeddedIndex.build(entities))
    expected = [embedded.search_sync(q)[0].entity.entity_id for q in queries]
    pipeline_text = f"Переказ коштів {entities[0].names[0]}, РНОКПП {entities[0].ids[0].value}"
    report: dict = {}

    async def scenario() -> None:
        client = build_client(settings)
        state = await ensure_index(bulk_client(client, settings), demo, "t-failover")
        breaker = CircuitBreaker(FAILURES, RESET_SECONDS)
        fb = FailoverBackend(ElasticsearchBackend(client, state), embedded, breaker)
        pipeline = Pipeline(lambda: fb)
        failures = 0

        async def ask(i: int) -> tuple[str, float]:
            nonlocal failures
            q = queries[i % len(queries)]
            t0 = time.perf_counter()
            try:
                got = await fb.search_name(q)
                ids = await fb.lookup_id(entities[i % len(entities)].ids[0].value)
            except Exception:
                failures += 1
                return "failed", 0.0
            took = time.perf_counter() - t0
            assert got and got[0].entity.entity_id == expected[i % len(queries)]
            assert ids and ids[0].entity_id == entities[i % len(entities)].entity_id
            return fb.name, took

        try:
            healthy = [await ask(i) for i in range(6)]
            assert {name for name, _ in healthy} == {ELASTICSEARCH}
            assert (await pipeline.process(pipeline_text)).search_backend == ELASTICSEARCH

            await asyncio.to_thread(noida.stop)  # the cluster dies mid-run
            down, opened_after = [], None
            for i in range(4 * len(queries)):
                down.append(await ask(i))
                if opened_after is None and breaker.state == OPEN:
                    opened_after = fb.primary_errors  # calls (searches and id lookups) that failed
            doc = await pipeline.process(pipeline_text)
            assert doc.search_backend == FALLBACK and doc.matches
            report.update(down=down, opened_after=opened_after)
            embedded_alone = []
            for i in range(4 * len(queries)):
                t0 = time.perf_counter()
                await embedded.search_name(queries[i % len(queries)])
                await embedded.lookup_id(entities[i % len(entities)].ids[0].value)
                embedded_alone.append(time.perf_counter() - t0)
            report["embedded"] = embedded_alone

            await asyncio.to_thread(noida.start)  # ... and comes back
            t0 = time.monotonic()
            i = 0
            while breaker.state != CLOSED and time.monotonic() - t0 < 3 * MAX_RECOVERY_SECONDS:
                await ask(i)
                i += 1
                await asyncio.sleep(0.05)
            report["recovery"] = time.monotonic() - t0
            assert (await ask(0))[0] == ELASTICSEARCH
            assert (await pipeline.process(pipeline_text)).search_backend == ELASTICSEARCH
            report["failures"] = failures
        finally:
            await client.close()
            if noida.proc is None:
                noida.start()  # leave the session's server running for the other tests

    asyncio.run(scenario())
    down = report["down"]
    assert report["failures"] == 0
    assert all(name == FALLBACK for name, _ in down)  # every answer in the outage came from embedded
    assert report["opened_after"] == FAILURES  # then no call waits for the dead cluster
    after_open = [took for _, took in down[FAILURES:]]
    growth_ms = (p95(after_open) - p95(report["embedded"])) * 1000
    print(f"\nbreaker opened after {report['opened_after']} failed calls; fallback p95 "
          f"{p95(after_open) * 1000:.3f} ms vs embedded {p95(report['embedded']) * 1000:.3f} ms "
          f"(+{growth_ms:.3f} ms); closed {report['recovery']:.2f} s after the server returned")
    assert growth_ms <= P95_GROWTH_MS
    assert report["recovery"] <= MAX_RECOVERY_SECONDS
