"""What the public does to a message after filing it: rate the answer.

Filing is `actions.do_submit_message`; staff actions live in `actions.py`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from govmedia.core.signals import announce_public_change
from govmedia.desk import actions
from govmedia.desk.models import BAD_RATINGS, EventKind, Message, Rating, Status

RATABLE_STATUSES = (Status.ANSWERED, Status.CLOSED)


def can_rate(message: Message) -> bool:
    return message.status in RATABLE_STATUSES and message.rating is None


def do_rate_message(message: Message, rating: int, comment: str = "") -> bool:
    """The submitter's one rating of the answer; False when already rated or not answered.

    The row is updated conditionally, so two tabs rating at once leave one
    rating. A bad rating (不满意, 非常不满意) opens the mandatory follow-up.
    """
    rating = Rating(rating)
    now = timezone.now()
    with transaction.atomic():
        updated = Message.objects.filter(
            pk=message.pk, rating__isnull=True, status__in=RATABLE_STATUSES
        ).update(rating=rating, rating_comment=comment.strip(), rated_at=now, updated_at=now)
        if not updated:
            return False
        message.refresh_from_db()
        actions.add_event(
            message,
            EventKind.RATED,
            public=True,
            text=str(rating.label) + (f"。{comment.strip()}" if comment.strip() else ""),
            at=now,
            rating=int(rating),
        )
        if rating in BAD_RATINGS:
            actions.open_follow_up(message)
        if message.is_public:
            announce_public_change(Message, [message.item_id] if message.item_id else [])
    return True
