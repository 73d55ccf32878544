"""Dense name vectors (hashed character n-grams) and an IVF index over them.

A name key becomes a float32 vector of signed, hashed character 2- and 3-grams
(word boundaries included), L2-normalized: names that differ by spacing
("Abu Bakr" / "Abubakr") or by several typos still share most n-grams. The
hash is arithmetic on code points, so the same key gives the same vector in
every process (workers, the Elasticsearch loader, tests).

Brute force over ~50–70k rows costs ~0.6–1 ms per query on the target machine
(single-threaded BLAS gemv), so search goes through a small IVF index: spherical
k-means clusters, the query probes its nearest few, exact cosine inside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

DIM = 64
_SALT_2 = np.uint64(0x9E3779B97F4A7C15)
_SALT_3 = np.uint64(0xC2B2AE3D27D4EB4F)
_MUL = np.uint64(0x100000001B3)


def _codes(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of all padded keys concatenated, the row of each, row lengths."""
    padded = [f" {k} " for k in keys]
    lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
    flat = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    rows = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    return flat, rows, lengths


def embed(keys: Sequence[str], dim: int = DIM) -> np.ndarray:
    """One L2-normalized float32 row per key (zero row for an empty key)."""
    n = len(keys)
    if n == 0:
        return np.zeros((0, dim), dtype=np.float32)
    c, rows, _ = _codes(keys)
    with np.errstate(over="ignore"):  # wrap-around multiplication is the hash
        h2 = ((c[:-1] * _MUL) ^ c[1:]) * _SALT_2
        h3 = ((((c[:-2] * _MUL) ^ c[1:-1]) * _MUL) ^ c[2:]) * _SALT_3
    same2 = rows[:-1] == rows[1:]
    same3 = same2[:-1] & same2[1:]
    hashes = np.concatenate([h2[same2], h3[same3]])
    owner = np.concatenate([rows[:-1][same2], rows[:-2][same3]])
    bucket = (hashes >> np.uint64(33)) % np.uint64(dim)
    sign = np.where((hashes >> np.uint64(7)) & np.uint64(1), 1.0, -1.0)
    flat = np.bincount(owner * dim + bucket.astype(np.int64), weights=sign, minlength=n * dim)
    mat = flat.reshape(n, dim).astype(np.float32)
    mat[[i for i, k in enumerate(keys) if not k]] = 0.0  # no name, no vector
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    mat /= norms
    return np.ascontiguousarray(mat)


_M64 = (1 << 64) - 1
_I_SALT_2, _I_SALT_3, _I_MUL = int(_SALT_2), int(_SALT_3), int(_MUL)


# n-gram -> (bucket, sign) for DIM, filled as queries meet them: names reuse a few thousand
# bigrams and some tens of thousands of trigrams; a dict hit costs a fraction of the hash arithmetic
# on 64-bit ints. Bounded: past the bound new n-grams are computed, not stored.
_GRAMS: dict[str, tuple[int, float]] = {}
_MAX_GRAMS = 200_000


def _gram(gram: str) -> tuple[int, float]:
    """Bucket and sign of one 2- or 3-gram, as ``embed`` hashes it (DIM dimensions)."""
    c = [ord(ch) for ch in gram]
    if len(c) == 2:
        h = ((((c[0] * _I_MUL) & _M64) ^ c[1]) * _I_SALT_2) & _M64
    else:
        h = ((((((c[0] * _I_MUL) & _M64) ^ c[1]) * _I_MUL) & _M64) ^ c[2])
        h = (h * _I_SALT_3) & _M64
    got = ((h >> 33) % DIM, 1.0 if (h >> 7) & 1 else -1.0)
    if len(_GRAMS) < _MAX_GRAMS:
        _GRAMS[gram] = got
    return got


@lru_cache(maxsize=16_384)
def embed_one(key: str) -> np.ndarray:
    """``embed([key])[0]`` for one query: ~30 n-grams looked up in a table (``_gram``) are
    cheaper than numpy's per-call overhead; same hash, same vector (read-only)."""
    acc = [0.0] * DIM
    padded = f" {key} " if key else ""
    grams = _GRAMS
    for n in (2, 3):
        for i in range(len(padded) - n + 1):
            gram = padded[i : i + n]
            bucket, sign = grams.get(gram) or _gram(gram)
            acc[bucket] += sign
    vec = np.asarray(acc, dtype=np.float32)
    norm = float(np.sqrt(vec @ vec))
    if norm > 0:
        vec /= norm
    vec.flags.writeable = False  # shared through the cache
    return vec


