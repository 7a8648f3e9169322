"""What opinion hears from the layers below: new entries of a source, a publication."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from govmedia.publishing.events import item_published
from govmedia.sources.signals import entries_read

logger = logging.getLogger(__name__)


@receiver(entries_read, dispatch_uid="opinion-entries-read")
def on_entries_read(sender, source_id: int, new_keys: list[str], **kwargs) -> None:
    from govmedia.opinion.ingest import from_entries
    from govmedia.opinion.models import MonitoringPlan

    # Only an installation that watches opinion stores the entries as posts.
    if new_keys and MonitoringPlan.objects.filter(enabled=True).exists():
        from_entries(source_id, list(new_keys))


@receiver(item_published, dispatch_uid="opinion-item-published")
def on_item_published(sender, item, **kwargs) -> None:
    from govmedia.opinion.actions import on_item_published as stop_clock

    stop_clock(item)
