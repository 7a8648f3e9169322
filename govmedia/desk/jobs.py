"""The desk's periodic jobs (registered in desk/apps.py with core/scheduler.py).

Each is safe to run twice at once and to kill at any point:
- a message is claimed with a conditional UPDATE (``reminded_at`` or
  ``escalated_at`` still empty) inside the same transaction that writes its
  event and audit entry, so a second run finds nothing left, and a run killed
  before its commit leaves the message for the next one;
- the consultation and intake jobs lock the row and re-check its state
  (desk/actions.py), so the same holds.
Mail goes out after the commit: a worker killed between the two loses a
reminder mail, never the reminder's record.

`today` and `now` are parameters so tests (and a catch-up run) can set the day.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from govmedia.core import workers
from govmedia.desk import actions
from govmedia.desk.models import OPEN_STATUSES, EventKind, Message, Status
from govmedia.desk.policy import REMIND_BEFORE_DAYS
from govmedia.desk.queries import RUNNING_STATUSES
from govmedia.orgs.models import Role
from govmedia.workdays.signals import calendar_changed

logger = logging.getLogger(__name__)

INTAKE_GRACE = timedelta(minutes=1)  # intake normally finishes in well under a second


def reprocess_received(now: datetime | None = None) -> str:
    """Messages stored by intake whose processing never finished (a crash between the two)."""
    now = now or timezone.now()
    stale = Message.objects.filter(
        status=Status.RECEIVED, due_on__isnull=True, received_at__lt=now - INTAKE_GRACE
    ).values_list("pk", flat=True)
    done = failed = 0
    for pk in list(stale[:500]):
        try:
            actions.process_received(pk)
            done += 1
        except Exception:  # one bad message must not hold up the rest
            failed += 1
            logger.exception("desk: reprocessing message %s failed", pk)
    return f"{done} reprocessed, {failed} failed"


def remind_due(today: date | None = None, now: datetime | None = None) -> str:
    """Remind once, REMIND_BEFORE_DAYS working days before the deadline (event 到期提醒, mail)."""
    sent = _remind_once(
        Message.objects.filter(status__in=RUNNING_STATUSES),
        due="due_on",
        claim="reminded_at",
        event_text=lambda due: f"将于{due:%Y年%m月%d日}到期，请及时答复",
        mail=lambda message, _text: mail_reminder(message),
        today=today,
        now=now,
    )
    return f"{sent} reminded"


def remind_follow_ups(today: date | None = None, now: datetime | None = None) -> str:
    """Remind once, REMIND_BEFORE_DAYS working days before a 回访's deadline (event, mail)."""
    sent = _remind_once(
        Message.objects.filter(followed_up_at__isnull=True),
        due="follow_up_due",
        claim="follow_up_reminded_at",
        event_text=lambda due: f"差评回访将于{due:%Y年%m月%d日}到期，请及时回访",
        mail=mail_handlers,
        today=today,
        now=now,
    )
    return f"{sent} follow-ups reminded"


def _remind_once(
    messages, *, due: str, claim: str, event_text, mail, today: date | None, now: datetime | None
) -> int:
    """Remind each of `messages` whose `due` date is REMIND_BEFORE_DAYS working days away, once.

    `claim` is the timestamp column that marks the reminder: set by a
    conditional UPDATE in the transaction that writes the event, so a second
    run finds nothing; the mail (`mail(message, text)`) goes after the commit.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    calendar = actions.calendar()
    # Candidates by calendar days (a generous bound), then the exact working-day test.
    horizon = today + timedelta(days=7 * REMIND_BEFORE_DAYS + 14)
    unclaimed = {f"{claim}__isnull": True}
    candidates = messages.filter(
        **unclaimed, **{f"{due}__gte": today, f"{due}__lte": horizon}
    ).values_list("pk", due)
    sent = 0
    for pk, day in list(candidates):
        if calendar.workdays_between(today, day) > REMIND_BEFORE_DAYS:
            continue
        with transaction.atomic():
            if not messages.filter(pk=pk, **unclaimed).update(**{claim: now}):
                continue  # another run claimed it
            message = Message.objects.select_related("department").get(pk=pk)
            text = event_text(day)
            actions.add_event(message, EventKind.REMINDED, at=now, text=text)
            transaction.on_commit(lambda message=message, text=text: mail(message, text))
        sent += 1
    return sent


def handler_emails(message: Message) -> list[str]:
    if message.department_id is None:
        return []
    users = get_user_model().objects.filter(
        is_active=True,
        memberships__department_id=message.department_id,
        memberships__role__in=[Role.EDITOR, Role.REVIEWER, Role.APPROVER],
    )
    return sorted({e for e in users.values_list("email", flat=True) if e})


def mail_reminder(message: Message) -> None:
    mail_handlers(
        message,
        f"将于{message.due_on:%Y年%m月%d日}到期"
        + ("（期限暂定）" if message.due_provisional else "")
        + "，请及时办理答复",
    )


def mail_handlers(message: Message, what: str) -> None:
    """Mail the department's handlers about `message`: what is due, in one sentence."""
    recipients = handler_emails(message)
    if not recipients:
        return
    try:
        send_mail(
            f"【留言到期提醒】{message.number} {message.title}",
            (
                f"{message.department}：\n\n"
                f"留言“{message.title}”（受理编号 {message.number}，{message.get_kind_display()}）"
                f"{what}。\n"
            ),
            getattr(settings, "DEFAULT_FROM_EMAIL", None),
            recipients,
        )
    except Exception:  # the reminder is recorded; a mail server down must not fail the job
        logger.exception("desk: reminder mail for message %s failed", message.pk)


