"""Keep derived state in step: Wagtail groups with memberships, archive and channels with publication."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from govmedia.orgs.models import Membership


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    from govmedia.publishing.access import sync_user_groups

    sync_user_groups(instance.user)
