"""The transparency log around the sealed archive (Django side of `merkle` and `tlog`).

- `log_tree()`: the Merkle tree over every record's hash in sequence order,
  kept per process and extended with new records, so an inclusion or
  consistency proof costs O(log n) hashes instead of a rehash of the archive;
- `make_checkpoint()`: sign the current tree head and store it, after every
  record is committed (a task enqueued on commit) and hourly from the worker;
- `verify_log()`: what `govmedia archive verify` runs: the chain walk, the
  signature pass over all cores, every stored checkpoint, and a checkpoint a
  witness kept, naming the first bad record.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from govmedia.publishing import archive, keyring, merkle, seal, tlog
from govmedia.publishing.models import ArchiveRecord, Checkpoint

logger = logging.getLogger(__name__)

READ_BATCH = 5000
TREE_READ_CHUNK = 50_000


class LogError(RuntimeError):
    """The log refuses to sign: what it holds does not extend what it signed before."""


def origin() -> str:
    """Names this log in every checkpoint, so a witness never mixes two portals' logs."""
    return f"{settings.SITE_URL}/seal/"


# --- the tree, cached per process --------------------------------------------


class _TreeCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tree = merkle.MerkleTree()
        self.last_hash = ""
        self.database = ""


_cache = _TreeCache()


def log_tree() -> merkle.MerkleTree:
    """The Merkle tree of the records as stored now, extended from this process's cache.

    The cache is trusted only while the newest record it holds is still in
    place; verification never uses it (`verify_log` rebuilds from scratch).
    """
    return _synced_tree(None)[0]


def _synced_tree(wanted: int | None) -> tuple[merkle.MerkleTree, str | None]:
    """The tree, and the stored hash of record #wanted, read in the same single query.

    One query reads the newest record the cache holds, every newer one and
    record #wanted: a proof costs one round trip to the database.
    """
    with _cache.lock:
        database = connection.settings_dict["NAME"]
        tree = _cache.tree if _cache.database == database else merkle.MerkleTree()
        start = max(tree.size, 1)
        rows = _rows_from(start, wanted if wanted is not None and wanted < start else None)
        wanted_hash = None
        first = next(rows, None)
        if first is not None and first[0] == wanted and wanted < start:
            wanted_hash = first[1]
            first = next(rows, None)
        if tree.size and first != (tree.size, _cache.last_hash):
            tree, rows = merkle.MerkleTree(), _rows_from(1, None)
        elif tree.size:
            if wanted == tree.size:
                wanted_hash = _cache.last_hash
        elif first is not None:
            rows = itertools.chain([first], rows)
        for seq, record_hash in rows:
            if seq == wanted:
                wanted_hash = record_hash
            if seq != tree.size + 1:  # a gap: the proofs would be wrong, so stop at the gap
                break
            tree.append_leaf_hash(tlog.record_leaf_hash(record_hash))
            _cache.last_hash = record_hash
        _cache.tree, _cache.database = tree, database
        return tree, wanted_hash


def _rows_from(seq: int, also: int | None) -> Iterator[tuple[int, str]]:
    """(seq, record_hash) of record #also and of every record from #seq on, in order."""
    rows = ArchiveRecord.objects.values_list("seq", "record_hash")
    if also is not None:
        # Unordered, sorted here: with ORDER BY ... LIMIT, SQLite walks the
        # whole index instead of making two lookups. Only the records added
        # since this process last looked come back, a handful.
        yield from sorted(rows.order_by().filter(Q(seq__gte=seq) | Q(seq=also)))
        return
    # Plain chunked queries, not `.iterator()`: on PostgreSQL that opens a
    # server-side cursor, three round trips where one will do.
    rows = rows.order_by("seq")
    while True:
        chunk = list(rows.filter(seq__gte=seq)[:TREE_READ_CHUNK])
        yield from chunk
        if len(chunk) < TREE_READ_CHUNK:
            return
        seq = chunk[-1][0] + 1


def forget_tree() -> None:
    with _cache.lock:
        _cache.tree, _cache.last_hash = merkle.MerkleTree(), ""


# --- checkpoints ---------------------------------------------------------------


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size", "-made_at", "-pk").first()


def make_checkpoint(*, only_if_grown: bool = False) -> Checkpoint:
    """Sign and store the current tree head.

    Refuses (LogError) when the records no longer extend the latest
    checkpoint: the log must never sign over rewritten history. With
    `only_if_grown`, a burst of records (500 scheduled items going live in
    one run) yields one checkpoint per new size, not one per enqueued task.
    """
    if not has_private_key():
        raise LogError("no seal key on this machine: a checkpoint cannot be signed here")
    tree = log_tree()
    previous = latest_checkpoint()
    if only_if_grown and previous is not None and previous.tree_size >= tree.size:
        return previous
    if previous is not None:
        problem = tlog.compare_with_tree(previous.as_signed(), tree)
        if problem is not None:
            raise LogError(f"refusing to sign a checkpoint: {problem.reason}")
    made_at = timezone.now().replace(microsecond=0)
    body = tlog.checkpoint_body(
        origin=origin(),
        tree_size=tree.size,
        root_hash=tree.root().hex(),
        timestamp=made_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        key_id=archive.current_key_id(),
    )
    signed = tlog.sign_checkpoint(body, archive.private_key())
    return Checkpoint.objects.create(made_at=made_at, **signed)


