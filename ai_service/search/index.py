"""The embedded search index: built once per list snapshot, immutable afterwards.

Structures (all keyed by ``name_key`` tokens, so every script and
romanization meets in one place):

* id map — normalized identifier value -> entity positions;
* exact map — sorted core tokens of every name -> entity positions;
* token postings — token -> entity positions (int32), with document frequency
  for IDF weighting (``muhamad`` counts less than a rare surname);
* vocabulary trigram index — fuzzy expansion of query tokens (typos), see ``vocab``;
* vectors — hashed character n-grams per distinct (entity, name key) row, with LSH.

A reload builds a new index; the backend swaps the reference atomically.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import NamedTuple

import numpy as np

from ai_service.forked import Forked
from ai_service.lists.model import Entity
from ai_service.search.evidence import MIN_ID_LENGTH, normalize_id
from ai_service.search.scoring import keyed_aliases
from ai_service.search.vectors import DIM, VectorIndex, embed
from ai_service.search.vocab import MIN_TOKEN, Vocabulary
from ai_service.search.weak_tokens import weak_keys, weak_phrases

_EMPTY = np.zeros(0, dtype=np.int32)
MAX_CACHED_MASKS = 256
# Query tokens whose merged postings are kept: common given names and surnames come back in
# most queries, and merging a token's expansions is most of its retrieval cost.
MAX_CACHED_TOKENS = 8192


def core_tokens(key: str) -> list[str]:
    """Tokens of a name key that identify: weak tokens (legal forms, generic
    words, connectives) removed. Same function for list names and queries."""
    weak = weak_keys()
    phrases = weak_phrases()
    tokens = key.split()
    if weak.isdisjoint(tokens) and phrases.keys().isdisjoint(tokens):
        return tokens  # most names: nothing to drop (two C-level set checks, not a loop)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        for phrase in phrases.get(t, ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)  # "фермерське господарство", "limited liability company"
                break
        else:
            if t not in weak:
                out.append(t)
            i += 1
    return out


def exact_key(tokens: Iterable[str]) -> str:
    return " ".join(sorted(tokens))


class EntityKeys(NamedTuple):
    """What the index takes from one entity: a pure function of it (``entity_keys``), so it can
    be computed anywhere — the Gunicorn master's preload computes part of them in a forked helper."""

    aliases: list[tuple[str, bool]]  # (alias, weak), one per distinct key
    keys: list[str]  # the non-empty name keys, in alias order: one vector row each
    exact: list[str]  # exact keys of the names that have core tokens
    tokens: list[str]  # distinct core tokens longer than one letter, in first-seen order
    ids: list[str]  # normalized identifiers long enough to look up


def entity_keys(e: Entity) -> EntityKeys:
    ids = [value for value in (normalize_id(ident.value) for ident in e.ids) if len(value) >= MIN_ID_LENGTH]
    distinct = keyed_aliases(e)  # uk and en spellings often share one key
    keys: list[str] = []
    exact: list[str] = []
    tokens: list[str] = []
    seen: set[str] = set()
    for _, _, key in distinct:
        if not key:
            continue
        keys.append(key)
        core = core_tokens(key)
        if core:
            exact.append(exact_key(core))
        for tok in core:
            if len(tok) > 1 and tok not in seen:
                seen.add(tok)
                tokens.append(tok)
    return EntityKeys([(name, weak) for name, weak, _ in distinct], keys, exact, tokens, ids)


