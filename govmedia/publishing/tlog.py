"""The transparency log's formats and checks: checkpoints, the chain walk, the seal pass.

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

- the **chain walk** (`ChainWalker`), sequential by nature but light: sequence
  numbers, previous-record links and the Merkle tree, from three short
  columns of each row;
- the **seal pass** (`check_records`): each record's payload digest, header
  digest and Ed25519 signature (`seal.record_problem`, the same per-record
  check as the public verify page) and, given the keyring's validity periods,
  that its key was in service when it was sealed (`seal.key_period_problem`),
  independent of order, so it is spread
  over a process pool in batches when there is more than one core; stored
  checkpoints' signatures go through the same pool (`bad_signatures`).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
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
RECORD_BATCH = 1000


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
    """Feed (seq, prev_hash, record_hash) in sequence order: the links and the Merkle tree.

    Only what links records together is checked here; that each record's hash
    matches its content and is validly signed is `seal.record_problem`, run
    in parallel by `check_records`. The tree is built over every record read,
    even after a break, so that checkpoints can still tell which earlier
    records were rewritten.
    """

    def __init__(self) -> None:
        self.tree = merkle.MerkleTree()
        self.failure: Problem | None = None
        self._expected_seq = 1
        self._prev = seal.GENESIS_HASH

    def feed(self, seq: int, prev_hash: str, record_hash: str) -> None:
        self.tree.append_leaf_hash(record_leaf_hash(record_hash))
        if self.failure is not None:
            return
        if seq != self._expected_seq:
            if seq > self._expected_seq:
                self.failure = Problem(
                    self._expected_seq,
                    f"record #{self._expected_seq} is missing (the next one is #{seq})",
                )
            else:
                self.failure = Problem(seq, f"sequence out of order: #{seq} after #{seq - 1}")
            return
        if prev_hash != self._prev:
            self.failure = Problem(
                seq,
                "previous-record hash does not match: a record before it was changed, "
                "removed or moved",
            )
            return
        self._prev = record_hash
        self._expected_seq = seq + 1


# --- each record's seal, in parallel --------------------------------------------


def _record_problem(
    record: Mapping[str, Any],
    public_keys: Mapping[str, Ed25519PublicKey],
    periods: seal.KeyPeriods | None,
) -> str | None:
    reason = seal.record_problem(record, public_keys)
    if reason is None and periods is not None:
        reason = seal.key_period_problem(record, periods)
    return reason


def _check_record_batch(records: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    bad = []
    for record in records:
        reason = _record_problem(record, _worker_keys, _worker_periods)
        if reason is not None:
            bad.append((int(record["seq"]), reason))
    return bad


def check_records(
    records: Iterable[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    pool: ProcessPoolExecutor | None = None,
    *,
    workers: int = 1,
    periods: seal.KeyPeriods | None = None,
) -> list[Problem]:
    """`seal.record_problem` (content digests and signature) for every record, in seq order.

    With `periods` (key id -> validity period, see `seal.key_period_problem`)
    each record must also have been sealed while its key was in service; a
    pool checks against the periods it was opened with (`open_pool`), which
    must be the same.

    With a `pool` (see `open_pool`), batches go to it as they are read, so
    reading the database and checking overlap; at most two batches per worker
    are in flight, so memory stays bounded whatever the archive's size.
    """
    bad: list[tuple[int, str]] = []
    if pool is None:
        for record in records:
            reason = _record_problem(record, public_keys, periods)
            if reason is not None:
                bad.append((int(record["seq"]), reason))
    else:
        pending: deque[Future[list[tuple[int, str]]]] = deque()
        for batch in _batches(records, RECORD_BATCH):
            if len(pending) >= 2 * workers:
                bad.extend(pending.popleft().result())
            pending.append(pool.submit(_check_record_batch, batch))
        for future in pending:
            bad.extend(future.result())
    return [Problem(seq, reason) for seq, reason in sorted(bad)]


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def open_pool(
    workers: int | None,
    public_keys: Mapping[str, Ed25519PublicKey],
    work: int,
    periods: seal.KeyPeriods | None = None,
) -> ProcessPoolExecutor | None:
    """A process pool for `work` checks, or None when one process will do (one core, little work).

    Its workers check records against `public_keys` and, when given, the
    keys' validity `periods` (as `check_records` does without a pool).
    """
    workers = default_workers() if workers is None else workers
    if workers <= 1 or work < PARALLEL_THRESHOLD:
        return None
    # "spawn": the workers start clean (no copy of a Django process and its
    # database connections) and import only this module and `seal`.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(raw_public_keys(public_keys), dict(periods) if periods is not None else None),
    )


# --- signatures of checkpoints (and any signed rows) --------------------------

# (id, key id, signed message, signature): for a record the id is its sequence
# number and the message its 32-byte record hash; checkpoints use other ids.
SignedRow = tuple[int, str, bytes, bytes]

_worker_keys: dict[str, Ed25519PublicKey] = {}
_worker_periods: dict[str, Any] | None = None


def raw_public_keys(public_keys: Mapping[str, Ed25519PublicKey]) -> dict[str, bytes]:
    return {
        kid: key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        for kid, key in public_keys.items()
    }


def _init_worker(raw_keys: dict[str, bytes], periods: dict[str, Any] | None = None) -> None:
    global _worker_keys, _worker_periods
    _worker_keys = {kid: Ed25519PublicKey.from_public_bytes(raw) for kid, raw in raw_keys.items()}
    _worker_periods = periods


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
    pool: ProcessPoolExecutor | None = None,
    *,
    workers: int = 1,
) -> list[tuple[int, str]]:
    """Every row's Ed25519 signature; (id, reason) of those that fail, sorted by id."""
    if pool is None:
        return sorted(_bad_signatures(rows, public_keys))
    # Batches large enough that pickling them costs little next to verifying them.
    size = max(1, min(BATCH, -(-len(rows) // (workers * 4))))
    batches = [rows[i : i + size] for i in range(0, len(rows), size)]
    return sorted(problem for result in pool.map(_check_batch, batches) for problem in result)
