"""The Merkle tree and its proofs against a naive transcription of RFC 9162 §2.1."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmedia.publishing import merkle


def naive_mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as written in RFC 9162 §2.1.1: recursive, rehashing everything."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return naive_path(m, leaves[:k]) + [naive_mth(leaves[k:])]
    return naive_path(m - k, leaves[k:]) + [naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if complete else [naive_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return naive_subproof(m, leaves[:k], complete) + [naive_mth(leaves[k:])]
    return naive_subproof(m - k, leaves[k:], False) + [naive_mth(leaves[:k])]


def leaves_of(count: int) -> list[bytes]:
    return [hashlib.sha256(str(i).encode()).digest() for i in range(count)]


sizes = st.integers(min_value=1, max_value=70)


@settings(max_examples=150, deadline=None)
@given(data=st.lists(st.binary(max_size=8), min_size=0, max_size=70))
def test_it_computes_the_root_of_every_prefix_as_the_rfc_does(data):
    tree = merkle.MerkleTree(data)
    for size in range(len(data) + 1):
        assert tree.root(size) == naive_mth(data[:size])


@settings(max_examples=150, deadline=None)
@given(size=sizes, data=st.data())
def test_it_gives_the_rfc_inclusion_proof_and_the_proof_verifies(size, data):
    leaves = leaves_of(size)
    tree = merkle.MerkleTree(leaves)
    tree_size = data.draw(st.integers(min_value=1, max_value=size))
    index = data.draw(st.integers(min_value=0, max_value=tree_size - 1))
    proof = tree.inclusion_proof(index, tree_size)
    assert proof == naive_path(index, leaves[:tree_size])
    root = naive_mth(leaves[:tree_size])
    merkle.verify_inclusion(index, tree_size, merkle.leaf_hash(leaves[index]), proof, root)


@settings(max_examples=150, deadline=None)
@given(size=sizes, data=st.data())
def test_it_rejects_an_inclusion_proof_for_another_leaf_or_position(size, data):
    leaves = leaves_of(size)
    tree = merkle.MerkleTree(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = tree.inclusion_proof(index)
    root = tree.root()
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(index, size, merkle.leaf_hash(b"forged"), proof, root)
    if size > 1:
        other = data.draw(st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index))
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(other, size, merkle.leaf_hash(leaves[index]), proof, root)
    if proof:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(index, size, merkle.leaf_hash(leaves[index]), proof[:-1], root)


@settings(max_examples=150, deadline=None)
@given(size=sizes, data=st.data())
def test_it_gives_the_rfc_consistency_proof_and_the_proof_verifies(size, data):
    leaves = leaves_of(size)
    tree = merkle.MerkleTree(leaves)
    first = data.draw(st.integers(min_value=1, max_value=size))
    proof = tree.consistency_proof(first, size)
    assert proof == naive_subproof(first, leaves, True)
    merkle.verify_consistency(first, size, naive_mth(leaves[:first]), naive_mth(leaves), proof)


@settings(max_examples=150, deadline=None)
@given(size=st.integers(min_value=2, max_value=70), data=st.data())
def test_it_rejects_consistency_with_rewritten_history(size, data):
    leaves = leaves_of(size)
    first = data.draw(st.integers(min_value=1, max_value=size - 1))
    changed = data.draw(st.integers(min_value=0, max_value=first - 1))
    rewritten = list(leaves)
    rewritten[changed] = b"rewritten"
    tree = merkle.MerkleTree(rewritten)
    # The witness kept the honest root of the first size; the log now serves the rewritten tree.
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(
            first, size, naive_mth(leaves[:first]), tree.root(), tree.consistency_proof(first)
        )


def test_it_answers_proofs_in_a_large_tree_without_rehashing_it():
    tree = merkle.MerkleTree.from_leaf_hashes(leaves_of(100_000))
    proof = tree.inclusion_proof(54_321)
    assert len(proof) == 17
    merkle.verify_inclusion(54_321, 100_000, tree.leaf(54_321), proof, tree.root())
    merkle.verify_consistency(
        77_777, 100_000, tree.root(77_777), tree.root(), tree.consistency_proof(77_777)
    )


def test_it_refuses_sizes_the_tree_does_not_have():
    tree = merkle.MerkleTree(leaves_of(5))
    with pytest.raises(merkle.ProofError):
        tree.root(6)
    with pytest.raises(merkle.ProofError):
        tree.inclusion_proof(5, 5)
    with pytest.raises(merkle.ProofError):
        tree.consistency_proof(0, 5)