@task()
def make_checkpoint_task() -> int:
    return make_checkpoint(only_if_grown=True).tree_size


def has_private_key() -> bool:
    # Checked before `archive.private_key()`, which must never be what makes a key.
    return Path(settings.GOVMEDIA_SEAL_KEY_FILE).exists()


def hourly_checkpoint() -> str:
    """Periodic job (registered in publishing.apps): a fresh signed head at least hourly, even with no new record."""
    if not has_private_key():
        # A machine that only verifies and serves (a mirror) has no key to sign with.
        logger.warning("no seal key on this machine: hourly checkpoint skipped")
        return "skipped: no seal key"
    checkpoint = make_checkpoint()
    return f"checkpoint of {checkpoint.tree_size} records"


@receiver(post_save, sender=ArchiveRecord, dispatch_uid="govmedia-checkpoint-after-record")
def _record_appended(sender, instance: ArchiveRecord, created: bool, **kwargs) -> None:
    if created:
        # After commit, so the checkpoint never covers a record that was rolled back.
        transaction.on_commit(make_checkpoint_task.enqueue)


# --- proofs -------------------------------------------------------------------


def inclusion_proof(seq: int, tree_size: int | None = None) -> dict[str, Any]:
    """RFC 9162 inclusion proof of record #seq in the tree of `tree_size` (default: all records)."""
    tree, record_hash = _synced_tree(seq)
    if record_hash is not None and seq <= tree.size:
        if tree.leaf(seq - 1) != tlog.record_leaf_hash(record_hash):
            # The rows changed under this process's tree: never prove a stale leaf.
            forget_tree()
            tree, record_hash = _synced_tree(seq)
    if record_hash is None:
        raise merkle.ProofError(f"there is no record #{seq}")
    size = tree.size if tree_size is None else tree_size
    proof = tree.inclusion_proof(seq - 1, size)
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "record_hash": record_hash,
        "leaf_hash": tree.leaf(seq - 1).hex(),
        "root_hash": tree.root(size).hex(),
        "audit_path": [node.hex() for node in proof],
    }


def consistency_proof(first: int, second: int) -> dict[str, Any]:
    tree = log_tree()
    proof = tree.consistency_proof(first, second)
    return {
        "first": first,
        "second": second,
        "first_root_hash": tree.root(first).hex(),
        "second_root_hash": tree.root(second).hex(),
        "consistency_path": [node.hex() for node in proof],
    }


# --- verification -------------------------------------------------------------


@dataclass
class LogReport:
    records: int = 0
    checkpoints: int = 0
    tree_size: int = 0
    root_hash: str = ""
    problems: list[tlog.Problem] = field(default_factory=list)
    # Seconds per pass ("chain", "seals", "checkpoint_signatures", "checkpoint_roots").
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def sorted_problems(self) -> list[tlog.Problem]:
        big = 1 << 62
        return sorted(self.problems, key=lambda p: big if p.seq is None else p.seq)


def _record_mappings() -> Iterator[dict[str, Any]]:
    """Every record as `archive.record_as_mapping` gives it, read in large batches.

    Rows come as plain values rather than model instances: at 100,000 records
    building model objects is what would make the chain walk slow.
    """
    names = [f.attname for f in ArchiveRecord._meta.concrete_fields]
    last = 0
    while True:
        rows = list(
            ArchiveRecord.objects.filter(seq__gt=last).order_by("seq").values(*names)[:READ_BATCH]
        )
        if not rows:
            return
        for row in rows:
            yield archive.record_as_mapping(SimpleNamespace(**row))  # type: ignore[arg-type]
        last = rows[-1]["seq"]


