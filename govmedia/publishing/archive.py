"""Filing items in the sealed archive and checking it (Django side of `seal`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govmedia.publishing import keyring, seal
from govmedia.publishing.keyring import (  # noqa: F401 - the archive's public names
    SealKeyError,
    current_key_id,
    private_key,
    public_keys,
)
from govmedia.publishing.models import PAYLOAD_VERSION, ArchiveKind, ArchiveRecord


def public_key():
    """The public half of the key in service (from the keyring, not from the private key)."""
    return seal.load_public_key_pem(_current().public_key_pem)


def public_key_pem() -> str:
    return _current().public_key_pem


def _current():
    key = keyring.current_key()
    if key is None:
        keyring.current_key_id()  # raises the explanatory SealKeyError
    return key


def _file_sha256(document) -> str:
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def public_url(item) -> str:
    """The item's address under GOVMEDIA_SITE_URL, whatever host Wagtail's Site row names."""
    parts = item.get_url_parts()
    path = parts[2] if parts else item.url_path
    return f"{settings.SITE_URL}{path}"


def item_payload(item) -> dict[str, Any]:
    """What the public saw: the text and the 公开目录 metadata, attachments by digest.

    Version 2 (`payload_version`) takes every address from GOVMEDIA_SITE_URL;
    version 3 adds `channel_renditions`, the SHA-256 of each channel rendition
    the approver signed off for this revision; version 1 records (no
    `payload_version`) and version 2 records stay as they were sealed.
    """
    from govmedia.publishing.renditions import archive_entries

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
        "payload_version": PAYLOAD_VERSION,
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
        "url": public_url(item),
        "revision_id": item.live_revision_id,
        "attachments": attachments,
        "channel_renditions": archive_entries(item.live_revision_id),
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
    # One lock for appends and key rotations alike (keyring.APPEND_LOCK_ID).
    keyring.lock_archive()


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

    Raises `SealKeyError` when this machine cannot seal (no usable private key),
    so the publication around it rolls back. Sealing a publication is
    idempotent: if the live revision is already sealed (an overlapping
    scheduled run, a repair racing a late commit), the existing record is
    returned, checked under the append lock.
    """
    lock_appends()
    if kind != ArchiveKind.WITHDRAWAL and payload is None:
        # Only the item's own live state is deduplicated; an explicit payload is deliberate.
        existing = live_revision_record(item)
        if existing is not None:
            return existing
    key = private_key()
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
        "key_id": seal.key_id(key.public_key()),
    }
    record_hash, signature = seal.seal(header, key)
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
    periods = keyring.key_periods()
    count = 0

    def mappings():
        nonlocal count
        for record in iter_records():
            count += 1
            if progress:
                progress(1)
            yield record_as_mapping(record)

    failure = seal.verify_chain(mappings(), keys, periods)
    return count, failure


def missing_records() -> list[str]:
    """The other direction: publications and withdrawals the archive should hold but does not.

    The chain proves that what is in the archive is intact; it cannot see a
    record that was never written or that was cut off the end. So every live
    item's live revision must have its publication or correction record, and
    every item that was published and is no longer live must have a
    withdrawal record after its last publication.
    """
    from django.db.models import Max, Q

    from govmedia.publishing.models import ItemPage

    published = {ArchiveKind.PUBLISH, ArchiveKind.CORRECTION}
    sealed_revisions = set(
        ArchiveRecord.objects.filter(kind__in=published).values_list(
            "page_id", "payload__revision_id"
        )
    )
    last = {
        row["page_id"]: row
        for row in ArchiveRecord.objects.values("page_id").annotate(
            last_published=Max("seq", filter=Q(kind__in=published)),
            last_withdrawn=Max("seq", filter=Q(kind=ArchiveKind.WITHDRAWAL)),
        )
    }
    problems: list[str] = []
    for pk, revision_id, index_number in ItemPage.objects.live().values_list(
        "pk", "live_revision_id", "index_number"
    ):
        if (pk, revision_id) not in sealed_revisions:
            problems.append(
                f"{index_number} (page {pk}) is live with revision {revision_id}, "
                "which has no publication or correction record"
            )
    ever_published = Q(first_published_at__isnull=False) | Q(pk__in=list(last))
    for pk, index_number in (
        ItemPage.objects.filter(live=False).filter(ever_published).values_list("pk", "index_number")
    ):
        row = last.get(pk)
        if row is None or row["last_published"] is None:
            problems.append(
                f"{index_number} (page {pk}) was published but has no publication record"
            )
        elif row["last_withdrawn"] is None or row["last_withdrawn"] < row["last_published"]:
            problems.append(
                f"{index_number} (page {pk}) is no longer live but has no withdrawal record "
                f"after its last publication (record #{row['last_published']})"
            )
    return problems


def withdrawn_through(page_id: int | None) -> int:
    """The seq of the item's last withdrawal record, or 0: records up to it hold withdrawn text."""
    if page_id is None:
        return 0
    last = (
        ArchiveRecord.objects.filter(page_id=page_id, kind=ArchiveKind.WITHDRAWAL)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return last or 0


# What a withdrawn item's public records keep back: the text and the files.
WITHHELD_FIELDS = ("summary", "body", "attachments")


def public_record_mapping(record: ArchiveRecord, *, withhold: bool) -> dict[str, Any]:
    """`record_as_mapping` for the public; `withhold` replaces the withdrawn text with a notice.

    The header, payload digest, record hash and signature stay, so the record's
    place in the chain and its seal can still be checked; whoever holds the
    original payload can check it against `payload_sha256`.
    """
    mapping = record_as_mapping(record)
    mapping["payload_version"] = record.payload_version
    if withhold:
        payload = dict(record.payload)
        for field in WITHHELD_FIELDS:
            payload.pop(field, None)
        mapping["payload"] = payload
        mapping["payload_withheld"] = list(WITHHELD_FIELDS)
    return mapping


def kind_for_next_publication(item) -> str:
    published_before = (
        ArchiveRecord.objects.filter(page_id=item.pk).exclude(kind=ArchiveKind.WITHDRAWAL).exists()
    )
    return ArchiveKind.CORRECTION if published_before else ArchiveKind.PUBLISH
