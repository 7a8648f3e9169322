"""The lists staff work from, as querysets over what `access.messages_for(user)` allows.

The admin's pages and the API build on these, so 待办 and 超期督办 mean the
same everywhere. Each is served by the index on (department, status, due_on).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from govmedia.desk.models import OPEN_STATUSES, Message, Status

# The clock runs in these: awaiting 补正 it is stopped (no deadline), and a
# third-party consultation's days do not count (the stored deadline moves
# when it ends), so neither can fall overdue.
RUNNING_STATUSES = (Status.RECEIVED, Status.HANDLING)


def todo(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Open messages, the nearest deadline first (a stopped clock, awaiting 补正, last)."""
    return messages.filter(status__in=OPEN_STATUSES).order_by("due_on", "received_at", "id")


def overdue(messages: QuerySet[Message], today: date | None = None) -> QuerySet[Message]:
    """Messages whose running clock is past its deadline, the most overdue first."""
    today = today or timezone.localdate()
    return messages.filter(status__in=RUNNING_STATUSES, due_on__lt=today).order_by("due_on", "id")


def follow_ups_due(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Answered messages whose bad rating still waits for its 回访."""
    return messages.filter(follow_up_due__isnull=False, followed_up_at__isnull=True).order_by(
        "follow_up_due", "id"
    )


def follow_ups_overdue(messages: QuerySet[Message], today: date | None = None) -> QuerySet[Message]:
    """Follow-ups (回访) past their own deadline, the most overdue first."""
    today = today or timezone.localdate()
    return follow_ups_due(messages).filter(follow_up_due__lt=today)


def moderation_queue(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.filter(status=Status.MODERATION).order_by("received_at", "id")
