"""The embedded search backend: in-process hybrid retrieval + the shared scorer.

Retrievers: exact identifier, exact order-insensitive name key, IDF-weighted
token postings with fuzzy token expansion, and (when lexical finds nothing
good) IVF vector search. Their ranked lists are fused with reciprocal rank
fusion; every fused candidate is re-scored by ``scoring.evaluate``, the same
scorer /compare uses, so a score means the same thing whoever found it.
"""

from __future__ import annotations

import itertools

import numpy as np

from ai_service.lists.model import Entity
from ai_service.search import name_forms
from ai_service.search.base import Candidate, NameQuery
from ai_service.search.fusion import RankFusion
from ai_service.search.index import EmbeddedIndex, core_tokens
from ai_service.search.parts import initial_keys, pinned_parses
from ai_service.search.name_match import QueryScorer
from ai_service.search.scoring import Evaluation, evaluate, to_candidate
from ai_service.search.vectors import embed_one
from ai_service.search.vocab import MIN_TOKEN
from ai_service.text.translit import name_key, swapped_neighbours, transposed_keys

MAX_LEXICAL = 30  # entities kept from token retrieval
MIN_LEXICAL = 8  # ... of which this many beside an exact hit (near names are context)
LEXICAL_KEEP = 0.5  # ... and only those scoring >= this share of the best
# A multi-token query keeps the entities sharing two or more of its tokens, topped up to this
# many with entities sharing one. Two rather than eight: the same payment recall (0.9933 vs
# 0.9927) and fewer false alerts (0.56 % vs 0.63 % of clean names >= medium) at ~40 % less search
# time on names no list carries; UN recall@10 0.9956 vs 0.9985 (benchmarks/quality).
MIN_COVERED = 2
# Typos and spacing variants of a listed name sit at cosine >= ~0.8; the best
# unrelated name for a clean query at ~0.6 (median) — measured on shared lists.
# Five at >= 0.75 rescue as much as ten at >= 0.7 did (UN recall@1 0.9941, payment
# recall 0.986 either way) with fewer false candidates to rescore (benchmarks/quality).
MAX_VECTOR = 5
VECTOR_MIN_COSINE = 0.75
VECTOR_WHEN_BELOW = 0.85  # run vector retrieval when the best lexical score is lower
MAX_RESCORE = 48
MAX_QUERY_TOKENS = 12  # a name has a handful; a pasted paragraph must not cost seconds

_GENERATIONS = itertools.count(1)  # cache tokens: one per index served, never reused

# Retriever labels as they appear in ``matched_by``.
R_ID, R_EXACT, R_FUZZY, R_VECTOR = "id", "name_exact", "name_fuzzy", "name_vector"


