"""``ElasticsearchBackend``: the hybrid query in one ``_msearch`` round trip,
fused and re-scored exactly as the embedded backend does.

The fusion below mirrors ``EmbeddedBackend.search_sync`` step for step (per-key
exact hits cap the lexical list, vector hits join only when the best lexical
score is low, ties break on snapshot position), so the two backends return the
same top entity whenever they retrieve it; the parity test holds them together.
The backend is pinned to one concrete index (the version built for its
snapshot), not the alias: an alias switch mid-request cannot mix two versions,
and the fallback serves the same snapshot.
"""

from __future__ import annotations

from typing import Any

from cachetools import LRUCache
from elasticsearch import AsyncElasticsearch

from ai_service.lists.model import Entity
from ai_service.search.base import Candidate, NameQuery
from ai_service.search.embedded import (
    MAX_LEXICAL,
    MAX_RESCORE,
    MIN_LEXICAL,
    R_EXACT,
    R_FUZZY,
    R_ID,
    R_VECTOR,
    VECTOR_WHEN_BELOW,
)
from ai_service.search.fusion import RankFusion
from ai_service.search.es.answers import ELASTICSEARCH
from ai_service.search.es.documents import Aliases, entity_from_stored
from ai_service.search.es.indexer import IndexState
from ai_service.search.es.query import Plan, id_values, ids_body, list_filter, plan_query
from ai_service.search.name_match import QueryScorer
from ai_service.search.scoring import Evaluation, evaluate, to_candidate

ENTITY_CACHE = 16_384  # rebuilt entities by snapshot position (JSON parsing is per hit otherwise)
Scored = dict[int, tuple[Evaluation, list[str]]]


class SearchFailed(RuntimeError):
    """Elasticsearch answered, but not with complete results (a sub-search or shard failed)."""


class ElasticsearchBackend:
    name = ELASTICSEARCH

    def __init__(self, client: AsyncElasticsearch, state: IndexState, min_score: float = 0.3,
                 vector_retrieval: bool = True) -> None:
        self.client = client  # search defaults: ES_TIMEOUT_MS, no retries (see client.py)
        self.state = state
        self.index = state.index
        self.min_score = min_score
        self.vector_retrieval = vector_retrieval  # FEATURE_VECTOR_RETRIEVAL: no kNN sub-search when off
        self._entities: LRUCache[int, tuple[Entity, Aliases]] = LRUCache(ENTITY_CACHE)

    async def search_name(self, query: NameQuery, limit: int = 10) -> list[Candidate]:
        plan = plan_query(query, vectors=self.vector_retrieval)
        if not plan.bodies:
            return []
        resp = await self.client.msearch(index=self.index, searches=plan.searches())
        known: dict[int, tuple[Entity, Aliases]] = {}  # this query's entities: one cache look-up each
        ranked = [self._positions(r, known) for r in _responses(resp, len(plan.bodies))]
        return self._fuse(query, plan, ranked, known, limit)

    async def lookup_id(self, value: str, lists: frozenset[str] | None = None) -> list[Entity]:
        ids = id_values([value])
        if not ids:
            return []
        body = ids_body(ids, list_filter(lists), ["pos", "entity"])
        resp = await self.client.search(index=self.index, **body)
        _check(resp)
        known: dict[int, tuple[Entity, Aliases]] = {}
        return [known[p][0] for p in self._positions(resp, known)[0]]

    def stats(self) -> dict:
        return {"backend": self.name, **self.state.to_dict(), "cached_entities": len(self._entities)}

    # -- hits -------------------------------------------------------------------

    def _positions(self, resp: Any, known: dict[int, tuple[Entity, Aliases]]
                   ) -> tuple[list[int], dict[str, list[int]]]:
        """Entity positions in hit order (deduplicated), and positions by exact key;
        ``known`` receives each hit's entity (rebuilt from JSON once per process)."""
        out: dict[int, None] = {}
        by_key: dict[str, dict[int, None]] = {}
        cache = self._entities
        for hit in resp["hits"]["hits"]:
            src = hit["_source"]
            pos = src["pos"]
            if pos not in known:
                got = cache.get(pos)
                if got is None:
                    got = cache[pos] = entity_from_stored(src["entity"])
                known[pos] = got
            out[pos] = None
            key = src.get("name_key")
            if key is not None:
                by_key.setdefault(key, {})[pos] = None
        return list(out), {k: list(v) for k, v in by_key.items()}

    # -- fusion and re-scoring (mirrors EmbeddedBackend.search_sync) -------------

    def _fuse(self, query: NameQuery, plan: Plan, ranked: list[tuple[list[int], dict[str, list[int]]]],
              known: dict[int, tuple[Entity, Aliases]], limit: int) -> list[Candidate]:
        found = RankFusion()
        vectors: list[list[int]] = []
        exact_hits: dict[str, list[int]] = {}
        lexical: dict[int, list[int]] = {}
        for (retriever, key_no), (positions, by_key) in zip(plan.subs, ranked):
            if retriever == R_ID:
                found.add(R_ID, positions)
            elif retriever == R_EXACT:
                exact_hits = by_key
            elif retriever == R_FUZZY:
                lexical[key_no] = positions
            else:
                vectors.append(positions)
        for i, key in enumerate(plan.exact_keys):
            if key is None:
                continue
            exact = exact_hits.get(key, [])
            found.add(R_EXACT, exact)
            found.add(R_FUZZY, lexical.get(i, [])[: MIN_LEXICAL if exact else MAX_LEXICAL])
        scorer = QueryScorer()  # one per search: the candidates share their parts
        scored = _rescore(query, found, known, {}, scorer)
        best = max((ev.score for ev, _ in scored.values()), default=0.0)
        if best < VECTOR_WHEN_BELOW and vectors:
            for positions in vectors:
                found.add(R_VECTOR, positions)
            scored = _rescore(query, found, known, scored, scorer)
        kept = [(ev, pos, by) for pos, (ev, by) in scored.items() if ev.score >= self.min_score]
        kept.sort(key=lambda x: (-x[0].score, x[1]))
        return [to_candidate(ev, known[pos][0], by) for ev, pos, by in kept[:limit]]


def _rescore(query: NameQuery, found: RankFusion, known: dict[int, tuple[Entity, Aliases]], done: Scored,
             scorer: QueryScorer) -> Scored:
    """Evaluate the best fused candidates; earlier evaluations are kept (with
    the retrievers that found them updated), whatever their new rank."""
    out: Scored = {}
    for rank, (pos, _, by) in enumerate(found.fused()):
        prev = done.get(pos)
        if prev is not None:
            out[pos] = (prev[0], by)
        elif rank < MAX_RESCORE:
            entity, aliases = known[pos]
            ev = evaluate(query, entity, aliases, scorer.match)
            if ev is not None:
                out[pos] = (ev, by)
    return out


def _responses(resp: Any, expected: int) -> list[Any]:
    got = resp["responses"]
    if len(got) != expected:
        raise SearchFailed(f"msearch answered {len(got)} of {expected} searches")
    for r in got:
        _check(r)
    return got


def _check(r: Any) -> None:
    """Partial answers are failures: a missing shard could hide the listed entity."""
    if "error" in r:
        err = r["error"]
        raise SearchFailed(err.get("type", "error") if isinstance(err, dict) else str(err))
    shards = r.get("_shards") or {}
    if shards.get("failed"):
        raise SearchFailed(f"{shards['failed']} shard(s) failed")
    if r.get("timed_out"):
        raise SearchFailed("search timed out on the cluster")
