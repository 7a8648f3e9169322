"""Batched MinHash over character shingles, and the LSH band keys (numpy, no Django).

A one-object-per-post MinHash (datasketch's ``MinHash.update`` per shingle) cost
about 200 µs a post here; hashing a whole batch at once is what makes the
pipeline's 3,000 posts/s possible. Every shingle of every post of the batch is
one row of a matrix; each permutation is a multiply-shift hash of the shingle's
64-bit value (``(a·x + b) >> 32``, a universal family), and the minimum per post
is one ``np.minimum.reduceat`` over the rows of that post.

Shingles are ``k`` consecutive characters of the normalised (compact) text,
hashed from their code points. A text shorter than ``k`` is one shingle; an
empty text has no signature (all ``EMPTY``) and never matches anything.
"""

from __future__ import annotations

import numpy as np

EMPTY = np.uint32(0xFFFFFFFF)
_SEED = 20261127
_MIX = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0x27D4EB2F165667C5),
    np.uint64(0x85EBCA77C2B2AE63),
)


class MinHasher:
    def __init__(self, num_perm: int = 64, shingle: int = 3, bands: int = 16) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.num_perm = num_perm
        self.shingle = shingle
        self.bands = bands
        self.rows = num_perm // bands
        rng = np.random.default_rng(_SEED)
        self._a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self._band_mix = rng.integers(1, 2**63, size=self.rows, dtype=np.uint64) | np.uint64(1)

    def shingles(self, text: str) -> np.ndarray:
        """The 64-bit shingle values of one text (unique not needed: min ignores repeats)."""
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        k = self.shingle
        if codes.size == 0:
            return codes
        if codes.size < k:
            k = int(codes.size)
        n = codes.size - k + 1
        value = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k):
                value ^= codes[j : j + n] * _MIX[j % len(_MIX)]
                value = (value << np.uint64(7)) | (value >> np.uint64(57))
        return value

    def _batch_shingles(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The shingle values of all texts end to end, and the count per text.

        One pass over the batch's code points joined together: a shingle that
        would straddle two texts is computed and dropped, which costs less than
        the numpy calls of a pass per text (a third of the MinHash time went to
        those). Each kept value equals ``shingles(text)``'s.
        """
        k = self.shingle
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        counts = np.maximum(lengths - (k - 1), 0)
        short = np.flatnonzero((lengths > 0) & (lengths < k))
        counts[short] = 1
        offsets = np.cumsum(counts) - counts
        values = np.empty(int(counts.sum()), dtype=np.uint64)
        long_ = np.flatnonzero(lengths >= k)
        if long_.size:
            codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
            codes = codes.astype(np.uint64)
            n = codes.size - k + 1
            value = np.zeros(n, dtype=np.uint64)
            with np.errstate(over="ignore"):
                for j in range(k):
                    value ^= codes[j : j + n] * _MIX[j % len(_MIX)]
                    value = (value << np.uint64(7)) | (value >> np.uint64(57))
            starts = np.cumsum(lengths) - lengths
            per = counts[long_]
            within = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
            values[np.repeat(offsets[long_], per) + within] = value[
                np.repeat(starts[long_], per) + within
            ]
        for i in short.tolist():
            values[offsets[i]] = self.shingles(texts[i])[0]
        return values, counts

    def signatures(self, texts: list[str]) -> np.ndarray:
        """``(len(texts), num_perm)`` uint32 signatures; rows of empty texts are all ``EMPTY``."""
        out = np.full((len(texts), self.num_perm), EMPTY, dtype=np.uint32)
        if not texts:
            return out
        values, counts = self._batch_shingles(texts)
        if not values.size:
            return out
        bounds = np.concatenate(([0], np.cumsum(counts)))
        nonempty = counts > 0
        # Chunks of about 4,096 shingle rows stay in cache and are hashed in place:
        # one (rows × num_perm) product for the whole batch was 15 times slower.
        first = 0
        while first < len(texts):
            stop = int(np.searchsorted(bounds, bounds[first] + 4096, side="right")) - 1
            stop = min(len(texts), max(stop, first + 1))
            chosen = np.flatnonzero(nonempty[first:stop]) + first
            if chosen.size:
                rows = values[bounds[first] : bounds[stop]]
                with np.errstate(over="ignore"):
                    hashed = rows[:, None] * self._a[None, :]
                    hashed += self._b
                    hashed >>= np.uint64(32)
                out[chosen] = np.minimum.reduceat(hashed, bounds[chosen] - bounds[first], axis=0)
            first = stop
        return out

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """``(n, bands)`` int64 keys: one per band, equal when the band's rows are all equal."""
        n = signatures.shape[0]
        blocks = signatures.reshape(n, self.bands, self.rows).astype(np.uint64)
        with np.errstate(over="ignore"):
            keys = (blocks * self._band_mix[None, None, :]).sum(axis=2, dtype=np.uint64)
            keys ^= keys >> np.uint64(29)
        return keys.view(np.int64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is empty)."""
    if a[0] == EMPTY and (a == EMPTY).all() or b[0] == EMPTY and (b == EMPTY).all():
        return 0.0
    return float(np.count_nonzero(a == b)) / a.size
