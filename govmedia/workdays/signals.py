"""Drop the cached calendar when an entered year or one of its days changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from govmedia.workdays.models import HolidayYear, SpecialDay


@receiver([post_save, post_delete], sender=HolidayYear)
@receiver([post_save, post_delete], sender=SpecialDay)
def _calendar_changed(**kwargs) -> None:
    from govmedia.workdays.service import bump_version

    bump_version()
    # Again after commit: a calendar rebuilt by another thread between the change and
    # the commit read the old rows.
    transaction.on_commit(bump_version)
