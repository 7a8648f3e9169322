"""When an item was published and last corrected, as feeds and the sitemap state it."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone


def with_corrected_at(items):
    """Annotate ItemPages with `corrected_at`: when their latest correction was sealed, or None."""
    from govmedia.publishing.models import ArchiveKind, ArchiveRecord

    latest = (
        ArchiveRecord.objects.filter(page_id=OuterRef("pk"), kind=ArchiveKind.CORRECTION)
        .order_by("-seq")
        .values("sealed_at")[:1]
    )
    return items.annotate(corrected_at=Subquery(latest))


def published_at(item) -> datetime.datetime:
    """The item's 发布日期 as a moment: its first publication when that fell on the day, else midnight.

    发布日期 is a date (an imported or back-dated item keeps the date printed on
    it); the time of day is known only when the item went live that very day.
    """
    first = item.first_published_at
    if item.publish_date is None:
        return first or timezone.now()
    if first is not None and timezone.localdate(first) == item.publish_date:
        return first
    midnight = datetime.datetime.combine(item.publish_date, datetime.time())
    return timezone.make_aware(midnight)


def updated_at(item) -> datetime.datetime:
    """The latest correction, else the publication (needs `with_corrected_at`)."""
    published = published_at(item)
    corrected = getattr(item, "corrected_at", None)
    return max(published, corrected) if corrected else published