class EmbeddedBackend:
    """``SearchBackend`` over an ``EmbeddedIndex``; ``swap`` replaces it atomically."""

    name = "embedded"

    def __init__(self, index: EmbeddedIndex, min_score: float = 0.3, vector_retrieval: bool = True) -> None:
        self._index = index
        self._generation = next(_GENERATIONS)
        self.min_score = min_score
        self.vector_retrieval = vector_retrieval  # FEATURE_VECTOR_RETRIEVAL

    @property
    def index(self) -> EmbeddedIndex:
        return self._index

    @property
    def cache_token(self) -> tuple[int, bool]:
        """Changes whenever the answers may: another index, vectors switched on or off."""
        return (self._generation, self.vector_retrieval)

    def swap(self, index: EmbeddedIndex) -> None:
        """Serve a new snapshot; searches in flight keep the one they started with."""
        self._index = index
        self._generation = next(_GENERATIONS)  # after the index: a token never names an older one

    async def search_name(self, query: NameQuery, limit: int = 10) -> list[Candidate]:
        return self.search_sync(query, limit)

    async def lookup_id(self, value: str, lists: frozenset[str] | None = None) -> list[Entity]:
        idx = self._index
        return [idx.entities[p] for p in self._filter(idx, idx.lookup_id(value), lists)]

    def stats(self) -> dict:
        return {"backend": self.name, **self._index.stats(), "pinned_alias_parses": pinned_parses()}

    # -- the search ------------------------------------------------------------

    def search_sync(self, query: NameQuery, limit: int = 10) -> list[Candidate]:
        idx = self._index  # one snapshot for the whole query
        texts = list(dict.fromkeys(t for t in (query.name, *query.variants) if t and t.strip()))
        found = RankFusion()
        for ident in query.ids:
            found.add(R_ID, self._filter(idx, idx.lookup_id(ident.value), query.lists))
        initials_of: dict[str, frozenset[str]] = {}  # matching key -> keys of the initials written in it
        written_of: dict[str, list[str]] = {}  # matching key -> its words as written
        for t in texts:
            if key := name_key(t):
                initials_of[key] = initials_of.get(key, frozenset()) | initial_keys(t)
                written_of.setdefault(key, t.split())
        keys = list(initials_of)
        for key in keys:
            core = core_tokens(key)[:MAX_QUERY_TOKENS]
            if core:
                exact = self._filter(idx, idx.lookup_exact(core), query.lists)
                found.add(R_EXACT, exact)
                # With an exact hit the answer is known; near names are context only.
                lexical = self._lexical(idx, core, query.lists, initials_of[key], written_of[key])
                found.add(R_FUZZY, lexical[: MIN_LEXICAL if exact else MAX_LEXICAL])
        scorer = QueryScorer()  # one per search: the candidates share their parts
        scored = self._rescore(idx, query, found, {}, scorer)
        best = max((ev.score for ev, _ in scored.values()), default=0.0)
        if best < VECTOR_WHEN_BELOW and keys and self.vector_retrieval:
            for key in keys:
                found.add(R_VECTOR, self._vector(idx, key, query.lists))
            scored = self._rescore(idx, query, found, scored, scorer)
        kept = [(ev, pos, by) for pos, (ev, by) in scored.items() if ev.score >= self.min_score]
        kept.sort(key=lambda x: (-x[0].score, x[1]))
        return [to_candidate(ev, idx.entities[pos], by) for ev, pos, by in kept[:limit]]

    def _rescore(
        self,
        idx: EmbeddedIndex,
        query: NameQuery,
        found: RankFusion,
        done: dict[int, tuple[Evaluation, list[str]]],
        scorer: QueryScorer,
    ) -> dict[int, tuple[Evaluation, list[str]]]:
        """Evaluate the best fused candidates; earlier evaluations are kept (with
        the retrievers that found them updated), whatever their new rank."""
        out: dict[int, tuple[Evaluation, list[str]]] = {}
        for rank, (pos, _, by) in enumerate(found.fused()):
            prev = done.get(pos)
            if prev is not None:
                out[pos] = (prev[0], by)
            elif rank < MAX_RESCORE:
                ev = evaluate(query, idx.entities[pos], idx.aliases[pos], scorer.match)
                if ev is not None:
                    out[pos] = (ev, by)
        return out

    @staticmethod
    def _filter(idx: EmbeddedIndex, positions: tuple[int, ...] | list[int], lists: frozenset[str] | None) -> list[int]:
        if lists is None:
            return list(positions)
        return [p for p in positions if idx.entities[p].list in lists]

    @staticmethod
    def _lexical(idx: EmbeddedIndex, tokens: list[str], lists: frozenset[str] | None,
                 initials: frozenset[str] = frozenset(), written: list[str] = ()) -> list[int]:
        """Entities ranked by IDF-weighted overlap of (fuzzily expanded) tokens.

        Each query token contributes its best expansion per entity
        (``EmbeddedIndex.token_hits``), and ``coverage`` counts how many query
        tokens an entity matched. Sparse: the cost follows the postings touched,
        not the size of the list. ``initials`` (their keys: ``iu`` for Ю.) retrieve
        nothing; they order entities the name words tie (Иванов А.Ю. against 53
        listed Ivanovs) before a cut.
        """
        per_token: list[tuple[np.ndarray, np.ndarray]] = []  # (entity positions, best weight)
        query_tokens = _query_tokens(idx, [t for t in tokens if t not in initials], written)
        for tok, factor in query_tokens:
            pos, wts = idx.token_hits(tok)
            if pos.size:
                per_token.append((pos, wts if factor == 1.0 else wts * np.float32(factor)))
        if not per_token:
            return []
        positions = np.concatenate([p for p, _ in per_token])
        weights = np.concatenate([w for _, w in per_token])
        cand, inverse = np.unique(positions, return_inverse=True)
        total = np.bincount(inverse, weights=weights).astype(np.float32)
        coverage = np.bincount(inverse)
        mask = idx.allowed(lists)
        if mask is not None:
            total *= mask[cand]
        top = total.max()
        if top <= 0:
            return []
        keep = np.flatnonzero(total >= LEXICAL_KEEP * top)

        def agree(sel: np.ndarray) -> np.ndarray:
            """Per selected entity, how many initials begin one of its name words (0 without initials)."""
            if not initials:
                return np.zeros(sel.size, dtype=np.int64)
            return np.fromiter((_initials_agree(idx, p, initials) for p in cand[sel].tolist()),
                               dtype=np.int64, count=sel.size)

        n_query = sum(1 for _, f in query_tokens if f == 1.0)
        if n_query >= 2 and keep.size > MIN_COVERED:
            # An entity sharing one token of a multi-token query (a common given
            # name, a patronymic) cannot score as a match: rescore those only
            # when too few entities share two or more.
            multi = keep[coverage[keep] >= 2]
            if multi.size >= MIN_COVERED:
                keep = multi
            else:
                single = keep[coverage[keep] < 2]
                best_single = single[np.lexsort((-agree(single), -total[single]))[: MIN_COVERED - multi.size]]
                keep = np.concatenate([multi, best_single])
        # Ties keep entity order, as the dense version did, after the initials' agreement
        # (counted only where a cut falls).
        agreement = agree(keep) if keep.size > MAX_LEXICAL else np.zeros(keep.size, dtype=np.int64)
        order = np.lexsort((cand[keep], -agreement, -total[keep]))
        return cand[keep][order[:MAX_LEXICAL]].tolist()

    @staticmethod
    def _vector(idx: EmbeddedIndex, key: str, lists: frozenset[str] | None) -> list[int]:
        hits = idx.vectors.search(embed_one(key), MAX_VECTOR * 2, VECTOR_MIN_COSINE)
        mask = idx.allowed(lists)
        out: list[int] = []
        for row, _ in hits:
            pos = int(idx.row_entity[row])
            if (mask is None or mask[pos]) and pos not in out:
                out.append(pos)
        return out[:MAX_VECTOR]


