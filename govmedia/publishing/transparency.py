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

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from types import SimpleNamespace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from govmedia.publishing import archive, merkle, tlog
from govmedia.publishing.models import ArchiveRecord, Checkpoint

logger = logging.getLogger(__name__)

READ_BATCH = 5000


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
    with _cache.lock:
        database = connection.settings_dict["NAME"]
        tree = _cache.tree
        if tree.size and (
            _cache.database != database
            or not ArchiveRecord.objects.filter(
                seq=tree.size, record_hash=_cache.last_hash
            ).exists()
        ):
            tree = merkle.MerkleTree()
        rows = ArchiveRecord.objects.filter(seq__gt=tree.size).order_by("seq")
        for seq, record_hash in rows.values_list("seq", "record_hash").iterator(chunk_size=5000):
            if seq != tree.size + 1:  # a gap: the proofs would be wrong, so stop at the gap
                break
            tree.append_leaf_hash(tlog.record_leaf_hash(record_hash))
            _cache.last_hash = record_hash
        _cache.tree, _cache.database = tree, database
        return tree


# --- checkpoints ---------------------------------------------------------------


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size", "-made_at", "-pk").first()


def make_checkpoint() -> Checkpoint:
    """Sign and store the current tree head.

    Refuses (LogError) when the records no longer extend the latest
    checkpoint: the log must never sign over rewritten history.
    """
    tree = log_tree()
    previous = latest_checkpoint()
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
    return make_checkpoint().tree_size


def hourly_checkpoint() -> str:
    """Periodic job (core.apps): a fresh signed head at least hourly, even with no new record."""
    checkpoint = make_checkpoint()
    return f"checkpoint of {checkpoint.tree_size} records"


@receiver(post_save, sender=ArchiveRecord, dispatch_uid="govmedia-checkpoint-after-record")
def _record_appended(sender, instance: ArchiveRecord, created: bool, **kwargs) -> None:
    if created:
        # After commit, so the checkpoint never covers a record that was rolled back.
        transaction.on_commit(make_checkpoint_task.enqueue)


# --- proofs -------------------------------------------------------------------


def inclusion_proof(seq: int, tree_size: int | None = None) -> dict[str, Any]:
    tree = log_tree()
    size = tree.size if tree_size is None else tree_size
    proof = tree.inclusion_proof(seq - 1, size)
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "record_hash": tree_record_hash(seq),
        "leaf_hash": tree.leaf(seq - 1).hex(),
        "root_hash": tree.root(size).hex(),
        "audit_path": [node.hex() for node in proof],
    }


def tree_record_hash(seq: int) -> str:
    return ArchiveRecord.objects.values_list("record_hash", flat=True).get(seq=seq)


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
    report = LogReport()
    walker = tlog.ChainWalker()
    signed_rows: list[tlog.SignedRow] = []
    for record in _record_mappings():
        walker.feed(record)
        signed_rows.append(tlog.signed_row(record))
        if progress:
            progress(1)
    tree = walker.tree
    report.records = tree.size
    report.tree_size = tree.size
    report.root_hash = tree.root().hex()
    if walker.failure is not None:
        report.problems.append(walker.failure)
    report.problems.extend(tlog.verify_signatures(signed_rows, keys, workers))

    stored = [c.as_signed() for c in Checkpoint.objects.order_by("tree_size", "made_at", "pk")]
    report.checkpoints = len(stored)
    # Stored checkpoints are checked smallest first and only the first of each
    # kind of problem is reported: after one rewrite every later head differs.
    seen: set[str] = set()
    for checkpoint in stored:
        for kind, problem in _checkpoint_problems(
            checkpoint, keys, tree, stored, "stored checkpoint"
        ):
            if kind not in seen:
                seen.add(kind)
                report.problems.append(problem)
    kept = list(witnesses or [])
    for witness in kept:
        found = _checkpoint_problems(
            witness, witness_keys or keys, tree, kept, "the given checkpoint"
        )
        report.problems.extend(problem for _kind, problem in found)
    return report


def _checkpoint_problems(
    checkpoint: Mapping[str, Any],
    keys: Mapping[str, Ed25519PublicKey],
    tree: merkle.MerkleTree,
    trusted: list[Any],
    label: str,
) -> list[tuple[str, tlog.Problem]]:
    """(kind, problem) pairs: "signature", "missing" or "rewritten"."""
    when = checkpoint.get("timestamp", "?")
    problems: list[tuple[str, tlog.Problem]] = []
    reason = tlog.checkpoint_problem(checkpoint, keys)
    if reason is not None:
        problems.append(("signature", tlog.Problem(None, f"{label} of {when}: {reason}")))
        if reason.startswith("not a checkpoint"):
            return problems
    problem = tlog.compare_with_tree(checkpoint, tree)
    if problem is None:
        return problems
    if problem.seq is not None:
        problems.append(("missing", tlog.Problem(problem.seq, f"{label}: {problem.reason}")))
        return problems
    first, last = tlog.locate_rewrite(trusted, tree, int(checkpoint["tree_size"]))
    where = f"#{first}" if first == last else f"between #{first} and #{last}"
    problems.append(
        (
            "rewritten",
            tlog.Problem(first, f"{label}: {problem.reason}; the first changed record is {where}"),
        )
    )
    return problems