def verify_log(
    *,
    witnesses: list[Mapping[str, Any]] | None = None,
    witness_keys: Mapping[str, Ed25519PublicKey] | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> LogReport:
    """Check the whole log; every problem found, each naming the first record it puts in doubt.

    `witnesses` are checkpoints kept outside (by an archives office, a
    supervisor): the current tree must extend each of them. Where history was
    rewritten, the witnesses' own checkpoints narrow down the first changed
    record (exactly, when they kept one before and one after it).
    """
    keys = archive.public_keys()
    periods = keyring.key_periods()
    report = LogReport()
    started = time.perf_counter()
    walker = tlog.ChainWalker()
    links = ArchiveRecord.objects.order_by("seq").values_list("seq", "prev_hash", "record_hash")
    for seq, prev_hash, record_hash in links.iterator(chunk_size=READ_BATCH):
        walker.feed(seq, prev_hash, record_hash)
    tree = walker.tree
    report.records = report.tree_size = tree.size
    report.root_hash = tree.root().hex()
    if walker.failure is not None:
        report.problems.append(walker.failure)
    report.timings["chain"] = time.perf_counter() - started

    stored = [c.as_signed() for c in Checkpoint.objects.order_by("tree_size", "made_at", "pk")]
    report.checkpoints = len(stored)
    workers = tlog.default_workers() if workers is None else workers
    pool = tlog.open_pool(workers, keys, tree.size + len(stored), periods)
    try:
        _check_seals(report, keys, periods, pool, workers, progress)
        _check_checkpoint_signatures(report, stored, keys, pool, workers)
    finally:
        if pool is not None:
            pool.shutdown()

    started = time.perf_counter()
    report.problems.extend(_stored_checkpoint_problems(stored, tree))
    for witness in witnesses or []:
        report.problems.extend(
            _witness_problems(witness, witness_keys or keys, tree, list(witnesses or []))
        )
    report.timings["checkpoint_roots"] = time.perf_counter() - started
    return report


def _check_seals(
    report: LogReport,
    keys: Mapping[str, Ed25519PublicKey],
    periods: seal.KeyPeriods,
    pool: ProcessPoolExecutor | None,
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    started = time.perf_counter()

    def counted() -> Iterator[dict[str, Any]]:
        for record in _record_mappings():
            if progress:
                progress(1)
            yield record

    report.problems.extend(
        tlog.check_records(counted(), keys, pool, workers=workers, periods=periods)
    )
    report.timings["seals"] = time.perf_counter() - started


def _check_checkpoint_signatures(
    report: LogReport,
    stored: list[dict[str, Any]],
    keys: Mapping[str, Ed25519PublicKey],
    pool: ProcessPoolExecutor | None,
    workers: int,
) -> None:
    started = time.perf_counter()
    rows = [tlog.checkpoint_row(i, c) for i, c in enumerate(stored)]
    bad = tlog.bad_signatures(rows, keys, pool, workers=workers)
    if bad:
        index, reason = bad[0]
        report.problems.append(
            tlog.Problem(
                None,
                f"{len(bad)} stored checkpoint(s) fail their signature, the first of "
                f"{stored[index]['timestamp']}: {reason.replace(' for this record', '')}",
            )
        )
    report.timings["checkpoint_signatures"] = time.perf_counter() - started


def _stored_checkpoint_problems(
    stored: list[dict[str, Any]], tree: merkle.MerkleTree
) -> list[tlog.Problem]:
    """The log's own checkpoints against the tree, smallest first, each kind reported once.

    With the whole tree in hand, comparing each stored root with the tree's
    root at that size is the same test as a consistency proof, at a fraction
    of the cost: the log holds a checkpoint per record.
    """
    problems: list[tlog.Problem] = []
    for checkpoint in stored:
        if checkpoint["format"] != tlog.CHECKPOINT_FORMAT:
            problems.append(
                tlog.Problem(None, f"stored checkpoint of {checkpoint['timestamp']}: bad format")
            )
            break
    for checkpoint in stored:
        size = int(checkpoint["tree_size"])
        if size > tree.size:
            missing = tlog.compare_with_tree(checkpoint, tree)
            assert missing is not None
            problems.append(tlog.Problem(missing.seq, f"stored checkpoint: {missing.reason}"))
            break
    for checkpoint in stored:
        size = int(checkpoint["tree_size"])
        if size <= tree.size and tree.root(size).hex() != checkpoint["root_hash"]:
            first, last = tlog.locate_rewrite(stored, tree, size)
            problems.append(_rewrite_problem("stored checkpoint", checkpoint, first, last))
            break
    return problems


def _witness_problems(
    checkpoint: Mapping[str, Any],
    keys: Mapping[str, Ed25519PublicKey],
    tree: merkle.MerkleTree,
    witnesses: list[Any],
) -> list[tlog.Problem]:
    """A checkpoint kept by a witness: its signature, then an RFC 9162 consistency proof."""
    label = "the given checkpoint"
    problems = []
    reason = tlog.checkpoint_problem(checkpoint, keys)
    if reason is not None:
        problems.append(
            tlog.Problem(None, f"{label} of {checkpoint.get('timestamp', '?')}: {reason}")
        )
        if reason.startswith("not a checkpoint"):
            return problems
    problem = tlog.compare_with_tree(checkpoint, tree)
    if problem is None:
        return problems
    if problem.seq is not None:
        problems.append(tlog.Problem(problem.seq, f"{label}: {problem.reason}"))
        return problems
    first, last = tlog.locate_rewrite(witnesses, tree, int(checkpoint["tree_size"]))
    problems.append(_rewrite_problem(label, checkpoint, first, last))
    return problems


def _rewrite_problem(
    label: str, checkpoint: Mapping[str, Any], first: int, last: int
) -> tlog.Problem:
    where = f"#{first}" if first == last else f"between #{first} and #{last}"
    return tlog.Problem(
        first,
        f"{label}: the archive does not extend the checkpoint of {checkpoint['timestamp']} "
        f"(size {checkpoint['tree_size']}): records up to #{checkpoint['tree_size']} were "
        f"changed, removed or reordered; the first changed record is {where}",
    )