SPACING_FACTOR = 0.9  # joined/split tokens are a guess about spacing
SWAP_FACTOR = 0.9  # ... and letters swapped back (Elhsani: ELSHANI) one about a typo


def _initials_agree(idx: EmbeddedIndex, pos: int, initials: frozenset[str]) -> int:
    """How many of the query's initials begin a word of one of the entity's names: the whole
    initial's key (Ю. is ``iu``: Юрійович, not Іванов), or a one-letter initial any form of the
    word (А. is a Russian writer's initial of Олексій: Алексей)."""
    words = {w for alias, _ in idx.aliases[pos] for w in name_key(alias).split()}
    return sum(any(w.startswith(k) or (len(k) == 1 and k in name_forms.group_initials(w)) for w in words)
               for k in initials)


def _query_tokens(idx: EmbeddedIndex, tokens: list[str], written: list[str] = ()) -> list[tuple[str, float]]:
    """Query tokens with weights, plus spacing variants the vocabulary knows:
    adjacent tokens joined ("abu bakr" -> "abubakr") and a token split in two
    ("abubakr" -> "abu", "bakr"); and, for an unknown word as ``written``, its letters
    swapped back across a digraph ("Elhsani" -> "elwani", the key of ELSHANI)."""
    out = [(t, 1.0) for t in dict.fromkeys(tokens) if len(t) > 1]  # initials retrieve everything
    ids = idx.vocab.ids
    for a, b in zip(tokens, tokens[1:]):
        if a + b in ids:
            out.append((a + b, SPACING_FACTOR))
    for t in tokens:
        if len(t) >= 6 and t not in ids:
            for i in range(2, len(t) - 2):
                if t[:i] in ids and t[i:] in ids:
                    out += [(t[:i], SPACING_FACTOR), (t[i:], SPACING_FACTOR)]
                    break
    for word in written:
        # A typed swap across a digraph (Elhsani for ELSHANI, CHIEWSHE for CHIWESHE) moves the key
        # further than the one-letter neighbours reach: the swapped-back word's key, if listed.
        key = name_key(word)
        if len(key) >= MIN_TOKEN and key not in ids and key in tokens:
            near = {t for t, _ in idx.vocab.expand(key)}
            # The key's own neighbours swapped too: a swap in four letters (AFIZ for FAIZ) sharpens
            # below any edit-similarity threshold a typo search can afford.
            swaps = dict.fromkeys([*transposed_keys(word), *swapped_neighbours(key)])
            out += [(k, SWAP_FACTOR) for k in swaps if k in ids and k not in near]
    return out
