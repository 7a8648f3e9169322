"""Sending a notice, as a task: claimed by a conditional UPDATE, retried with back-off, visible.

Each attempt's outcome is an event of the message (kind 通知, staff-only),
so the handling page shows that the submitter was told, or why not yet.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from govmedia.desk.models import EventKind
from govmedia.desk.notify.base import NotifyError
from govmedia.desk.notify.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

# A SENDING row older than this lost its worker: it may be claimed again.
STALE_SENDING = timedelta(minutes=10)


def _claim(notification_id: int) -> Notification | None:
    now = timezone.now()
    claimable = Q(status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED]) | Q(
        status=NotificationStatus.SENDING, next_attempt_at__lte=now - STALE_SENDING
    )
    claimed = (
        Notification.objects.filter(claimable, pk=notification_id)
        .exclude(status=NotificationStatus.FAILED, next_attempt_at__isnull=True)
        .update(status=NotificationStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    )
    if not claimed:
        return None
    return Notification.objects.select_related("message").get(pk=notification_id)


def send_now(notification_id: int) -> str:
    """One attempt; returns the row's status after it."""
    from govmedia.desk.actions import add_event
    from govmedia.desk.notify import NOTIFIERS

    notification = _claim(notification_id)
    if notification is None:
        return "not-claimed"
    message = notification.message
    notifier = NOTIFIERS[notification.via]
    try:
        external_id = notifier.send(message, notification.text, out_id=f"desk-{notification.pk}")
    except NotifyError as error:
        exhausted = notification.attempts >= settings.GOVMEDIA_NOTIFY_MAX_ATTEMPTS
        retry_at = None if exhausted else timezone.now() + backoff(notification.attempts)
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, last_error=str(error)[:1000], next_attempt_at=retry_at
        )
        then = (
            "已停止重试，请人工联系提交人"
            if exhausted
            else f"将于 {timezone.localtime(retry_at):%m-%d %H:%M} 重试"
        )
        add_event(
            message,
            EventKind.NOTIFIED,
            text=f"{notifier.label}通知发送失败（第 {notification.attempts} 次）：{error}；{then}",
            notification=notification.pk,
            ok=False,
        )
        logger.warning("desk: notification %s failed: %s", notification.pk, error)
        return NotificationStatus.FAILED
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        external_id=external_id[:100],
        last_error="",
        next_attempt_at=None,
    )
    add_event(
        message,
        EventKind.NOTIFIED,
        text=f"已通过{notifier.label}通知提交人：{notification.text}",
        notification=notification.pk,
        ok=True,
    )
    return NotificationStatus.SENT


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** min(attempts, 8))


@task()
def send_notification(notification_id: int) -> str:
    return send_now(notification_id)


def retry_due_notifications() -> int:
    """Periodic: enqueue failed notices whose back-off has passed, and those a dead worker left."""
    now = timezone.now()
    due = Notification.objects.filter(
        Q(status=NotificationStatus.FAILED, next_attempt_at__lte=now)
        | Q(status=NotificationStatus.SENDING, next_attempt_at__lte=now - STALE_SENDING)
        | Q(status=NotificationStatus.PENDING, created_at__lte=now - STALE_SENDING)
    )
    ids = list(due.values_list("pk", flat=True)[:200])
    for pk in ids:
        send_notification.enqueue(pk)
    return len(ids)
