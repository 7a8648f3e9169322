"""Repair publications whose archive record is missing (the other half of "exactly once").

Publication, its archive record, its deliveries and its search entry are
written in one transaction wherever we publish (scheduled publishing, the
workflow's sign-off, withdrawal). A path outside our control, a Wagtail admin
view that commits the page before its signal handlers run, can still be cut
between the two by a killed process. This job finds such items and repairs
them through the same code path as a publication: it sends the same Wagtail
signal, so the record, the deliveries and the search entry are made by the
same handlers, and logs a `govmedia.reconcile` entry on the item's history.

Runs every few minutes from the worker and as `govmedia archive reconcile`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from wagtail.log_actions import log
from wagtail.signals import page_published

from govmedia.publishing import archive
from govmedia.publishing.models import ArchiveKind, ArchiveRecord, ItemPage

logger = logging.getLogger(__name__)

# Sealed as the note of a withdrawal record that the repair had to add.
WITHDRAWAL_NOTE = "后台核对补记：该信息已下线，但下线时未能建档（进程中断），原因未记录。"


@dataclass
class Report:
    publications: list[int] = field(default_factory=list)
    withdrawals: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.publications)} publication(s) and "
            f"{len(self.withdrawals)} withdrawal(s) repaired"
        )


def _latest_records() -> dict[int, tuple[str, int | None]]:
    """Per page: the kind and sealed revision of its latest archive record."""
    latest = (
        ArchiveRecord.objects.filter(page_id__isnull=False)
        .values("page_id")
        .annotate(last=Max("seq"))
        .values("last")
    )
    rows = ArchiveRecord.objects.filter(seq__in=latest).values_list(
        "page_id", "kind", "payload__revision_id"
    )
    return {page_id: (kind, revision_id) for page_id, kind, revision_id in rows}


def find_unsealed() -> tuple[list[int], list[int]]:
    """(live items whose live revision has no record, offline items whose withdrawal has none)."""
    latest = _latest_records()
    missing_publication = []
    for pk, revision_id in ItemPage.objects.filter(live=True).values_list("pk", "live_revision_id"):
        kind, sealed_revision = latest.get(pk, (ArchiveKind.WITHDRAWAL, None))
        if kind == ArchiveKind.WITHDRAWAL or sealed_revision != revision_id:
            missing_publication.append(pk)
    offline = set(ItemPage.objects.filter(live=False).values_list("pk", flat=True))
    missing_withdrawal = [
        pk
        for pk, (kind, _revision) in latest.items()
        if pk in offline and kind != ArchiveKind.WITHDRAWAL
    ]
    return missing_publication, missing_withdrawal


def repair_publication(page_id: int) -> bool:
    with transaction.atomic():
        item = ItemPage.objects.select_for_update().filter(pk=page_id, live=True).first()
        archive.lock_appends()
        if item is None or item.live_revision is None:
            return False
        if archive.live_revision_record(item) is not None:
            return False  # sealed meanwhile by the publication it was waiting for
        revision = item.live_revision
        # The same signal as a publication: our archive handler, the portal's
        # search index and every other receiver make what is missing.
        page_published.send(sender=type(item), instance=item, revision=revision)
        log(
            instance=item,
            action="govmedia.reconcile",
            user=None,
            data={"repaired": "publication", "revision_id": revision.pk},
        )
    logger.warning("reconcile: sealed the live revision of item %s, which had no record", page_id)
    return True


def repair_withdrawal(page_id: int) -> bool:
    with transaction.atomic():
        item = ItemPage.objects.select_for_update().filter(pk=page_id, live=False).first()
        archive.lock_appends()
        if item is None:
            return False
        last = ArchiveRecord.objects.filter(page_id=page_id).order_by("-seq").first()
        if last is None or last.kind == ArchiveKind.WITHDRAWAL:
            return False
        archive.append_record(item, ArchiveKind.WITHDRAWAL, note=WITHDRAWAL_NOTE, actor="系统")
        log(
            instance=item,
            action="govmedia.reconcile",
            user=None,
            data={"repaired": "withdrawal"},
        )
    logger.warning("reconcile: sealed the withdrawal of item %s, which had no record", page_id)
    return True


def reconcile() -> Report:
    """Find and repair every unsealed publication and withdrawal (periodic job and command)."""
    report = Report()
    missing_publication, missing_withdrawal = find_unsealed()
    report.publications = [pk for pk in missing_publication if repair_publication(pk)]
    report.withdrawals = [pk for pk in missing_withdrawal if repair_withdrawal(pk)]
    return report
