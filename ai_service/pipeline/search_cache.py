"""Answers of the search layer per name query, for names that come back.

Payment traffic repeats its payees: the texts differ (amounts, dates) while the
extracted names recur. A name query's answer depends only on the query and the
data the backend searches, so it is kept per backend *generation*
(``SearchBackend.cache_token``): a list reload gives a new token and the cache
starts empty. Backends without a token (Elasticsearch, whose live index can
change under an alias) are not cached.

Only candidates at or above ``floor`` (the layer's lowest reported score) are
kept, with the number the backend returned: most names in payments are nobody's,
and weak near-misses are what made an answer big (~7 KB each with explanations).
Candidates are mutable (``merge`` adds retrievers, the cleared store flags them):
the cache keeps its own copies and hands out fresh ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from ai_service.search.base import Candidate, NameQuery


def query_key(query: NameQuery, limit: int) -> Hashable:
    return (query.name, query.entity_type, tuple(query.variants), tuple(query.ids), query.dob, query.lists,
            query.legal_form, query.alternative, limit)




class SearchCache:
    """LRU of name-query answers for one backend generation; thread-safe."""

    def __init__(self, maxsize: int, floor: float) -> None:
        self.maxsize = maxsize
        self.floor = floor
        self._items: OrderedDict[Hashable, tuple[tuple[Candidate, ...], int]] = OrderedDict()
        self._token: Hashable | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, token: Hashable, key: Hashable) -> tuple[list[Candidate], int] | None:
        """Fresh copies of the kept candidates and how many the backend returned."""
        with self._lock:
            if token != self._token:
                self._items.clear()
                self._token = token
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        return [c.copy() for c in found[0]], found[1]

    def put(self, token: Hashable, key: Hashable, answer: list[Candidate]) -> None:
        kept = tuple(c.copy() for c in answer if c.score >= self.floor)
        with self._lock:
            if token != self._token:
                return  # the backend changed while this query ran
            self._items[key] = (kept, len(answer))
            if len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def info(self) -> dict[str, int | float]:
        return {"hits": self.hits, "misses": self.misses, "size": len(self._items), "maxsize": self.maxsize}

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
