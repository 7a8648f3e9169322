"""The transparency log's formats and checks: checkpoints, the chain walk, the signature pass.

Plain Python with no Django import, like `seal` and `merkle`, so the command
line, the worker, the benchmark and the tests run the same code.

A **checkpoint** (Certificate Transparency's signed tree head) says "the log
held `tree_size` records and their Merkle tree had root `root_hash` at
`timestamp`". It is the canonical JSON (see `seal.canonical_json`) of the
fields in `CHECKPOINT_FIELDS`, signed with Ed25519 by the seal key; the file
that is served and kept by witnesses is those fields plus `signature` (hex).
Whoever keeps an old checkpoint can later demand a consistency proof that the
current tree extends it: a deleted, reordered or rewritten record changes
every root from its position on, and the log's key holder cannot produce a
proof that hides it.

Verifying the log is split in two passes so that each can run at full speed:

- the **chain walk** (`ChainWalker`), sequential by nature: sequence numbers,
  previous-record links, payload and header digests, and the Merkle tree;
- the **signature pass** (`verify_signatures`), one Ed25519 verification per
  record and independent of order, so it is spread over a process pool in
  batches when there is more than one core.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govmedia.publishing import merkle, seal

CHECKPOINT_FORMAT = "govmedia-checkpoint/1"
CHECKPOINT_FIELDS = ("format", "origin", "tree_size", "root_hash", "timestamp", "key_id")
# Below this many records a process pool costs more to start than it saves.
PARALLEL_THRESHOLD = 4000
BATCH = 5000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the log; `seq` is the first record it puts in doubt, if any."""

    seq: int | None
    reason: str


def record_leaf_hash(record_hash_hex: str) -> bytes:
    """The Merkle leaf of a record: its sealed record hash, as 32 raw bytes."""
    return merkle.leaf_hash(bytes.fromhex(record_hash_hex))


# --- checkpoints -------------------------------------------------------------


def checkpoint_body(
    *, origin: str, tree_size: int, root_hash: str, timestamp: str, key_id: str
) -> dict[str, Any]:
    return {
        "format": CHECKPOINT_FORMAT,
        "origin": origin,
        "tree_size": tree_size,
        "root_hash": root_hash,
        "timestamp": timestamp,
        "key_id": key_id,
    }


def checkpoint_message(checkpoint: Mapping[str, Any]) -> bytes:
    """The signed bytes: canonical JSON of exactly the checkpoint fields."""
    return seal.canonical_json({name: checkpoint[name] for name in CHECKPOINT_FIELDS})


