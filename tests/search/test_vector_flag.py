"""FEATURE_VECTOR_RETRIEVAL in the backends: no vector search at all when it is off."""

from __future__ import annotations

import asyncio

import pytest

from ai_service.lists.config import DEMO_LIST_PATH
from ai_service.lists.ftm import parse as parse_ftm
from ai_service.search.base import NameQuery
from ai_service.search.embedded import R_VECTOR, EmbeddedBackend
from ai_service.search.es.query import plan_query
from ai_service.search.index import EmbeddedIndex


@pytest.fixture(scope="module")
def index() -> EmbeddedIndex:
    return EmbeddedIndex.build(parse_ftm(DEMO_LIST_PATH.read_bytes(), "demo"))


@pytest.mark.parametrize("enabled", [True, False])
def test_embedded_vector_retriever_runs_only_when_enabled(index, monkeypatch, enabled: bool) -> None:
    calls: list[str] = []
    real = EmbeddedBackend._vector

    def spy(idx, key, lists):
        calls.append(key)
        return real(idx, key, lists)

    monkeypatch.setattr(EmbeddedBackend, "_vector", staticmethod(spy))
    backend = EmbeddedBackend(index, vector_retrieval=enabled)
    found = asyncio.run(backend.search_name(NameQuery("Vyhadankoolexandr")))
    assert bool(calls) is enabled
    assert bool(found) is enabled  # the joined name is found by vectors only


def test_elasticsearch_plan_has_no_knn_search_when_disabled() -> None:
    query = NameQuery("Вигаданко Олександр")
    assert any(r == R_VECTOR for r, _ in plan_query(query).subs)
    plan = plan_query(query, vectors=False)
    assert plan.subs and all(r != R_VECTOR for r, _ in plan.subs) and len(plan.subs) == len(plan.bodies)
