"""Layer 8 — hybrid search: every extracted entity and identifier is looked up.

Names go to the backend's hybrid retrieval (exact keys, lexical/fuzzy, vectors,
fused and re-scored); identifiers are looked up exactly. Candidates for the
same list entity are merged, keeping the best score and every retriever that
found it. This is the only layer that may touch the network (Elasticsearch).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ai_service.cleared import ClearedStore
from ai_service.lists.model import Identifier
from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import Document, IdSignal
from ai_service.pipeline.search_cache import SearchCache, query_key
from ai_service.search.base import Candidate, NameQuery, SearchBackend
from ai_service.search.es.answers import answered_by, track_answers
from ai_service.search.scoring import score_candidate

ID_MATCH_SCORE = 0.97  # an identifier equal to a listed one, with no name to compare
SEARCH_LIMIT = 10


def person_is_searchable(parts_roles: list[str]) -> bool:
    """A given name (with or without initials) alone names nobody in particular."""
    return any(r in ("surname", "patronymic") for r in parts_roles) or (
        sum(r == "given" for r in parts_roles) >= 2
    )


class SearchLayer(Layer):
    name = "search"

    def __init__(self, backend: Callable[[], SearchBackend | None], min_score: float,
                 cleared: ClearedStore | None = None, cache_size: int = 20_000) -> None:
        self.backend = backend
        self.min_score = min_score
        self.cleared = cleared
        self.cache = SearchCache(cache_size, min_score) if cache_size > 0 else None

    def queries(self, doc: Document) -> tuple[list[NameQuery], dict[int, NameQuery]]:
        """Name queries, and for each attached IdSignal (by id()) the query of its owner."""
        lists = doc.options.lists
        queries: list[NameQuery] = []
        owner: dict[int, NameQuery] = {}
        for p in doc.persons:
            if not person_is_searchable([part.role for part in p.parts]):
                continue
            surface = doc.text[p.start : p.end]
            variants = [v for v in dict.fromkeys((surface if p.guessed else None, p.alternative))
                        if v and v != p.normalized]
            q = NameQuery(p.normalized, "person", variants, _ids(p.ids), p.dob, lists, alternative=p.alternative)
            queries.append(q)
            owner.update({id(i): q for i in p.ids})
        for o in doc.organizations:
            if o.core.strip():
                q = NameQuery(o.core, "organization", [], _ids(o.ids), None, lists, o.legal_form)
                queries.append(q)
                owner.update({id(i): q for i in o.ids})
        return queries, owner

    async def run(self, doc: Document) -> None:
        if not doc.options.search:
            return
        backend = self.backend()
        if backend is None:
            return
        queries, owner = self.queries(doc)
        # A failover backend answers each call from Elasticsearch or its fallback:
        # report the one that actually answered (the fallback if any call needed it).
        with track_answers() as answered:
            results, considered = await self._search(doc, backend, queries)
            found: list[Candidate] = [c for batch in results for c in batch]
            for ident in doc.ids:
                for entity in await backend.lookup_id(ident.value, doc.options.lists):
                    found.append(_id_candidate(ident, entity, owner.get(id(ident))))
        doc.search_backend = answered_by(answered, backend.name)
        doc.candidates_considered = considered + len(found) - sum(map(len, results))
        threshold = doc.options.threshold if doc.options.threshold is not None else self.min_score
        doc.matches = [c for c in merge(found) if c.score >= threshold or "id" in c.matched_by]
        if self.cleared is not None:
            self.cleared.mark(doc.matches)


    async def _search(self, doc: Document, backend: SearchBackend,
                      queries: list[NameQuery]) -> tuple[list[list[Candidate]], int]:
        """Each query's candidates, and how many the backend returned in all."""
        token = getattr(backend, "cache_token", None)
        cache = self.cache if token is not None else None
        if cache is None or (doc.options.threshold is not None and doc.options.threshold < cache.floor):
            results = await asyncio.gather(*(backend.search_name(q, SEARCH_LIMIT) for q in queries))
            return results, sum(map(len, results))
        results, considered, hits = [], 0, 0
        for q in queries:
            key = query_key(q, SEARCH_LIMIT)
            cached = cache.get(token, key)
            if cached is None:
                found = await backend.search_name(q, SEARCH_LIMIT)
                cache.put(token, key, found)
                results.append(found)
                considered += len(found)
            else:
                results.append(cached[0])
                considered += cached[1]
                hits += 1
        doc.count_cache(self.name, hits, len(queries) - hits)
        return results, considered

    def cache_info(self) -> dict[str, int | float]:
        return self.cache.info() if self.cache is not None else {}

    def clear_cache(self) -> None:
        if self.cache is not None:
            self.cache.clear()


def _ids(signals: list[IdSignal]) -> list[Identifier]:
    return [Identifier(s.type, s.value) for s in signals]


def _id_candidate(ident: IdSignal, entity, query: NameQuery | None) -> Candidate:
    if query is not None:
        cand = score_candidate(query, entity)
        if cand is not None:
            if "id" not in cand.matched_by:
                cand.matched_by.insert(0, "id")
            cand.score = max(cand.score, ID_MATCH_SCORE)
            return cand
    return Candidate(
        entity=entity,
        score=ID_MATCH_SCORE,
        matched_by=["id"],
        query=ident.value,
        alias=entity.primary_name,
        explanation={"id": {"type": ident.type, "value": ident.value, "checksum_valid": ident.valid},
                     "name": None},
    )


def merge(candidates: list[Candidate]) -> list[Candidate]:
    best: dict[tuple[str, str], Candidate] = {}
    for c in candidates:
        key = (c.entity.list, c.entity.entity_id)
        have = best.get(key)
        if have is None:
            best[key] = c
            continue
        winner, other = (c, have) if c.score > have.score else (have, c)
        for how in other.matched_by:
            if how not in winner.matched_by:
                winner.matched_by.append(how)
        best[key] = winner
    return sorted(best.values(), key=lambda c: -c.score)