def escalate_overdue(today: date | None = None, now: datetime | None = None) -> str:
    """Open messages past their deadline go to the supervisors' overdue list (超期督办), once."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    overdue = Message.objects.filter(
        status__in=RUNNING_STATUSES, due_on__lt=today, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    escalated = 0
    for pk in list(overdue):
        with transaction.atomic():
            claimed = Message.objects.filter(
                pk=pk, escalated_at__isnull=True, status__in=RUNNING_STATUSES, due_on__lt=today
            ).update(escalated_at=now)
            if not claimed:
                continue
            message = Message.objects.get(pk=pk)
            days = actions.calendar().workdays_between(message.due_on, today)
            actions.add_event(
                message,
                EventKind.ESCALATED,
                at=now,
                department=message.department,
                text=f"已超过答复期限（{message.due_on:%Y年%m月%d日}）{days} 个工作日，转监管员督办",
                overdue_days=days,
            )
            actions.audit(
                message,
                actions.AUDIT_ESCALATE,
                before=str(Status(message.status).label),
                after="超期督办",
                user=None,
                number=message.number or "",
                due=message.due_on.isoformat(),
            )
        escalated += 1
    return f"{escalated} escalated"


def escalate_follow_ups(today: date | None = None, now: datetime | None = None) -> str:
    """回访 past their deadline go to the supervisors' overdue list (回访超期), once each."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    late = Message.objects.filter(
        follow_up_due__lt=today, followed_up_at__isnull=True, follow_up_escalated_at__isnull=True
    ).values_list("pk", flat=True)
    escalated = 0
    for pk in list(late):
        with transaction.atomic():
            claimed = Message.objects.filter(
                pk=pk,
                follow_up_due__lt=today,
                followed_up_at__isnull=True,
                follow_up_escalated_at__isnull=True,
            ).update(follow_up_escalated_at=now)
            if not claimed:
                continue
            message = Message.objects.get(pk=pk)
            days = actions.calendar().workdays_between(message.follow_up_due, today)
            actions.add_event(
                message,
                EventKind.ESCALATED,
                at=now,
                department=message.department,
                text=(
                    f"差评回访已超过期限（{message.follow_up_due:%Y年%m月%d日}）{days} 个工作日，"
                    "转监管员督办"
                ),
                overdue_days=days,
            )
            actions.audit(
                message,
                actions.AUDIT_ESCALATE,
                before="待回访",
                after="回访超期督办",
                user=None,
                number=message.number or "",
                due=message.follow_up_due.isoformat(),
            )
        escalated += 1
    return f"{escalated} follow-ups escalated"


def expire_consultations(today: date | None = None) -> str:
    """End consultations whose third party let CONSULTATION_REPLY_DAYS pass without an answer."""
    today = today or timezone.localdate()
    ended = sum(
        actions.do_expire_consultation(pk, today)
        for pk in list(
            Message.objects.filter(status=Status.CONSULTING).values_list("pk", flat=True)
        )
    )
    return f"{ended} consultations ended"


def refresh_deadlines(years: list[int] | tuple[int, ...] = ()) -> str:
    """Count again the stored deadlines a change of the calendar may move.

    Those marked 暂定, and open ones whose count runs through one of `years`
    (received in or before the last of them, due in or after the first).
    """
    exact = moved = 0
    affected = Q(due_provisional=True)
    if years:
        affected |= Q(received_on__year__lte=max(years), due_on__year__gte=min(years))
    pending = Message.objects.filter(affected, status__in=OPEN_STATUSES)
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            message = Message.objects.select_for_update().filter(pk=pk).first()
            if message is None or not message.is_open:
                continue
            before = (message.due_on, message.due_provisional)
            state = actions.refresh_clock(message)
            moved += (state.due, state.provisional) != before
            exact += before[1] and not state.provisional
    return f"{moved} deadlines changed, {exact} now exact"


def refresh_provisional() -> str:
    """The hourly safety net: 暂定 deadlines, in case a calendar change was missed."""
    return refresh_deadlines()


@task()
def refresh_deadlines_task(years: list[int]) -> str:
    return refresh_deadlines(years)


# Recomputing is idempotent: a run cut short by a dead worker simply runs again.
workers.REQUEUE_SAFE.add(refresh_deadlines_task.module_path)


@receiver(calendar_changed)
def deadlines_follow_the_calendar(sender, years=(), **kwargs) -> None:
    # Sent after the calendar's transaction commits; the work goes to a task, as
    # a year's change may move many deadlines.
    refresh_deadlines_task.enqueue(list(years))
