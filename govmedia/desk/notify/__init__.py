"""Telling the submitter that something happened to their message (answer, 补正 notice).

Staff actions call `notify_submitter(message, text)` inside their
transaction: it stores a `Notification` for the way the submitter chose
(SMS or e-mail; nothing when they chose none) and enqueues its sending after
commit. Sending, recording the outcome as an event of the message and
retrying with back-off are `desk/notify/tasks.py`'s.
"""

from __future__ import annotations

from django.db import transaction

from govmedia.desk.notify.base import Notifier, NotifyError
from govmedia.desk.notify.email import EmailNotifier
from govmedia.desk.notify.models import Notification, NotificationStatus
from govmedia.desk.notify.sms import SmsNotifier

NOTIFIERS: dict[str, Notifier] = {"sms": SmsNotifier(), "email": EmailNotifier()}


def notify_submitter(message, text: str) -> Notification | None:
    """Queue a notice of `text` to the submitter, if they asked for one; sent after commit."""
    notifier = NOTIFIERS.get(message.notify_by)
    if notifier is None:
        return None
    notification = Notification.objects.create(
        message=message, via=notifier.via, to=notifier.address(message), text=text
    )
    from govmedia.desk.notify.tasks import send_notification

    pk = notification.pk
    transaction.on_commit(lambda: send_notification.enqueue(pk))
    return notification


__all__ = [
    "NOTIFIERS",
    "Notification",
    "NotificationStatus",
    "Notifier",
    "NotifyError",
    "notify_submitter",
]
