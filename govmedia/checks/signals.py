"""Invalidate the cached engine when word-list entries or leaders change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from govmedia.checks.models import Official, WordListEntry


@receiver([post_save, post_delete], sender=WordListEntry)
@receiver([post_save, post_delete], sender=Official)
def _lists_changed(**kwargs) -> None:
    from govmedia.checks.service import bump_version

    bump_version()