class VectorIndex:
    """Inverted-file (IVF) index: rows grouped by spherical k-means cluster.

    A query scores the centroids, then only the rows of its ``probes`` nearest
    clusters (contiguous slices of a cluster-sorted copy of the matrix, so no
    gather). Exact cosine re-ranking within those rows.
    """

    def __init__(self, matrix: np.ndarray, clusters: int = 128, probes: int = 4, seed: int = 7) -> None:
        n = matrix.shape[0]
        self.probes = probes
        self.dim = matrix.shape[1]
        k = max(1, min(clusters, n // 8))
        self.centroids = _kmeans(matrix, k, seed)
        labels = _assign(matrix, self.centroids)
        order = np.argsort(labels, kind="stable")
        self.rows = order.astype(np.int32)  # sorted position -> original row id
        self.sorted = np.ascontiguousarray(matrix[order])
        self.bounds = np.searchsorted(labels[order], np.arange(k + 1)).astype(np.int64)
        self._bounds = self.bounds.tolist()  # plain ints: slicing with numpy scalars costs more
        self.size = n

    def search(self, query: np.ndarray, k: int, min_sim: float = 0.0) -> list[tuple[int, float]]:
        """Top ``k`` (row id, cosine) within the nearest clusters, best first."""
        if self.size == 0:
            return []
        near = np.argpartition(self.centroids @ query, -self.probes)[-self.probes :] \
            if self.centroids.shape[0] > self.probes else np.arange(self.centroids.shape[0])
        bounds = self._bounds
        found_rows: list[np.ndarray] = []
        found_sims: list[np.ndarray] = []
        for c in near.tolist():
            lo, hi = bounds[c], bounds[c + 1]
            if hi > lo:
                sims = self.sorted[lo:hi] @ query
                if sims.max() >= min_sim:  # with a threshold, most probes keep nothing
                    keep = (sims >= min_sim).nonzero()[0]
                    found_rows.append(keep + lo)
                    found_sims.append(sims[keep])
        if not found_rows:
            return []
        pos = np.concatenate(found_rows) if len(found_rows) > 1 else found_rows[0]
        sims = np.concatenate(found_sims) if len(found_sims) > 1 else found_sims[0]
        top = np.argsort(-sims, kind="stable")[:k]
        return [(int(self.rows[p]), s) for p, s in zip(pos[top].tolist(), sims[top].tolist())]

    def brute_force(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Exact top ``k`` over all rows (to measure the IVF's recall)."""
        sims = self.sorted @ query
        top = np.argpartition(sims, -k)[-k:] if sims.size > k else np.arange(sims.size)
        top = top[np.argsort(-sims[top])]
        return [(int(self.rows[p]), float(sims[p])) for p in top]

    @property
    def matrix(self) -> np.ndarray:
        return self.sorted

    @property
    def nbytes(self) -> int:
        return int(self.sorted.nbytes + self.rows.nbytes + self.centroids.nbytes + self.bounds.nbytes)


def _assign(matrix: np.ndarray, centroids: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Nearest centroid (max cosine) per row, in chunks to bound the temporary."""
    out = np.empty(matrix.shape[0], dtype=np.int64)
    for lo in range(0, matrix.shape[0], chunk):
        out[lo : lo + chunk] = np.argmax(matrix[lo : lo + chunk] @ centroids.T, axis=1)
    return out


def _kmeans(matrix: np.ndarray, k: int, seed: int, sample: int = 12_288, rounds: int = 4) -> np.ndarray:
    """Spherical k-means on a sample: a few rounds are plenty for routing."""
    rng = np.random.default_rng(seed)
    n = matrix.shape[0]
    if n == 0:
        return np.zeros((0, matrix.shape[1]), dtype=np.float32)
    train = matrix[rng.choice(n, size=min(sample, n), replace=False)]
    centroids = train[rng.choice(train.shape[0], size=k, replace=False)].copy()
    for _ in range(rounds):
        labels = np.argmax(train @ centroids.T, axis=1)
        order = np.argsort(labels, kind="stable")
        present, starts = np.unique(labels[order], return_index=True)
        sums = np.zeros_like(centroids)
        sums[present] = np.add.reduceat(train[order], starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        filled = norms[:, 0] > 0
        centroids[filled] = sums[filled] / norms[filled]  # empty clusters keep their seed
    return np.ascontiguousarray(centroids, dtype=np.float32)