@dataclass(frozen=True, slots=True)
class EmbeddedIndex:
    entities: list[Entity]
    aliases: list[list[tuple[str, bool]]]  # per entity: (alias, weak), one per distinct key
    list_names: tuple[str, ...]
    entity_list: np.ndarray  # int16: index into list_names per entity
    ids: dict[str, tuple[int, ...]]
    exact: dict[str, tuple[int, ...]]
    postings: dict[str, np.ndarray]  # token -> sorted unique entity positions
    idf: dict[str, float]
    vocab: Vocabulary
    row_entity: np.ndarray  # int32: entity position of each vector row
    vectors: VectorIndex
    build_seconds: float
    _masks: dict[frozenset[str], np.ndarray]
    # token -> (entity positions, best IDF-weighted similarity of the token or one of its
    # expansions), read-only arrays; cached per index (see ``_token_hits``).
    token_hits: Callable[[str], tuple[np.ndarray, np.ndarray]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hits = lru_cache(maxsize=MAX_CACHED_TOKENS)(partial(_token_hits, self.postings, self.idf, self.vocab))
        object.__setattr__(self, "token_hits", hits)  # frozen: derived once, here

    @classmethod
    def build(cls, entities: Iterable[Entity], keys: Sequence[EntityKeys] | None = None, *,
              fork_vectors: bool = False) -> EmbeddedIndex:
        """``keys``: ``entity_keys`` of each entity when already computed. ``fork_vectors``: embed
        and cluster the name vectors in a forked child meanwhile (``ai_service.forked``; only in
        a process without other threads — the Gunicorn master's preload)."""
        started = time.perf_counter()
        ents = list(entities)
        if keys is None:
            keys = [entity_keys(e) for e in ents]
        elif len(keys) != len(ents):
            raise ValueError(f"{len(keys)} entity keys for {len(ents)} entities")
        list_names = tuple(sorted({e.list for e in ents}))
        list_pos = {name: i for i, name in enumerate(list_names)}
        entity_list = np.fromiter((list_pos[e.list] for e in ents), dtype=np.int16, count=len(ents))

        ids: dict[str, list[int]] = {}
        exact: dict[str, list[int]] = {}
        postings: dict[str, list[int]] = {}
        row_keys: list[str] = []
        row_entity: list[int] = []
        aliases: list[list[tuple[str, bool]]] = []
        for pos, k in enumerate(keys):
            for value in k.ids:
                _add(ids, value, pos)
            aliases.append(k.aliases)
            row_keys.extend(k.keys)
            row_entity.extend([pos] * len(k.keys))
            for key in k.exact:
                _add(exact, key, pos)
            for tok in k.tokens:
                got = postings.get(tok)
                if got is None:
                    postings[tok] = [pos]
                else:
                    got.append(pos)

        forked = Forked(_vector_index, row_keys) if fork_vectors else None
        try:
            n = max(len(ents), 1)
            post_arrays = {t: np.asarray(p, dtype=np.int32) for t, p in postings.items()}
            idf = {t: math.log(1.0 + n / len(p)) for t, p in postings.items()}
            vocab = Vocabulary(list(post_arrays))
        except BaseException:
            if forked is not None:
                forked.cancel()  # else it would wait forever to hand over its result
            raise
        vectors = forked.result() if forked is not None else _vector_index(row_keys)
        return cls(
            entities=ents,
            aliases=aliases,
            list_names=list_names,
            entity_list=entity_list,
            ids={k: tuple(v) for k, v in ids.items()},
            exact={k: tuple(v) for k, v in exact.items()},
            postings=post_arrays,
            idf=idf,
            vocab=vocab,
            row_entity=np.asarray(row_entity, dtype=np.int32),
            vectors=vectors,
            build_seconds=time.perf_counter() - started,
            _masks={},
        )

    # -- lookups -------------------------------------------------------------

    def lookup_id(self, value: str) -> tuple[int, ...]:
        return self.ids.get(normalize_id(value), ())

    def lookup_exact(self, tokens: Iterable[str]) -> tuple[int, ...]:
        return self.exact.get(exact_key(tokens), ())

    def postings_for(self, token: str) -> np.ndarray:
        return self.postings.get(token, _EMPTY)

    def allowed(self, lists: frozenset[str] | None) -> np.ndarray | None:
        """Boolean mask over entities for a list restriction (None = all lists)."""
        if lists is None:
            return None
        lists = lists & frozenset(self.list_names)  # unknown names select nothing
        mask = self._masks.get(lists)
        if mask is None:
            wanted = [i for i, name in enumerate(self.list_names) if name in lists]
            mask = np.isin(self.entity_list, np.asarray(wanted, dtype=np.int16))
            if len(self._masks) < MAX_CACHED_MASKS:  # combinations of real lists only
                self._masks[lists] = mask  # benign race: same value from any thread
        return mask

    def alias_forms(self) -> Iterator[tuple[str, bool]]:
        """Every alias with the ``drop_weak`` a search parses it with when the query names no
        entity type (the entity's own: weak tokens kept for persons) — what ``parts.pin_parses`` wants."""
        for entity, aliases in zip(self.entities, self.aliases):
            drop_weak = entity.entity_type != "person"
            for alias, _ in aliases:
                yield alias, drop_weak

    # -- figures ---------------------------------------------------------------

    def stats(self) -> dict:
        arrays = self.entity_list.nbytes + self.row_entity.nbytes + sum(a.nbytes for a in self.postings.values())
        arrays += self.vectors.nbytes + self.vocab.nbytes
        # Python containers: dict tables only (keys are shared with other structures).
        containers = sum(sys.getsizeof(d) for d in (self.ids, self.exact, self.postings, self.idf))
        return {
            "entities": len(self.entities),
            "lists": {name: int((self.entity_list == i).sum()) for i, name in enumerate(self.list_names)},
            "names": int(self.row_entity.size),
            "exact_keys": len(self.exact),
            "ids": len(self.ids),
            "vocabulary": len(self.vocab),
            "vectors_shape": list(self.vectors.matrix.shape),
            "index_memory_mb": round((arrays + containers) / 2**20, 1),
            "build_seconds": round(self.build_seconds, 3),
        }


def _token_hits(postings: dict[str, np.ndarray], idf: dict[str, float], vocab: Vocabulary,
                token: str) -> tuple[np.ndarray, np.ndarray]:
    """Entities matching ``token`` or one of its vocabulary expansions, with the best weight
    (similarity × IDF) per entity: max, not sum — OFAC lists Oleksandr, Aleksandr,
    Alexander… for one person."""
    expansions = vocab.expand(token) if len(token) >= MIN_TOKEN else ((token, 1.0),)
    hits = [(sim * idf[o], p) for o, sim in expansions if (p := postings.get(o)) is not None]
    if not hits:
        pos, wts = _EMPTY, np.zeros(0, dtype=np.float32)
    elif len(hits) == 1:
        w, pos = hits[0]
        wts = np.full(pos.size, w, dtype=np.float32)  # postings hold each entity once
    else:
        pos = np.concatenate([p for _, p in hits])
        wts = np.concatenate([np.full(p.size, w, dtype=np.float32) for w, p in hits])
        order = np.lexsort((-wts, pos))  # by entity, best weight first
        pos, wts = pos[order], wts[order]
        first = np.concatenate(([True], pos[1:] != pos[:-1]))
        pos, wts = pos[first], wts[first]
    wts.flags.writeable = False  # shared through the cache
    return pos, wts


def _vector_index(row_keys: list[str]) -> VectorIndex:
    return VectorIndex(embed(row_keys, DIM))


def _add(table: dict[str, list[int]], key: str, pos: int) -> None:
    got = table.get(key)
    if got is None:
        table[key] = [pos]
    elif got[-1] != pos:
        got.append(pos)
