"""The search layer's answer cache: same answers as without it, a new backend
generation starts empty, callers can't change what it keeps, it stays bounded."""

from __future__ import annotations

import asyncio

from ai_service.cleared import ClearedStore
from ai_service.lists.model import Entity, Identifier
from ai_service.pipeline.decision import RiskBands
from ai_service.pipeline.document import Options
from ai_service.pipeline.orchestrator import Pipeline
from ai_service.pipeline.search_cache import SearchCache
from ai_service.search.base import Candidate, NameQuery
from ai_service.search.embedded import EmbeddedBackend
from ai_service.search.index import EmbeddedIndex

ENTITIES = [
    Entity("test", "p1", "person", ["Вигаданко Олександр Васильович"], ids=[Identifier("rnokpp", "3112030334")]),
    Entity("test", "p2", "person", ["Придуманова Ганна Петрівна"]),
]
TEXT = "Переказ коштів Вигаданку Олександру Васильовичу, сума 100 грн"


def _run(pipeline: Pipeline, text: str, **options) -> object:
    return asyncio.run(pipeline.process(text, "auto", Options(**options)))


def _answer(doc) -> list[tuple]:
    return [(m.entity.entity_id, round(m.score, 6), tuple(m.matched_by), m.explanation["name"]["aligned"]
             if m.explanation.get("name") else None) for m in doc.matches]


def test_cached_answers_equal_fresh_ones_and_are_counted():
    backend = EmbeddedBackend(EmbeddedIndex.build(ENTITIES))
    cached = Pipeline(lambda: backend, bands=RiskBands(0.85, 0.70, 0.50))
    fresh = Pipeline(lambda: backend, bands=RiskBands(0.85, 0.70, 0.50), search_cache_size=0)
    first = _run(cached, TEXT)
    again = _run(cached, TEXT.replace("100", "250"))  # another text, the same name
    assert first.cache_misses.get("search") == 1 and "search" not in first.cache_hits
    assert again.cache_hits.get("search") == 1 and "search" not in again.cache_misses
    assert _answer(again) == _answer(first) == _answer(_run(fresh, TEXT))
    assert again.candidates_considered == first.candidates_considered
    assert fresh.cache_info().get("search") is None
    info = cached.cache_info()["search"]
    assert (info["hits"], info["misses"], info["size"]) == (1, 1, 1)


def test_a_new_backend_generation_is_not_answered_from_the_old_one():
    backend = EmbeddedBackend(EmbeddedIndex.build(ENTITIES))
    pipeline = Pipeline(lambda: backend, bands=RiskBands(0.85, 0.70, 0.50))
    assert [m.entity.entity_id for m in _run(pipeline, TEXT).matches] == ["p1"]
    backend.swap(EmbeddedIndex.build(ENTITIES[1:]))  # p1 delisted
    doc = _run(pipeline, TEXT)
    assert doc.matches == [] and doc.cache_misses.get("search") == 1


def test_callers_get_copies_and_cleared_flags_do_not_stick(tmp_path):
    backend = EmbeddedBackend(EmbeddedIndex.build(ENTITIES))
    store = ClearedStore(str(tmp_path / "cleared.jsonl"))
    pipeline = Pipeline(lambda: backend, bands=RiskBands(0.85, 0.70, 0.50), cleared=store)
    doc = _run(pipeline, "Вигаданко Олександр Васильович, РНОКПП 3112030334")
    # merge() added the id retriever to the name candidate; the cached copy must not have it
    assert doc.matches[0].matched_by[0] == "id"
    doc.matches[0].matched_by.append("mutated")
    again = _run(pipeline, TEXT)
    assert again.cache_hits.get("search") is None  # another query (the ID is part of it)
    third = _run(pipeline, "Вигаданко Олександр Васильович, РНОКПП 3112030334")
    assert third.cache_hits.get("search") == 1
    assert "mutated" not in third.matches[0].matched_by and not third.matches[0].cleared


def test_a_lower_threshold_than_the_cache_keeps_bypasses_it():
    backend = EmbeddedBackend(EmbeddedIndex.build(ENTITIES))
    pipeline = Pipeline(lambda: backend, bands=RiskBands(0.85, 0.70, 0.50))
    _run(pipeline, TEXT)
    low = _run(pipeline, TEXT, threshold=0.1)
    assert "search" not in low.cache_hits and "search" not in low.cache_misses


def test_the_cache_is_bounded_least_recently_used_first():
    entity = ENTITIES[0]
    cache = SearchCache(maxsize=2, floor=0.5)
    answer = [Candidate(entity, 0.9, ["name_exact"], "q", "a", {}), Candidate(entity, 0.4, ["name_fuzzy"], "q", "a", {})]
    for key in ("a", "b"):
        assert cache.get(1, key) is None  # the layer always asks before it stores
        cache.put(1, key, answer)
    cache.put(0, "stale", answer)  # an answer from a generation no longer served is dropped
    assert cache.get(1, "a") is not None  # "a" is now the most recent
    cache.put(1, "c", answer)
    assert cache.get(1, "b") is None and cache.get(1, "c") is not None and cache.get(1, "stale") is None
    kept, returned = cache.get(1, "a")
    assert [c.score for c in kept] == [0.9] and returned == 2  # weak candidates are not kept
    assert cache.get(2, "a") is None and cache.info()["size"] == 0  # another generation: emptied


def test_name_queries_with_other_evidence_are_other_keys():
    from ai_service.pipeline.search_cache import query_key

    base = NameQuery("Вигаданко Олександр", "person")
    assert query_key(base, 10) == query_key(NameQuery("Вигаданко Олександр", "person"), 10)
    others = [NameQuery("Вигаданко Олександр", "person", dob="1985-03-15"),
              NameQuery("Вигаданко Олександр", "person", ids=[Identifier("rnokpp", "3112030334")]),
              NameQuery("Вигаданко Олександр", "person", lists=frozenset({"test"})),
              NameQuery("Вигаданко Олександр", "organization"),
              NameQuery("Вигаданко Олександр", "person", variants=["Вигаданку Олександру"])]
    assert len({query_key(q, 10) for q in others} | {query_key(base, 10)}) == 6
