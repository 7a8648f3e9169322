"""Drop the cached calendar when an entered year or one of its days changes, and tell
higher layers (the desk) which years changed, so they can recompute stored deadlines."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from govmedia.workdays.models import HolidayYear, SpecialDay

# Sent after the transaction commits by every action of workdays/actions.py, with
# `years`: the tuple of years whose schedule changed.
calendar_changed = Signal()


def send_calendar_changed(*years: int) -> None:
    transaction.on_commit(lambda: calendar_changed.send(sender=HolidayYear, years=tuple(years)))


@receiver([post_save, post_delete], sender=HolidayYear)
@receiver([post_save, post_delete], sender=SpecialDay)
def _calendar_changed(**kwargs) -> None:
    from govmedia.workdays.service import bump_version

    bump_version()
    # Again after commit: a calendar rebuilt by another thread between the change and
    # the commit read the old rows.
    transaction.on_commit(bump_version)
