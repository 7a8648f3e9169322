"""Filing items in the sealed archive and checking it (Django side of `seal`)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from govmedia.publishing import seal
from govmedia.publishing.models import ArchiveKind, ArchiveRecord

# Any constant will do: it names the PostgreSQL advisory lock that serialises appends.
_APPEND_LOCK_ID = 0x60B3ED1A


@functools.cache
def private_key():
    return seal.load_or_create_private_key(settings.GOVMEDIA_SEAL_KEY_FILE)


def public_key():
    return private_key().public_key()


def public_key_pem() -> str:
    return seal.public_key_pem(public_key())


def current_key_id() -> str:
    return seal.key_id(public_key())


def public_keys() -> dict:
    """Seal keys by id, for verification. Only the current key until rotation exists."""
    return {current_key_id(): public_key()}


def _file_sha256(document) -> str:
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def item_payload(item) -> dict[str, Any]:
    """What the public saw: the text and the 公开目录 metadata, attachments by digest."""
    attachments = []
    for attachment in item.attachments.select_related("document"):
        try:
            sha = _file_sha256(attachment.document)
        except (OSError, ValueError):
            sha = ""
        attachments.append(
            {"title": str(attachment), "filename": attachment.document.filename, "sha256": sha}
        )
    return {
        "index_number": item.index_number,
        "title": item.title,
        "department": item.department.name,
        "category": item.category.name,
        "doc_number": item.doc_number,
        "issuing_body": item.issuing_body_display,
        "written_date": item.written_date.isoformat() if item.written_date else None,
        "publish_date": item.publish_date.isoformat() if item.publish_date else None,
        "validity": item.validity,
        "summary": item.summary,
        "body": str(item.body),
        "url": item.full_url or item.url_path,
        "revision_id": item.live_revision_id,
        "attachments": attachments,
    }


def record_as_mapping(record: ArchiveRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "kind": record.kind,
        "index_number": record.index_number,
        "note": record.note,
        "sealed_at": record.sealed_at.isoformat(),
        "actor": record.actor,
        "payload_sha256": record.payload_sha256,
        "prev_hash": record.prev_hash,
        "key_id": record.key_id,
        "payload": record.payload,
        "record_hash": record.record_hash,
        "signature": record.signature,
    }


def lock_appends() -> None:
    """Serialise appends until the end of the transaction.

    On PostgreSQL an advisory lock; SQLite transactions here are IMMEDIATE,
    so the database's own write lock already serialises them.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK_ID])


def live_revision_record(item) -> ArchiveRecord | None:
    """The record sealing `item`'s live revision as its current publication, if there is one.

    That is the item's latest record, when it is a publication or correction of
    that very revision: a revision published again after a withdrawal needs a
    record of its own.
    """
    last = ArchiveRecord.objects.filter(page_id=item.pk).order_by("-seq").first()
    if last is None or last.kind == ArchiveKind.WITHDRAWAL:
        return None
    if item.live_revision_id is None or last.payload.get("revision_id") != item.live_revision_id:
        return None
    return last


@transaction.atomic
def append_record(
    item, kind: str, *, note: str = "", actor: str = "", payload: dict | None = None
) -> ArchiveRecord:
    """Append one sealed record for `item`. Never updates an existing record.

    Sealing a publication is idempotent: if the live revision is already
    sealed (an overlapping scheduled run, a repair racing a late commit), the
    existing record is returned, checked under the append lock.
    """
    lock_appends()
    if kind != ArchiveKind.WITHDRAWAL:
        existing = live_revision_record(item)
        if existing is not None:
            return existing
    last = ArchiveRecord.objects.order_by("-seq").only("seq", "record_hash").first()
    payload = payload if payload is not None else item_payload(item)
    # Microseconds are dropped so the ISO text survives every database unchanged.
    sealed_at = timezone.now().replace(microsecond=0)
    header = {
        "seq": (last.seq + 1) if last else 1,
        "kind": kind,
        "index_number": item.index_number,
        "note": note,
        "sealed_at": sealed_at.isoformat(),
        "actor": actor,
        "payload_sha256": seal.payload_digest(payload),
        "prev_hash": last.record_hash if last else seal.GENESIS_HASH,
        "key_id": current_key_id(),
    }
    record_hash, signature = seal.seal(header, private_key())
    return ArchiveRecord.objects.create(
        seq=header["seq"],
        page_id=item.pk,
        index_number=item.index_number,
        kind=kind,
        note=note,
        payload=payload,
        payload_sha256=header["payload_sha256"],
        prev_hash=header["prev_hash"],
        record_hash=record_hash,
        signature=signature,
        key_id=header["key_id"],
        sealed_at=sealed_at,
        actor=actor,
    )


def iter_records(batch: int = 500) -> Iterator[ArchiveRecord]:
    last_seq = 0
    while True:
        chunk = list(ArchiveRecord.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last_seq = chunk[-1].seq


def verify_archive(
    progress: Callable[[int], None] | None = None,
) -> tuple[int, seal.Failure | None]:
    """Verify the whole chain; return (records checked, first failure or None)."""
    keys = public_keys()
    count = 0

    def mappings():
        nonlocal count
        for record in iter_records():
            count += 1
            if progress:
                progress(1)
            yield record_as_mapping(record)

    failure = seal.verify_chain(mappings(), keys)
    return count, failure


def kind_for_next_publication(item) -> str:
    published_before = (
        ArchiveRecord.objects.filter(page_id=item.pk).exclude(kind=ArchiveKind.WITHDRAWAL).exists()
    )
    return ArchiveKind.CORRECTION if published_before else ArchiveKind.PUBLISH
