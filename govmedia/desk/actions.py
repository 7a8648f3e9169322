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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from govmedia.core.audit import log_state_change
from govmedia.core.signals import announce_public_change
from govmedia.desk import access, clock
from govmedia.desk.models import (
    BAD_RATINGS,
    OUTCOME_REASONS,
    EventKind,
    Kind,
    Message,
    MessageEvent,
    Outcome,
    OutcomeReason,
    Rating,
    RoutingRule,
    Status,
    hash_query_code,
    new_query_code,
)
from govmedia.desk.notify import notify_submitter
from govmedia.desk.policy import (
    CONSULTATION_REPLY_DAYS,
    CORRECTION_NOTICE_DAYS,
    DISCLOSURE_EXTENSION_MAX,
    FOLLOW_UP_DAYS,
    deadline_days,
)

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
    organisation_kind: str = ""
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
    # A code the caller derived from its own client key (the web form, so a resend
    # shows the same code); empty: a new random one.
    query_code: str = ""
    submitter_ip: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def calendar():
    from govmedia.workdays.service import calendar as workdays_calendar

    return workdays_calendar()


def open_follow_up(message: Message, *, today: date | None = None) -> bool:
    """A bad rating (BAD_RATINGS) opens a mandatory 回访 due in FOLLOW_UP_DAYS working days.

    Called by the rating action inside its transaction, after `message.rating`
    is set; returns whether a follow-up was opened. A new bad rating after a
    follow-up opens another.
    """
    if message.rating not in BAD_RATINGS:
        return False
    today = today or timezone.localdate()
    due = calendar().add_workdays(today, FOLLOW_UP_DAYS).day
    message.follow_up_due = due
    message.followed_up_at = None
    message.follow_up_reminded_at = None
    message.follow_up_escalated_at = None
    message.save(
        update_fields=[
            "follow_up_due", "followed_up_at", "follow_up_reminded_at", "follow_up_escalated_at",
            "updated_at",
        ]
    )  # fmt: skip
    add_event(
        message,
        EventKind.NOTE,
        text=f"评价为“{Rating(message.rating).label}”，须在{due:%Y年%m月%d日}前回访",
        follow_up_due=due.isoformat(),
    )
    return True


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
    on: date | None = None,
    **data: Any,
) -> MessageEvent:
    """One line of the timeline; `on` is the day that counts for the clock (default: `at`'s day)."""
    at = at or timezone.now()
    return MessageEvent.objects.create(
        message=message,
        kind=kind,
        at=at,
        on=on or timezone.localdate(at),
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
    fields = ["due_on", "due_provisional", "updated_at"]
    if message.reminded_at and state.due and message.due_on and state.due > message.due_on:
        # A later deadline (extension, consultation, 补正) earns its own reminder.
        message.reminded_at = None
        fields.append("reminded_at")
    message.due_on = state.due
    message.due_provisional = state.provisional
    message.save(update_fields=fields)
    return state


def do_submit_message(submission: Submission) -> Submitted:
    """Store a new message (committed before anything else runs), then process it.

    A resend with the same `client_key` returns the first message (no new code).
    """
    code = submission.query_code or new_query_code()
    now = timezone.now()
    fields = {
        name: getattr(submission, name)
        for name in (
            "kind", "title", "body", "name", "phone", "email", "address", "applicant_type",
            "id_number", "organisation_kind", "contact_person", "delivery_form", "delivery_way", "wants_public",
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


def process_received(
    message_id: int, *, preferred_department_id: int | None = None, checked: bool = False
) -> None:
    """Content check, then routing and the clock, for a message still in RECEIVED without a deadline.

    `checked`: a moderator has passed the text already (no second content check).
    """
    # The content check and the rules run before the row is locked: on SQLite a
    # write transaction holds the one database lock, and a check's CPU time inside
    # it would serialise every other submission behind it (bench/bench_desk.py).
    # The text does not change after intake, so their answers stay true; the
    # status is checked again under the lock.
    pending = Message.objects.filter(pk=message_id).first()
    if pending is None or pending.status != Status.RECEIVED or pending.due_on is not None:
        return
    problem = "" if checked else spam_reason(pending)
    department_id = None if problem else (preferred_department_id or route(pending))
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Status.RECEIVED or message.due_on is not None:
            return
        if problem:
            message.status = Status.MODERATION
            message.moderation_reason = problem
            message.save(update_fields=["status", "moderation_reason", "updated_at"])
            add_event(message, EventKind.MODERATED, text=problem)
            return
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


# ---------------------------------------------------------------- handling (staff actions)
# Each `do_<verb>_message` asks desk/access.py whether the person may act and
# whether the message's state admits the action (after locking the row, so two
# people pressing 答复 at once cannot both answer), changes the row, writes the
# timeline event and the audit entry, and moves the clock, in one transaction.
# A refusal is PermissionDenied (who) or ValidationError (what or when), with
# the Chinese sentence the admin shows.

ACTION_LABELS: dict[str, str] = {
    access.DISPATCH: "分派",
    access.TRANSFER: "转办",
    access.NOTE: "记录办理情况",
    access.ANSWER: "答复",
    access.REQUEST_CORRECTION: "发出补正通知",
    access.RECEIVE_CORRECTION: "登记收到补正",
    access.START_CONSULTATION: "征求第三方意见",
    access.END_CONSULTATION: "结束第三方意见征询",
    access.EXTEND: "延期答复",
    access.FOLLOW_UP: "回访",
    access.CLOSE: "办结",
    access.APPROVE: "审核通过",
    access.REJECT: "审核不通过",
}
# Audit action names (registered in desk/wagtail_hooks.py); the worker's two as well.
AUDIT_ACTIONS: dict[str, str] = {name: f"govmedia.desk.{name}" for name in ACTION_LABELS}
AUDIT_ESCALATE = "govmedia.desk.escalate"
AUDIT_EXPIRE_CONSULTATION = "govmedia.desk.consultation_expired"
FEE_OUTCOMES = (Outcome.DISCLOSED, Outcome.PARTLY)


@contextmanager
def _acting(message: Message, user: Any, action: str) -> Iterator[Message]:
    """The message's row, locked, once `user` may do `action` in its current state."""
    if not access.may(user, message, action):
        raise PermissionDenied(f"您没有{ACTION_LABELS[action]}该留言的权限。")
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if not access.may(user, locked, action):  # transferred away meanwhile
            raise PermissionDenied(f"您没有{ACTION_LABELS[action]}该留言的权限。")
        if not access.status_allows(locked, action):
            raise ValidationError(
                f"该留言当前为“{locked.get_status_display()}”，不能{ACTION_LABELS[action]}。",
                code="status",
            )
        yield locked
    message.refresh_from_db()


def _status_label(status: str) -> str:
    return str(Status(status).label)


def _audit(message: Message, action: str, before: str, user: Any, **details: Any) -> None:
    audit(
        message,
        AUDIT_ACTIONS[action],
        before=_status_label(before),
        after=_status_label(message.status),
        user=user,
        number=message.number or "",
        **details,
    )


def _set_status(message: Message, status: str, *fields: str) -> None:
    message.status = status
    message.save(update_fields=["status", *fields, "updated_at"])


def _clock_day(message: Message, on: date | None) -> date:
    """The day a clock event happened: today unless given; not in the future, not before the last one."""
    today = timezone.localdate()
    day = on or today
    if day > today:
        raise ValidationError("日期不能晚于今天。", code="future")
    if day < message.received_on:
        raise ValidationError(
            f"日期不能早于收到日期（{message.received_on:%Y-%m-%d}）。", code="before_receipt"
        )
    last = (
        message.events.filter(kind__in=list(CLOCK_STEPS))
        .order_by("-on")
        .values_list("on", flat=True)
    ).first()
    if last and day < last:
        raise ValidationError(
            f"日期不能早于上一个计时事项的日期（{last:%Y-%m-%d}）。", code="before_last"
        )
    return day


def _required(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{what}。", code="required")
    return text


def do_dispatch_message(message: Message, user: Any, department: Any = None) -> Message:
    """Send a message to a department: the one given, or the routing rules' choice run again."""
    with _acting(message, user, access.DISPATCH) as m:
        department_id = department.pk if department is not None else route(m)
        if department_id is None:
            raise ValidationError("没有匹配的分派规则，请选择承办单位。", code="no_rule")
        before = m.status
        m.department_id = department_id
        _set_status(m, Status.HANDLING, "department")
        m.refresh_from_db(fields=["department"])
        add_event(m, EventKind.DISPATCHED, user=user, public=True, department=m.department,
                  text=f"已转{m.department}办理", rule=department is None)  # fmt: skip
        refresh_clock(m)
        _audit(m, access.DISPATCH, before, user, department=str(m.department))
    return message


def do_transfer_message(message: Message, user: Any, department: Any, reason: str) -> Message:
    """Hand a message to another department, with the reason (kept internal)."""
    reason = _required(reason, "转办理由")
    with _acting(message, user, access.TRANSFER) as m:
        if department is None or department.pk == m.department_id:
            raise ValidationError("请选择另一个承办单位。", code="same_department")
        previous = str(m.department) if m.department_id else ""
        before = m.status
        m.department = department
        _set_status(m, Status.HANDLING, "department")
        # The submitter sees where it went, not why.
        add_event(m, EventKind.TRANSFERRED, user=user, public=True, department=department,
                  text=f"已转{department}办理", reason=reason, previous=previous)  # fmt: skip
        audit(m, AUDIT_ACTIONS[access.TRANSFER], before=previous, after=str(department), user=user,
              number=m.number or "", reason=reason, status=_status_label(before))  # fmt: skip
    return message


def do_note_message(message: Message, user: Any, text: str) -> MessageEvent:
    """An internal handling note (办理记录): staff see it, the submitter does not."""
    text = _required(text, "办理情况")
    with _acting(message, user, access.NOTE) as m:
        event = add_event(m, EventKind.NOTE, user=user, text=text)
        _audit(m, access.NOTE, m.status, user)
    return event


def do_request_correction_message(
    message: Message, user: Any, what: str, *, on: date | None = None
) -> Message:
    """A 补正 notice (第三十条): what to correct; the clock stops until the correction arrives.

    Refused past CORRECTION_NOTICE_DAYS working days after receipt: a late
    notice would not stop the clock in law, so the request must be handled as it is.
    """
    what = _required(what, "需要补正的内容")
    with _acting(message, user, access.REQUEST_CORRECTION) as m:
        day = _clock_day(m, on)
        used = calendar().workdays_between(m.received_on, day)
        if used > CORRECTION_NOTICE_DAYS:
            raise ValidationError(
                f"补正通知应在收到申请之日起 {CORRECTION_NOTICE_DAYS} 个工作日内发出，"
                f"至{day:%Y年%m月%d日}已过 {used} 个工作日，不能再要求补正；请按现有申请内容办理。",
                code="too_late",
            )
        before = m.status
        _set_status(m, Status.AWAITING_CORRECTION)
        add_event(m, EventKind.CORRECTION_REQUESTED, user=user, public=True, on=day,
                  text=f"请补正：{what}", what=what)  # fmt: skip
        notify_submitter(m, f"您的申请需要补正：{what}。请凭受理编号和查询码查看详情。")
        refresh_clock(m)
        _audit(m, access.REQUEST_CORRECTION, before, user, what=what, on=day.isoformat())
    return message


def do_receive_correction_message(
    message: Message, user: Any, text: str = "", *, on: date | None = None
) -> Message:
    """The corrected request arrived: the clock starts again from nothing the next day (第三十条)."""
    with _acting(message, user, access.RECEIVE_CORRECTION) as m:
        day = _clock_day(m, on)
        before = m.status
        _set_status(m, Status.HANDLING)
        add_event(m, EventKind.CORRECTION_RECEIVED, user=user, public=True, on=day,
                  text=(text or "").strip() or "已收到补正材料，答复期限重新计算")  # fmt: skip
        refresh_clock(m)
        _audit(m, access.RECEIVE_CORRECTION, before, user, on=day.isoformat())
    return message


def do_start_consultation_message(
    message: Message, user: Any, third_party: str, *, on: date | None = None
) -> Message:
    """Ask a third party's opinion (第三十二条): the days it takes do not count."""
    third_party = _required(third_party, "第三方名称")
    with _acting(message, user, access.START_CONSULTATION) as m:
        day = _clock_day(m, on)
        before = m.status
        _set_status(m, Status.CONSULTING)
        add_event(m, EventKind.CONSULTATION_STARTED, user=user, public=True, on=day,
                  text="征求第三方意见，所需时间不计入答复期限", third_party=third_party)  # fmt: skip
        refresh_clock(m)
        _audit(m, access.START_CONSULTATION, before, user, third_party=third_party)
    return message


def do_end_consultation_message(
    message: Message, user: Any, text: str = "", *, on: date | None = None
) -> Message:
    """The third party answered (or the time ran out): the clock runs again."""
    with _acting(message, user, access.END_CONSULTATION) as m:
        day = _clock_day(m, on)
        _end_consultation(m, user, day, (text or "").strip())
    return message


def _end_consultation(m: Message, user: Any, day: date, text: str, expired: bool = False) -> None:
    before = m.status
    _set_status(m, Status.HANDLING)
    add_event(m, EventKind.CONSULTATION_ENDED, user=user, public=True, on=day,
              text="第三方意见征询结束", note=text, expired=expired)  # fmt: skip
    refresh_clock(m)
    if expired:
        audit(m, AUDIT_EXPIRE_CONSULTATION, before=_status_label(before),
              after=_status_label(m.status), user=None, number=m.number or "")  # fmt: skip
    else:
        _audit(m, access.END_CONSULTATION, before, user, note=text)


def do_extend_message(
    message: Message,
    user: Any,
    days: int,
    reason: str,
    *,
    approved_by: str = "",
    on: date | None = None,
) -> Message:
    """Extend the deadline once, by at most DISCLOSURE_EXTENSION_MAX working days (第三十三条).

    A supervisor or the department's 分管领导 approves by doing it; anyone else
    records who approved (the head of the disclosure office, 政府信息公开工作机构负责人).
    """
    reason = _required(reason, "延期理由")
    approved_by = (approved_by or "").strip()
    if not 1 <= int(days) <= DISCLOSURE_EXTENSION_MAX:
        raise ValidationError(
            f"延长的期限应为 1 至 {DISCLOSURE_EXTENSION_MAX} 个工作日。", code="days"
        )
    if not approved_by and not access.can_approve_extension(user, message):
        raise ValidationError(
            "延期须经政府信息公开工作机构负责人同意，请填写批准人。", code="approval"
        )
    with _acting(message, user, access.EXTEND) as m:
        day = _clock_day(m, on)
        approver = approved_by or (user.get_full_name() or user.get_username())
        add_event(m, EventKind.EXTENDED, user=user, public=True, on=day, days=int(days),
                  text=f"延期 {int(days)} 个工作日：{reason}", approved_by=approver)  # fmt: skip
        refresh_clock(m)
        _audit(m, access.EXTEND, m.status, user, days=int(days), reason=reason,
               approved_by=approver, due=m.due_on.isoformat() if m.due_on else "")  # fmt: skip
    return message


def _answer_checks(
    m: Message, outcome: str, reason: str, fee: Decimal | None, corrected: bool
) -> None:
    if m.kind == Kind.DISCLOSURE:
        if outcome not in Outcome.values:
            raise ValidationError("请选择处理结果。", code="outcome")
        reasons = OUTCOME_REASONS.get(outcome, ())
        if reasons and reason not in reasons:
            raise ValidationError(
                f"“{Outcome(outcome).label}”须选择相应的理由。", code="outcome_reason"
            )
        if not reasons and reason:
            raise ValidationError(
                f"“{Outcome(outcome).label}”不需要选择理由。", code="outcome_reason"
            )
        if m.status == Status.AWAITING_CORRECTION and reason != OutcomeReason.NO_CORRECTION:
            raise ValidationError(
                "等待补正期间只能以“申请人无正当理由逾期不补正”作出处理。", code="awaiting"
            )
        if fee is not None and outcome not in FEE_OUTCOMES:
            raise ValidationError("只有予以公开或部分公开的申请才能收取信息处理费。", code="fee")
        if fee is not None and fee < 0:
            raise ValidationError("信息处理费不能为负数。", code="fee")
    elif outcome or reason or fee is not None:
        raise ValidationError("处理结果、理由和信息处理费只适用于依申请公开。", code="outcome")
    if corrected and not (m.kind == Kind.ERROR and m.item_id):
        raise ValidationError("只有针对某条信息的找错留言才能标记“已更正”。", code="corrected")


def _amount(fee: Any) -> Decimal | None:
    """A fee as the API or a form gives it ("12.50", 12.5, Decimal), or None."""
    if fee is None or fee == "":
        return None
    try:
        return Decimal(str(fee)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError("信息处理费应为金额，例如 12.50。", code="fee") from None


def _correction_link(item_id: int) -> dict[str, Any]:
    """What an 找错 answer marked 已更正 points at: the item's latest revision and correction record."""
    from govmedia.publishing.models import ArchiveKind, ArchiveRecord, ItemPage

    item = ItemPage.objects.get(pk=item_id)
    record = (
        ArchiveRecord.objects.filter(page_id=item_id, kind=ArchiveKind.CORRECTION)
        .order_by("-seq")
        .first()
    )
    return {
        "corrected": True,
        "item_id": item_id,
        "revision_id": item.latest_revision_id,
        "archive_seq": record.seq if record else None,
    }


def do_answer_message(
    message: Message,
    user: Any,
    text: str,
    *,
    is_public: bool | None = None,
    outcome: str = "",
    outcome_reason: str = "",
    fee: Decimal | None = None,
    personal: bool = False,
    corrected: bool = False,
    on: date | None = None,
) -> Message:
    """The answer: the message becomes ANSWERED, with its handling time and whether it was on time.

    Public on the portal when the submitter agreed (`wants_public`) and, for a
    disclosure request, when it does not concern the applicant's own personal
    information (`personal`); a public disclosure request shows only its
    outcome there (the portal's rule). `corrected`: an 找错 report that led
    to a correction of its item, linked in the event's data.
    """
    text = _required(text, "答复内容")
    fee = _amount(fee)
    with _acting(message, user, access.ANSWER) as m:
        _answer_checks(m, outcome, outcome_reason, fee, corrected)
        day = on or timezone.localdate()
        if day > timezone.localdate() or day < m.received_on:
            raise ValidationError("答复日期应在收到日期与今天之间。", code="day")
        state = refresh_clock(m) if m.status != Status.AWAITING_CORRECTION else None
        before = m.status
        now = timezone.now()
        m.answer = text
        m.answered_at = now
        m.answered_on = day
        m.answered_by = user if getattr(user, "is_authenticated", False) else None
        m.handling_days = calendar().workdays_between(m.received_on, day)
        m.on_time = state is None or state.due is None or day <= state.due
        m.outcome = outcome
        m.outcome_reason = outcome_reason
        m.fee = fee
        public = True if is_public is None else bool(is_public)
        m.is_public = public and m.wants_public and not (m.kind == Kind.DISCLOSURE and personal)
        m.status = Status.ANSWERED
        m.save(
            update_fields=[
                "answer", "answered_at", "answered_on", "answered_by", "handling_days", "on_time", "outcome",
                "outcome_reason", "fee", "is_public", "status", "updated_at",
            ]
        )  # fmt: skip
        link = _correction_link(m.item_id) if corrected and m.item_id else {}
        add_event(m, EventKind.ANSWERED, user=user, public=True, at=now, on=day, text=text,
                  outcome=outcome, outcome_reason=outcome_reason,
                  fee=str(fee) if fee is not None else None, **link)  # fmt: skip
        notify_submitter(m, "您的留言已答复，请凭受理编号和查询码查看答复内容。")
        announce_public_change(Message, [m.item_id] if m.item_id else [])
        _audit(m, access.ANSWER, before, user, on_time=m.on_time, outcome=outcome,
               outcome_reason=outcome_reason, corrected=bool(link))  # fmt: skip
    return message


def do_follow_up_message(message: Message, user: Any, text: str) -> Message:
    """The 回访 a bad rating called for: what the submitter was told or what was done."""
    text = _required(text, "回访情况")
    with _acting(message, user, access.FOLLOW_UP) as m:
        m.followed_up_at = timezone.now()
        m.save(update_fields=["followed_up_at", "updated_at"])
        add_event(m, EventKind.FOLLOWED_UP, user=user, public=True, text=text,
                  late=timezone.localdate() > (m.follow_up_due or date.max))  # fmt: skip
        _audit(m, access.FOLLOW_UP, m.status, user)
    return message


def do_close_message(message: Message, user: Any, text: str = "") -> Message:
    """办结: nothing more to do (a pending follow-up must be done first)."""
    with _acting(message, user, access.CLOSE) as m:
        before = m.status
        m.closed_at = timezone.now()
        _set_status(m, Status.CLOSED, "closed_at")
        add_event(m, EventKind.CLOSED, user=user, public=True,
                  text=(text or "").strip() or "已办结")  # fmt: skip
        _audit(m, access.CLOSE, before, user)
    return message


def do_approve_message(message: Message, user: Any) -> Message:
    """Moderation: the text is fine; the message is routed and its clock starts as at intake."""
    with _acting(message, user, access.APPROVE) as m:
        before = m.status
        _set_status(m, Status.RECEIVED)
        add_event(m, EventKind.MODERATED, user=user, text="审核通过", approved=True)
        process_received(m.pk, checked=True)
        m.refresh_from_db()
        _audit(m, access.APPROVE, before, user)
    return message


def do_reject_message(message: Message, user: Any, reason: str) -> Message:
    """Moderation: spam or abuse; the message is kept, not handled, never public."""
    reason = _required(reason, "不予受理的理由")
    with _acting(message, user, access.REJECT) as m:
        before = m.status
        m.closed_at = timezone.now()
        m.is_public = False
        _set_status(m, Status.REJECTED, "closed_at", "is_public")
        announce_public_change(Message, [m.item_id] if m.item_id else [])
        add_event(m, EventKind.MODERATED, user=user, text=reason, approved=False)
        _audit(m, access.REJECT, before, user, reason=reason)
    return message


def consultation_started_on(message: Message) -> date | None:
    """The day the open consultation started (None when none is open)."""
    last = (
        message.events.filter(
            kind__in=[EventKind.CONSULTATION_STARTED, EventKind.CONSULTATION_ENDED]
        )
        .order_by("-on", "-id")
        .first()
    )
    if last is None or last.kind != EventKind.CONSULTATION_STARTED:
        return None
    return last.on


def do_expire_consultation(message_id: int, today: date | None = None) -> bool:
    """The worker ends a consultation whose CONSULTATION_REPLY_DAYS have passed (第三十二条).

    The consultation ends on its last allowed day, so exactly that many days
    are left out of the clock. Returns whether it ended one (a second run finds none).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        m = Message.objects.select_for_update().filter(pk=message_id).first()
        if m is None or m.status != Status.CONSULTING:
            return False
        started = consultation_started_on(m)
        if started is None:
            return False
        last_day = calendar().add_workdays(started, CONSULTATION_REPLY_DAYS).day
        if last_day >= today:
            return False
        _end_consultation(m, None, last_day, "第三方逾期未提出意见", expired=True)
    return True


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
