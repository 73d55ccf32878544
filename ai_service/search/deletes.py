"""Hashes of a word and of its one-letter deletions: the symmetric-delete neighbourhood.

Two words are one edit apart only if a deletion of one equals the other or a deletion of
it (``bukrov`` / ``burkov`` share ``bukov``). The vocabulary indexes the hashes of every
listed word's variants (itself and each deletion); a query word probes with its own. A
polynomial hash over code points makes a deletion's hash a sum of per-letter terms, so
numpy computes the whole vocabulary's variants at once (~20 ms for 34k words, where
slicing and ``hash()`` per variant took ~0.3 s), and plain ints give a query word the
same values. A collision only adds a pair that the edit similarity then rejects.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_M = (1 << 64) - 1
_B = 0x100000001B3  # odd: invertible modulo 2**64
_B_INV = pow(_B, -1, 1 << 64)
_LEN = 0x9E3779B97F4A7C15  # mixed in with the length: words of other lengths spread apart
_MIX = 0xBF58476D1CE4E5B9
_POW = [pow(_B, e, 1 << 64) for e in range(256)]


def _power(e: int) -> int:
    return _POW[e] if e < len(_POW) else pow(_B, e, 1 << 64)


def _mix(value: int, length: int) -> int:
    return (((value ^ (length * _LEN)) & _M) * _MIX) & _M


def variant_hashes(word: str) -> list[int]:
    """The hash of ``word`` and of each one-letter deletion of it (duplicates kept)."""
    n = len(word)
    powers = _POW[n - 1 :: -1] if n <= len(_POW) else [_power(e) for e in range(n - 1, -1, -1)]
    terms = [ord(ch) * p & _M for ch, p in zip(word, powers)]
    full = sum(terms) & _M
    out = [_mix(full, n)]
    shorter = (n - 1) * _LEN  # every deletion is one letter shorter
    before = 0  # terms of the letters before the deleted one
    for term in terms:
        # Deleting a letter lowers the power of every letter before it by one.
        out.append((((_B_INV * before + full - before - term) & _M ^ shorter) & _M) * _MIX & _M)
        before += term
    return out


def all_variant_hashes(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``variant_hashes`` of every word at once: (hashes, index of the word each belongs to),
    word by word, in ``variant_hashes`` order (uint64 and int32)."""
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    if not lengths.sum():
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the hash
        cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
        start = np.repeat(np.cumsum(lengths) - lengths, lengths)
        k = np.arange(cps.size, dtype=np.int64) - start  # letter position within its word
        n = lengths[owner]
        powers = np.asarray([_power(e) for e in range(int(lengths.max()))], dtype=np.uint64)
        terms = cps * powers[n - 1 - k]
        running = np.cumsum(terms)  # wraps modulo 2**64, as the per-word sums do
        upto = running - terms  # all terms before this letter, from the first word on
        first = upto[start]
        before = upto - first  # this word's terms before the letter
        ends = np.cumsum(lengths) - 1
        full_of_word = running[ends] - upto[ends - (lengths - 1)]
        full = full_of_word[owner]
        deleted = _mix_array(np.uint64(_B_INV) * before + full - before - terms, n - 1)
        whole = _mix_array(full_of_word, lengths)
    # Per word: its own hash, then one per letter (the layout variant_hashes returns).
    out = np.empty(cps.size + len(words), dtype=np.uint64)
    word_start = np.cumsum(lengths + 1) - (lengths + 1)
    out[word_start] = whole
    out[np.delete(np.arange(out.size), word_start)] = deleted
    owners = np.repeat(np.arange(len(words), dtype=np.int32), lengths + 1)
    return out, owners


def _mix_array(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (values ^ (lengths.astype(np.uint64) * np.uint64(_LEN))) * np.uint64(_MIX)
