"""Every change to a message: one function each, in one transaction, audited.

Views, the API, Open311 and the worker call these; nothing changes a message
with a bare save. Each writes a `MessageEvent` (the timeline) and, for staff
actions, an entry in Wagtail's audit log (core/audit.py).

Intake stores first and processes after: `do_submit_message` commits the row
before the content check and the routing run, so a crash between them loses
nothing (the worker's `process_received` picks the row up again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govmedia.core.audit import log_state_change
from govmedia.desk import clock
from govmedia.desk.models import (
    EventKind,
    Kind,
    Message,
    MessageEvent,
    RoutingRule,
    Status,
    hash_query_code,
    new_query_code,
)
from govmedia.desk.policy import deadline_days

logger = logging.getLogger(__name__)

CLOCK_STEPS = {
    EventKind.CORRECTION_REQUESTED: clock.Step.CORRECTION_REQUESTED,
    EventKind.CORRECTION_RECEIVED: clock.Step.CORRECTION_RECEIVED,
    EventKind.CONSULTATION_STARTED: clock.Step.CONSULTATION_STARTED,
    EventKind.CONSULTATION_ENDED: clock.Step.CONSULTATION_ENDED,
    EventKind.EXTENDED: clock.Step.EXTENDED,
}


@dataclass
class Submitted:
    message: Message
    query_code: str  # shown once to the submitter; only its hash is kept
    duplicate: bool = False  # the same client key was sent before: the first row


@dataclass
class Submission:
    kind: str
    title: str
    body: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    applicant_type: str = ""
    id_number: str = ""
    contact_person: str = ""
    delivery_form: str = ""
    delivery_way: str = ""
    wants_public: bool = True
    notify_by: str = ""
    item_id: int | None = None
    department_id: int | None = None
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    channel: str = "web"
    client_key: str | None = None
    submitter_ip: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def calendar():
    from govmedia.workdays.service import calendar as workdays_calendar

    return workdays_calendar()


def add_event(
    message: Message,
    kind: str,
    *,
    user: Any = None,
    text: str = "",
    public: bool = False,
    days: int = 0,
    department: Any = None,
    at: datetime | None = None,
    **data: Any,
) -> MessageEvent:
    at = at or timezone.now()
    return MessageEvent.objects.create(
        message=message,
        kind=kind,
        at=at,
        on=timezone.localdate(at),
        user=user if getattr(user, "is_authenticated", False) else None,
        department=department,
        text=text,
        public=public,
        days=days,
        data=data,
    )


def clock_state(message: Message, today=None) -> clock.ClockState:
    """The message's answer clock from its events (docs/desk.md "Deadlines")."""
    events = [
        clock.ClockEvent(CLOCK_STEPS[EventKind(e.kind)], e.on, e.days)
        for e in message.events.filter(kind__in=list(CLOCK_STEPS)).order_by("on", "id")
    ]
    return clock.compute(
        calendar(),
        message.received_on,
        deadline_days(message.kind),
        events,
        today or timezone.localdate(),
    )


def refresh_clock(message: Message) -> clock.ClockState:
    """Recompute and store the deadline (after any event that moves the clock)."""
    state = clock_state(message)
    message.due_on = state.due
    message.due_provisional = state.provisional
    message.save(update_fields=["due_on", "due_provisional", "updated_at"])
    return state


def do_submit_message(submission: Submission) -> Submitted:
    """Store a new message (committed before anything else runs), then process it.

    A resend with the same `client_key` returns the first message (no new code).
    """
    code = new_query_code()
    now = timezone.now()
    fields = {
        name: getattr(submission, name)
        for name in (
            "kind", "title", "body", "name", "phone", "email", "address", "applicant_type",
            "id_number", "contact_person", "delivery_form", "delivery_way", "wants_public",
            "notify_by", "item_id", "place", "latitude", "longitude", "channel", "client_key",
            "submitter_ip",
        )
    }  # fmt: skip
    try:
        with transaction.atomic():
            message = Message.objects.create(
                **fields,
                query_code_hash=hash_query_code(code),
                status=Status.RECEIVED,
                received_at=now,
                received_on=timezone.localdate(now),
            )
            message.number = f"{message.received_on:%Y%m%d}{message.pk:07d}"
            message.save(update_fields=["number"])
            add_event(message, EventKind.RECEIVED, public=True, text="已收到您的留言", at=now)
    except IntegrityError:
        if not submission.client_key:
            raise
        first = Message.objects.get(client_key=submission.client_key)
        return Submitted(first, "", duplicate=True)
    try:
        process_received(message.pk, preferred_department_id=submission.department_id)
    except Exception:  # the row is kept; the worker processes it again
        logger.exception("desk: processing message %s failed; left for the worker", message.pk)
    message.refresh_from_db()
    return Submitted(message, code)


def process_received(message_id: int, *, preferred_department_id: int | None = None) -> None:
    """Content check, then routing and the clock, for a message still in RECEIVED without a deadline."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Status.RECEIVED or message.due_on is not None:
            return
        problem = spam_reason(message)
        if problem:
            message.status = Status.MODERATION
            message.moderation_reason = problem
            message.save(update_fields=["status", "moderation_reason", "updated_at"])
            add_event(message, EventKind.MODERATED, text=problem)
            return
        department_id = preferred_department_id or route(message)
        if department_id:
            message.department_id = department_id
            message.status = Status.HANDLING
            message.save(update_fields=["department", "status", "updated_at"])
            add_event(message, EventKind.DISPATCHED, public=True, department=message.department,
                      text=f"已转{message.department}办理", rule=True)  # fmt: skip
        refresh_clock(message)


def spam_reason(message: Message) -> str:
    """Why the text goes to moderation (blocking findings of the content check), or ""."""
    from govmedia.checks.findings import BLOCKING, SENSITIVE
    from govmedia.checks.service import check_content

    report = check_content(f"{message.title}\n{message.body}", html=False)
    hits = [f for f in report.findings if f.severity == BLOCKING and f.category == SENSITIVE]
    if not hits:
        return ""
    words = "、".join(dict.fromkeys(f.text for f in hits[:5]))
    return f"内容检查命中：{words}（{hits[0].reason or '敏感词'}）"


def route(message: Message) -> int | None:
    """The department for a new message: its item's, else the first matching rule's."""
    if message.item_id:
        from govmedia.publishing.models import ItemPage

        department_id = (
            ItemPage.objects.filter(pk=message.item_id)
            .values_list("department_id", flat=True)
            .first()
        )
        if department_id:
            return department_id
    text = f"{message.title}\n{message.body}\n{message.place}"
    for rule in RoutingRule.objects.filter(enabled=True):
        kinds = {k.strip() for k in rule.kinds.split(",") if k.strip()}
        if kinds and message.kind not in kinds:
            continue
        keywords = [w.strip() for w in rule.keywords.splitlines() if w.strip()]
        places = [w.strip() for w in rule.places.splitlines() if w.strip()]
        if keywords and not any(w in text for w in keywords):
            continue
        if places and not any(w in text for w in places):
            continue
        return rule.department_id
    return None


def audit(message: Message, action: str, *, before: str, after: str, user: Any, **details: Any):
    """The Wagtail audit entry of a staff action (registered in desk/wagtail_hooks.py)."""
    log_state_change(message, action, before=before, after=after, user=user, **details)


__all__ = [
    "Kind",
    "Submission",
    "Submitted",
    "add_event",
    "audit",
    "clock_state",
    "do_submit_message",
    "process_received",
    "refresh_clock",
    "route",
]
