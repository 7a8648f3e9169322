"""The Merkle tree of the transparency log, as RFC 9162 (Certificate Transparency 2.0) §2.1 defines it.

Plain Python with no Django import: the log's checks, the benchmark and the
property tests run the same code. (The standalone verifier that outsiders
download, `static/publishing/govmedia_verify.py`, is a separate, smaller copy
of the verification half, so that it needs nothing but `cryptography`.)

- leaf hash: SHA-256(0x00 || leaf data), where the leaf data of a record is the
  32 raw bytes of its sealed record hash;
- node hash: SHA-256(0x01 || left || right);
- the tree over n leaves splits at k, the largest power of two below n, so the
  left subtree is always complete and the tree of any earlier size is a prefix
  of the tree of a later one. That is what makes consistency proofs possible.

`MerkleTree` keeps every complete subtree it has built (level by level), so
the hash of any complete subtree is a list lookup and a proof or a root costs
O(log n) hashes, not a rehash of every leaf: a log of 100,000 records answers a
proof in microseconds once its levels are in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof does not verify, or asks about sizes the tree does not have."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only Merkle tree that keeps its complete subtrees.

    `levels[h][i]` is the hash of leaves [i * 2**h, (i + 1) * 2**h); only
    complete subtrees are stored, so appending a leaf costs O(log n) and the
    tree of every earlier size can still be computed from the same levels.
    """

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for data in leaves:
            self.append(data)

    @classmethod
    def from_leaf_hashes(cls, hashes: Iterable[bytes]) -> MerkleTree:
        tree = cls()
        for digest in hashes:
            tree.append_leaf_hash(digest)
        return tree

    def __len__(self) -> int:
        return len(self.levels[0])

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, data: bytes) -> None:
        self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, digest: bytes) -> None:
        levels = self.levels
        levels[0].append(digest)
        height = 0
        # Every time a level gains an even count, a new complete parent exists.
        while len(levels[height]) % 2 == 0:
            row = levels[height]
            parent = node_hash(row[-2], row[-1])
            if height + 1 == len(levels):
                levels.append([])
            levels[height + 1].append(parent)
            height += 1

    def leaf(self, index: int) -> bytes:
        return self.levels[0][index]

    def subtree_root(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); `start` must be aligned as RFC 9162's recursion aligns it."""
        n = end - start
        if n <= 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0:  # complete subtree: stored
            height = n.bit_length() - 1
            return self.levels[height][start >> height]
        k = _split(n)
        return node_hash(self.subtree_root(start, start + k), self.subtree_root(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        self._check_size(size)
        return self.subtree_root(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf to root."""
        size = self.size if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise ProofError(f"leaf {index} is not in a tree of size {size}")
        proof: list[bytes] = []
        start, end = 0, size
        # Walk from the root down, collecting siblings; reversed at the end.
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                proof.append(self.subtree_root(start + k, end))
                end = start + k
            else:
                proof.append(self.subtree_root(start, start + k))
                start += k
        proof.reverse()
        return proof

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1."""
        second = self.size if second is None else second
        self._check_size(second)
        if not 0 < first <= second:
            raise ProofError(f"no consistency proof from size {first} to size {second}")
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [self.subtree_root(start, end)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, start, start + k, complete) + [
                self.subtree_root(start + k, end)
            ]
        return self._subproof(m - k, start + k, end, False) + [self.subtree_root(start, start + k)]

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ProofError(f"the tree has {self.size} leaves, not {size}")


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise ProofError unless `leaf` (a leaf hash) is at `index` of the tree with `root`."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    if r != root:
        raise ProofError("inclusion proof does not lead to the root hash")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless the tree of `second_root` extends that of `first_root`."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency between sizes {first} and {second}")
    if first == second:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if first_root != second_root:
            raise ProofError("two different roots for the same tree size")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    # When the first tree is a complete left subtree, its root is the proof's implicit start.
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != first_root:
        raise ProofError("consistency proof does not lead to the first root")
    if sr != second_root:
        raise ProofError("consistency proof does not lead to the second root")