def sign_checkpoint(body: Mapping[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    signed = {name: body[name] for name in CHECKPOINT_FIELDS}
    signed["signature"] = private_key.sign(checkpoint_message(body)).hex()
    return signed


def checkpoint_problem(
    checkpoint: Mapping[str, Any], public_keys: Mapping[str, Ed25519PublicKey]
) -> str | None:
    """What is wrong with a checkpoint's form or signature, or None."""
    missing = [name for name in (*CHECKPOINT_FIELDS, "signature") if name not in checkpoint]
    if missing:
        return f"not a checkpoint: missing {', '.join(missing)}"
    if checkpoint["format"] != CHECKPOINT_FORMAT:
        return f"unknown checkpoint format {checkpoint['format']!r}"
    key = public_keys.get(checkpoint["key_id"])
    if key is None:
        return (
            f"checkpoint is signed with a key this archive does not know ({checkpoint['key_id']})"
        )
    try:
        key.verify(bytes.fromhex(checkpoint["signature"]), checkpoint_message(checkpoint))
    except (InvalidSignature, ValueError):
        return "checkpoint signature is not valid"
    return None


def compare_with_tree(checkpoint: Mapping[str, Any], tree: merkle.MerkleTree) -> Problem | None:
    """Whether the tree extends a checkpoint (RFC 9162 consistency, proved against our own tree)."""
    size = int(checkpoint["tree_size"])
    if size > tree.size:
        missing = f"#{size}" if size == tree.size + 1 else f"#{tree.size + 1}–#{size}"
        return Problem(
            tree.size + 1,
            f"record(s) {missing} missing: the checkpoint of {checkpoint['timestamp']} "
            f"covered {size} records, the archive now holds {tree.size}",
        )
    if size == 0:
        return None
    try:
        merkle.verify_consistency(
            size,
            tree.size,
            bytes.fromhex(checkpoint["root_hash"]),
            tree.root(),
            tree.consistency_proof(size),
        )
    except (merkle.ProofError, ValueError):
        return Problem(
            None,
            f"the archive does not extend the checkpoint of {checkpoint['timestamp']} "
            f"(size {size}): records up to #{size} were changed, removed or reordered",
        )
    return None


def locate_rewrite(
    checkpoints: Iterable[Mapping[str, Any]], tree: merkle.MerkleTree, below: int
) -> tuple[int, int]:
    """Narrow down where history was rewritten, from checkpoints that do and do not match.

    Returns (first, last): the first changed record lies in #first..#last.
    With a checkpoint after every record, as the log makes them, first == last.
    """
    good, bad = 0, below
    for checkpoint in checkpoints:
        size = int(checkpoint["tree_size"])
        if not 0 < size <= tree.size:
            continue
        if tree.root(size).hex() == checkpoint["root_hash"]:
            good = max(good, size)
        else:
            bad = min(bad, size)
    if good >= bad:  # contradictory checkpoints (some forged): say what we know
        good = 0
    return good + 1, bad


# --- the chain walk ----------------------------------------------------------


class ChainWalker:
    """Feed records in sequence order; keeps the first broken link and the Merkle tree.

    The tree is built over every record read, even after a break, so that
    checkpoints can still tell which earlier records were rewritten.
    """

    def __init__(self) -> None:
        self.tree = merkle.MerkleTree()
        self.failure: Problem | None = None
        self._expected_seq = 1
        self._prev = seal.GENESIS_HASH

    def feed(self, record: Mapping[str, Any]) -> None:
        self.tree.append_leaf_hash(record_leaf_hash(record["record_hash"]))
        if self.failure is not None:
            return
        seq = int(record["seq"])
        if seq != self._expected_seq:
            if seq > self._expected_seq:
                self.failure = Problem(
                    self._expected_seq,
                    f"record #{self._expected_seq} is missing (the next one is #{seq})",
                )
            else:
                self.failure = Problem(seq, f"sequence out of order: #{seq} after #{seq - 1}")
            return
        if record["prev_hash"] != self._prev:
            self.failure = Problem(
                seq,
                "previous-record hash does not match: a record before it was changed, "
                "removed or moved",
            )
            return
        if (
            "payload" in record
            and seal.payload_digest(record["payload"]) != record["payload_sha256"]
        ):
            self.failure = Problem(
                seq, "payload does not match its sealed digest: the published text was changed"
            )
            return
        if seal.header_digest(record) != record["record_hash"]:
            self.failure = Problem(seq, "record header does not match its sealed hash")
            return
        self._prev = record["record_hash"]
        self._expected_seq = seq + 1


# --- the signature pass ------------------------------------------------------

# (id, key id, signed message, signature): for a record the id is its sequence
# number and the message its 32-byte record hash; checkpoints use other ids.
SignedRow = tuple[int, str, bytes, bytes]

_worker_keys: dict[str, Ed25519PublicKey] = {}


def raw_public_keys(public_keys: Mapping[str, Ed25519PublicKey]) -> dict[str, bytes]:
    return {
        kid: key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        for kid, key in public_keys.items()
    }


def _init_worker(raw_keys: dict[str, bytes]) -> None:
    global _worker_keys
    _worker_keys = {kid: Ed25519PublicKey.from_public_bytes(raw) for kid, raw in raw_keys.items()}


def _check_batch(rows: Sequence[SignedRow]) -> list[tuple[int, str]]:
    return _bad_signatures(rows, _worker_keys)


def _bad_signatures(
    rows: Sequence[SignedRow], keys: Mapping[str, Ed25519PublicKey]
) -> list[tuple[int, str]]:
    bad: list[tuple[int, str]] = []
    for row_id, kid, message, signature in rows:
        key = keys.get(kid)
        if key is None:
            bad.append((row_id, f"unknown seal key {kid}"))
            continue
        try:
            key.verify(signature, message)
        except InvalidSignature:
            bad.append((row_id, "signature is not valid for this record"))
    return bad


def _hex_bytes(value: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except (TypeError, ValueError):
        return b""  # never a valid signature, so it is reported as such


def signed_row(record: Mapping[str, Any]) -> SignedRow:
    return (
        int(record["seq"]),
        record["key_id"],
        _hex_bytes(record["record_hash"]),
        _hex_bytes(record["signature"]),
    )


def checkpoint_row(row_id: int, checkpoint: Mapping[str, Any]) -> SignedRow:
    return (
        row_id,
        checkpoint["key_id"],
        checkpoint_message(checkpoint),
        _hex_bytes(checkpoint["signature"]),
    )


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def bad_signatures(
    rows: Sequence[SignedRow],
    public_keys: Mapping[str, Ed25519PublicKey],
    workers: int | None = None,
) -> list[tuple[int, str]]:
    """Every row's Ed25519 signature; (id, reason) of those that fail, sorted by id."""
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(rows) < PARALLEL_THRESHOLD:
        bad = _bad_signatures(rows, public_keys)
    else:
        # Batches large enough that pickling them costs little next to verifying them.
        size = min(BATCH, -(-len(rows) // (workers * 4)))
        batches = [rows[i : i + size] for i in range(0, len(rows), size)]
        # "spawn": the workers start clean (no copy of a Django process and its
        # database connections) and import only this module.
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=_init_worker,
            initargs=(raw_public_keys(public_keys),),
        ) as pool:
            bad = [problem for result in pool.map(_check_batch, batches) for problem in result]
    return sorted(bad)


def verify_signatures(
    rows: Sequence[SignedRow],
    public_keys: Mapping[str, Ed25519PublicKey],
    workers: int | None = None,
) -> list[Problem]:
    """Every record's signature over its record hash; problems in sequence order."""
    return [Problem(seq, reason) for seq, reason in bad_signatures(rows, public_keys, workers)]
