"""The hybrid query for one ``NameQuery``: the retrievers of the embedded
backend as sub-searches of one ``_msearch`` round trip.

Each retriever keeps its own ranked list (exact ids, exact name keys, BM25 with
fuzziness and character n-grams, kNN over the same name vectors), so the
fusion in Python is the embedded backend's reciprocal rank fusion, and it
needs no licence: the ``rrf`` retriever is a paid feature on ES 8.
Query keys come from the same ``name_key``/``core_tokens`` as the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ai_service.search.base import NameQuery
from ai_service.search.embedded import (
    MAX_LEXICAL,
    MAX_QUERY_TOKENS,
    MAX_VECTOR,
    R_EXACT,
    R_FUZZY,
    R_ID,
    R_VECTOR,
    VECTOR_MIN_COSINE,
)
from ai_service.search.evidence import MIN_ID_LENGTH, normalize_id
from ai_service.search.index import core_tokens, exact_key
from ai_service.search.vectors import embed_one
from ai_service.text.translit import name_key

SOURCE = ["pos", "name_key", "entity"]  # never the vector: 64 floats per hit for nothing
MAX_ID_HITS = 50
MAX_EXACT_HITS = 50
LEXICAL_HITS = 2 * MAX_LEXICAL  # documents are names: leave room for several per entity
VECTOR_HITS = 2 * MAX_VECTOR
NUM_CANDIDATES = 100  # HNSW candidates per shard: recall ~1 at this index size
FUZZINESS = "AUTO:4,8"  # one edit from 4 letters, two from 8 (the embedded vocabulary's reach)
NGRAM_WEIGHT = 0.5  # n-grams find spacing and vowel variants; whole tokens rank first


@dataclass(slots=True)
class Plan:
    """The sub-searches to send and what each one is."""

    keys: list[str]
    exact_keys: list[str | None]  # per key: its order-insensitive core key (None: only weak tokens)
    subs: list[tuple[str, int]] = field(default_factory=list)  # (retriever, key number or -1)
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def add(self, retriever: str, key_no: int, body: dict[str, Any]) -> None:
        self.subs.append((retriever, key_no))
        self.bodies.append(body)

    def searches(self) -> list[dict[str, Any]]:
        """``msearch`` lines: an empty header (the index is the call's) and a body each."""
        out: list[dict[str, Any]] = []
        for body in self.bodies:
            out += [{}, body]
        return out


def list_filter(lists: frozenset[str] | None) -> list[dict[str, Any]]:
    return [] if lists is None else [{"terms": {"list": sorted(lists)}}]


def plan_query(query: NameQuery, vectors: bool = True) -> Plan:
    texts = list(dict.fromkeys(t for t in (query.name, *query.variants) if t and t.strip()))
    keys = [k for k in dict.fromkeys(name_key(t) for t in texts) if k]
    cores = [core_tokens(k)[:MAX_QUERY_TOKENS] for k in keys]
    plan = Plan(keys, [exact_key(c) if c else None for c in cores])
    filters = list_filter(query.lists)
    ids = id_values(v.value for v in query.ids)
    if ids:
        plan.add(R_ID, -1, ids_body(ids, filters))
    exact = sorted({k for k in plan.exact_keys if k})
    if exact:
        plan.add(R_EXACT, -1, {"query": {"bool": {"filter": [{"terms": {"name_key": exact}}, *filters]}},
                               "sort": [{"pos": "asc"}], "size": MAX_EXACT_HITS, "_source": SOURCE})
    for i, core in enumerate(cores):
        tokens = [t for t in dict.fromkeys(core) if len(t) > 1]  # initials would match everyone
        if tokens:
            plan.add(R_FUZZY, i, lexical_body(" ".join(tokens), filters))
    if vectors:  # FEATURE_VECTOR_RETRIEVAL
        for i, key in enumerate(keys):
            plan.add(R_VECTOR, i, knn_body(key, filters))
    return plan


def id_values(values: Any) -> list[str]:
    return sorted({v for raw in values if len(v := normalize_id(raw)) >= MIN_ID_LENGTH})


def ids_body(ids: list[str], filters: list[dict[str, Any]], source: list[str] | None = None) -> dict[str, Any]:
    return {"query": {"bool": {"filter": [{"terms": {"ids": ids}}, *filters]}},
            "sort": [{"pos": "asc"}], "size": MAX_ID_HITS, "_source": source or SOURCE}


def lexical_body(text: str, filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "query": {"bool": {
            "should": [
                {"match": {"name_tokens": {"query": text, "fuzziness": FUZZINESS, "max_expansions": 50}}},
                {"match": {"name_tokens.ngram": {"query": text, "boost": NGRAM_WEIGHT}}},
            ],
            "minimum_should_match": 1,
            "filter": filters,
        }},
        "size": LEXICAL_HITS,
        "_source": SOURCE,
    }


def knn_body(key: str, filters: list[dict[str, Any]]) -> dict[str, Any]:
    knn: dict[str, Any] = {"field": "name_vector", "query_vector": embed_one(key).tolist(), "k": VECTOR_HITS,
                           "num_candidates": NUM_CANDIDATES, "similarity": VECTOR_MIN_COSINE}
    if filters:
        knn["filter"] = filters
    return {"knn": knn, "size": VECTOR_HITS, "_source": SOURCE}
