"""Fuzzy expansion of query tokens over the index vocabulary (typos, inflections).

Character trigrams of every distinct key token (``$tok$`` padded) are indexed
as sorted numpy arrays, built vectorized; a query token gathers the vocabulary
tokens sharing enough trigrams and keeps those whose edit similarity passes.

Trigrams miss a swap of two letters in a short word (``bukrov`` / ``burkov``
share two of six): every token's one-letter deletions are indexed too (hashed,
as a sorted array), so one insertion, deletion, substitution or transposition
is always found — the symmetric-delete neighbourhood.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import process

from ai_service.search import name_forms
from ai_service.search.deletes import all_variant_hashes, variant_hashes
from ai_service.search.align import (NAME_FORM_SIM, SHARP_FROM, SKELETON_SIM, edit_sim, edit_sims, skeleton,
                                     sub_similarity)

MIN_TOKEN = 4  # shorter tokens have too many near neighbours to expand usefully
# Trigrams add what the one-edit delete neighbourhood cannot: two edits. In a short word, or from a
# word the lists carry as written, two edits make another name (martin / martinez, aleksander /
# aleksandrov, sarah / sarahba); only a long unknown word keeps that reach (~45 % less expansion
# time per token; benchmarks/quality same or better).
TRIGRAM_FROM = 7
# Sharpened edit similarity a listed word needs to be an expansion: MIN_SIM two edits away (the
# trigram reach), ONE_EDIT_MIN_SIM for a one-letter-deletion neighbour. A swapped or changed letter
# in a five-letter word sits at ~0.76-0.8 (qruin / qurin 0.795): 0.76 there rather than 0.8 found
# one more UN positive (recall@1 0.9941 -> 0.9956, @10 0.9971 -> 0.9985) and a Russian-spelled
# payee with a swap (Чруин), for 9 more of 50k clean names >= medium (0.514 -> 0.532 %; benchmarks/quality).
MIN_SIM = 0.8
ONE_EDIT_MIN_SIM = 0.76
MAX_EXPANSIONS = 8


def _min_sub(min_sim: float) -> float:
    """edit_sim >= min_sim needs (Jaro-Winkler + max(Indel, OSA)) / 2 >= (min_sim + 2.5 * SHARP_FROM) / 3.5,
    so Indel or OSA >= twice that - 1 (Jaro-Winkler <= 1): two batched C calls discard ~60 % of the
    neighbours before edit_sim runs per survivor (same answers)."""
    return 2 * (min_sim + 2.5 * SHARP_FROM) / 3.5 - 1 - 1e-9


MIN_SKELETON = 4
_BITS = 21  # code points fit in 21 bits: 3 of them in one uint64
_SHIFT = np.uint64(_BITS)


def _form_group(token: str) -> tuple[str, int] | None:
    gid = name_forms.given_group(token)
    if gid:
        return "given", gid
    p = name_forms.patronymic(token)
    gid = name_forms.patronymic_group(p) if p is not None else 0
    return ("patronymic" if p is None else f"patronymic_{p.gender}", gid) if gid else None


def _trigram_codes(padded: np.ndarray) -> np.ndarray:
    return (padded[:-2] << (_SHIFT + _SHIFT)) | (padded[1:-1] << _SHIFT) | padded[2:]


def _query_codes(token: str) -> set[int]:
    """The distinct trigram codes of ``$token$``, as ``_trigram_codes`` computes them."""
    cps = [ord(c) for c in f"${token}$"]
    return {(a << 2 * _BITS) | (b << _BITS) | c for a, b, c in zip(cps, cps[1:], cps[2:])}


def _finish(token: str, exact: tuple[tuple[str, float], ...], found: list[tuple[str, float]], have: set[str],
            skeleton_mates: Sequence[str], form_mates: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """Edit neighbours ``found`` plus the words of the same skeleton and of the same name form
    (``token``'s groups), best first."""
    if skeleton_mates or form_mates:
        have.update(t for t, _ in found)
        for mates, sim in ((skeleton_mates, SKELETON_SIM), (form_mates, NAME_FORM_SIM)):
            for other in mates:
                if other != token and other not in have:
                    found.append((other, sim))
                    have.add(other)
    found.sort(key=_best_first)
    return exact + tuple(found[:MAX_EXPANSIONS])


def _best_first(expansion: tuple[str, float]) -> float:
    return -expansion[1]


def _offsets(sizes: np.ndarray) -> np.ndarray:
    """0, 1, …, n-1 for each n in ``sizes``, concatenated."""
    ends = np.cumsum(sizes)
    return np.arange(int(ends[-1]) if sizes.size else 0, dtype=np.int64) - np.repeat(ends - sizes, sizes)


class Vocabulary:
    def __init__(self, tokens: Sequence[str], cache_size: int = 32_768) -> None:
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        self._lengths = np.fromiter((len(t) for t in self.tokens), dtype=np.int32, count=len(self.tokens))
        # Same consonants, other vowels (Muhammad / Mohammed): too far for trigrams.
        self.skeletons: dict[str, list[str]] = {}
        for t in self.tokens:
            sk = skeleton(t)
            if len(sk) >= MIN_SKELETON:
                self.skeletons.setdefault(sk, []).append(t)
        codes, owners = self._all_trigrams()
        order = np.argsort(codes, kind="stable")
        codes, owners = codes[order], owners[order]
        # Unique trigram codes and the slice of owners each one maps to.
        starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])) if codes.size else codes
        self._codes = codes[starts] if codes.size else codes
        self._starts = np.append(starts, codes.size).astype(np.int64)
        self._owners = owners.astype(np.int32)
        # Trigram code -> its owners, looked up per query token (a dict: ~50 µs less per unseen
        # token than encoding it to a numpy array and binary-searching the codes).
        bounds = self._starts.tolist()
        self._slices: dict[int, np.ndarray] = {
            code: self._owners[bounds[k] : bounds[k + 1]] for k, code in enumerate(self._codes.tolist())}
        self._delete_hashes, self._delete_owners = self._all_deletes()
        self._name_forms = self._name_form_groups()
        # Listed words come back in most queries: their expansions are computed for the whole
        # vocabulary at once (~0.3 s for 34k words, vs ~0.1 ms per word on first use).
        self._listed = self._listed_expansions()
        # Words the lists do not carry, expanded on first use; per index: a new snapshot, a fresh cache.
        self._unlisted: Callable[[str], tuple[tuple[str, float], ...]] = lru_cache(maxsize=cache_size)(self._search)

    def __len__(self) -> int:
        return len(self.tokens)

    def cache_clear(self) -> None:
        """Forget the unlisted words expanded so far (a benchmark's fresh worker)."""
        self._unlisted.cache_clear()  # type: ignore[attr-defined]

    def _all_trigrams(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.tokens:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        padded = [f"${t}$" for t in self.tokens]
        lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
        cps = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
        codes = _trigram_codes(cps)
        valid = owner[:-2] == owner[2:]  # all three characters from one token
        return codes[valid], owner[:-2][valid]

    def _name_form_groups(self) -> dict[tuple[str, int], tuple[str, ...]]:
        """Vocabulary tokens by UA/RU name-form group: given names (Олексій, Алексей, Aleksei)
        and patronymics (Олексійович, Алексеевич) — spellings no edit distance bridges."""
        groups: dict[tuple[str, int], list[str]] = {}
        for t in self.tokens:
            key = _form_group(t)
            if key is not None:
                groups.setdefault(key, []).append(t)
        return {k: tuple(v) for k, v in groups.items()}

    def _all_deletes(self) -> tuple[np.ndarray, np.ndarray]:
        """Hashes of every token and of its one-letter deletions (``deletes``), sorted, with
        their owners."""
        ids = [tid for tid, t in enumerate(self.tokens) if len(t) >= MIN_TOKEN - 1]
        hashes, owners = all_variant_hashes([self.tokens[tid] for tid in ids])
        order = np.argsort(hashes, kind="stable")
        return hashes[order], np.asarray(ids, dtype=np.int32)[owners[order]]

    def _delete_neighbours(self, token: str) -> set[int]:
        probes = np.asarray(variant_hashes(token), dtype=np.uint64)
        lo = np.searchsorted(self._delete_hashes, probes, side="left")
        hi = np.searchsorted(self._delete_hashes, probes, side="right")
        out: set[int] = set()
        for a, b in zip(lo.tolist(), hi.tolist()):
            if b > a:
                out.update(self._delete_owners[a:b].tolist())
        return out

    def expand(self, token: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary tokens close to ``token`` (itself first when present), best first."""
        if token in self.ids:
            return self._listed.get(token, ((token, 1.0),))  # the table leaves out words with no neighbours
        return self._unlisted(token)

    def _search(self, token: str) -> tuple[tuple[str, float], ...]:
        """``expand`` computed for one token (the table ``_listed`` holds it for listed words)."""
        exact = ((token, 1.0),) if token in self.ids else ()
        if len(token) < MIN_TOKEN or self._codes.size == 0:
            return exact
        found = self._trigram_neighbours(token) if len(token) >= TRIGRAM_FROM and token not in self.ids else []
        have = {t for t, _ in found}
        new = [other for vid in sorted(self._delete_neighbours(token))
               if (other := self.tokens[vid]) != token and other not in have]
        found += self._close(token, new, ONE_EDIT_MIN_SIM)
        group = _form_group(token)
        return _finish(token, exact, found, have, self.skeletons.get(skeleton(token), ()),
                       self._name_forms.get(group, ()) if group is not None else ())

    def _listed_expansions(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """``_search`` of the listed words of MIN_TOKEN letters or more that have neighbours, batched: the ordered
        pairs of words sharing a one-letter-deletion variant come from the sorted delete hashes
        in numpy, and their edit similarities from ``edit_sims`` — the same answers."""
        h, owners = self._delete_hashes, self._delete_owners
        if not h.size:
            return {}
        starts = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1])))
        sizes = np.diff(np.append(starts, h.size))
        multi = sizes > 1
        group_start, group_size = starts[multi], sizes[multi]
        # Every element of a shared variant's group, paired with every element of that group.
        elem = np.repeat(group_start, group_size) + _offsets(group_size)
        elem_size = np.repeat(group_size, group_size)
        partner = np.repeat(np.repeat(group_start, group_size), elem_size) + _offsets(elem_size)
        a = owners[np.repeat(elem, elem_size)].astype(np.int64)
        b = owners[partner].astype(np.int64)
        keep = a < b  # each pair once: edit similarity is symmetric
        pairs = np.unique((a[keep] << 32) | b[keep])
        a, b = (pairs >> 32).tolist(), (pairs & 0xFFFFFFFF).tolist()
        tokens = self.tokens
        sims = edit_sims([tokens[i] for i in a], [tokens[j] for j in b]).tolist()
        close: dict[int, list[tuple[str, float]]] = {}
        expands = (self._lengths >= MIN_TOKEN).tolist()
        # Pairs come sorted by first word, then second: each word's list fills in neighbour id
        # order, as _search's sorted scan does (the ties keep that order).
        for i, j, sim in zip(a, b, sims):
            if sim >= ONE_EDIT_MIN_SIM:
                if expands[i]:
                    close.setdefault(i, []).append((tokens[j], sim))
                if expands[j]:
                    close.setdefault(j, []).append((tokens[i], sim))
        # Words with neighbours of any kind; every other word expands to itself alone.
        related = set(close)
        skeleton_mates: dict[int, Sequence[str]] = {}
        form_mates: dict[int, Sequence[str]] = {}
        for groups, mates in ((self.skeletons.values(), skeleton_mates), (self._name_forms.values(), form_mates)):
            for group in groups:
                if len(group) > 1:
                    for t in group:
                        mates[self.ids[t]] = group
        related.update(skeleton_mates, form_mates)
        return {t: _finish(t, ((t, 1.0),), close.get(tid, []), set(), skeleton_mates.get(tid, ()),
                           form_mates.get(tid, ()))
                for tid in sorted(related) if len(t := tokens[tid]) >= MIN_TOKEN}

    def _trigram_neighbours(self, token: str) -> list[tuple[str, float]]:
        q = _query_codes(token)
        slices = [owners for code in q if (owners := self._slices.get(code)) is not None]
        n = len(q)
        need = max(2, n - 3 - (2 if n >= 9 else 0))  # ~1 edit, ~2 in long tokens
        if len(slices) < need:
            return []
        # Owners sharing >= need trigrams: in the sorted owner list, a run of ``need`` equal
        # values. Sorting the ~1k owners touched is ~40 % cheaper than counting over the
        # whole vocabulary (np.bincount with minlength) for every unseen token.
        owners = np.sort(np.concatenate(slices))
        head = owners.size - need + 1
        if head <= 0:
            return []
        cand = owners[:head][owners[need - 1 :] == owners[:head]]
        if not cand.size:
            return []
        cand = cand[np.concatenate(([True], cand[1:] != cand[:-1]))]  # sorted: each owner once
        cand = cand[np.abs(self._lengths[cand] - len(token)) <= 2]
        return self._close(token, [o for vid in cand.tolist() if (o := self.tokens[vid]) != token])

    @staticmethod
    def _close(token: str, others: list[str], min_sim: float = MIN_SIM) -> list[tuple[str, float]]:
        """``others`` whose edit similarity to ``token`` reaches ``min_sim``, in their order."""
        if not others:
            return []
        passed = {i for scorer in sub_similarity for _, _, i in
                  process.extract(token, others, scorer=scorer, score_cutoff=_min_sub(min_sim), limit=None)}
        found: list[tuple[str, float]] = []
        for i in sorted(passed):
            sim = edit_sim(token, others[i])
            if sim >= min_sim:
                found.append((others[i], sim))
        return found

    @property
    def nbytes(self) -> int:
        return int(self._codes.nbytes + self._starts.nbytes + self._owners.nbytes
                   + self._delete_hashes.nbytes + self._delete_owners.nbytes + self._lengths.nbytes)
