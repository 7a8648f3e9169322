"""State changes of opinion monitoring: open an incident, draft a release, stop the clock."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from wagtail.log_actions import log

from govmedia.opinion import releases
from govmedia.opinion.access import can_analyse
from govmedia.opinion.models import (
    Alert,
    Event,
    EventStatus,
    Incident,
    PostRecord,
    Release,
    ReleaseKind,
)
from govmedia.orgs.models import Department, Membership, Role


def do_open_incident(
    user: AbstractBaseUser,
    alert: Alert,
    *,
    department: Department | None = None,
    level: str = "4",
    kind: str = "other",
    title: str = "",
) -> Incident:
    """One click from an alert: the incident, its clock started at the event's first post."""
    department = department or (alert.plan.department if alert.plan else None)
    if department is None:
        raise ValidationError("请选择责任机构。")
    if not can_analyse(user, department.pk):
        raise PermissionDenied("您没有处置该机构舆情的权限。")
    event = alert.event
    with transaction.atomic():
        existing = Incident.objects.filter(events=event, closed_at__isnull=True).first()
        if existing is not None:
            return existing
        first = (
            PostRecord.objects.filter(event=event).aggregate(m=Min("at"))["m"] or event.first_seen
        )
        incident = Incident.objects.create(
            title=title or event.title[:60],
            kind=kind,
            alert=alert,
            department=department,
            level=level,
            started_at=first,
            opened_by=user,
        )
        incident.events.add(event)
        event.status = EventStatus.INCIDENT
        event.save(update_fields=["status"])
        log(incident, "govmedia.opinion.open_incident", user=user)
    return incident


def first_post_at(events) -> datetime | None:
    """The earliest post among `events` (their first_seen when no post is stored)."""
    first = PostRecord.objects.filter(event__in=events).aggregate(m=Min("at"))["m"]
    seen = [e.first_seen for e in events if e.first_seen]
    return min([first, *seen]) if first else (min(seen) if seen else None)


def _restart_clock(incident: Incident) -> None:
    started = first_post_at(list(incident.events.all()))
    if started is not None and started != incident.started_at:
        incident.started_at = started
        incident.save(update_fields=["started_at"])


def do_attach_events(user: AbstractBaseUser, incident: Incident, events: list[Event]) -> Incident:
    """合并事件: more events answered by this incident; its clock starts at the earliest first post.

    An event already held by another open incident is refused (take it off there
    first), so no event is answered twice.
    """
    if not can_analyse(user, incident.department_id):
        raise PermissionDenied("您没有处置该机构舆情的权限。")
    if incident.closed_at is not None:
        raise ValidationError("该处置事件已结案，不能再合并舆情事件。")
    if not events:
        raise ValidationError("请选择要合并的舆情事件。")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        taken = (
            Incident.objects.filter(events__in=events, closed_at__isnull=True)
            .exclude(pk=incident.pk)
            .values_list("title", flat=True)
            .distinct()
        )
        if taken:
            raise ValidationError(
                f"所选舆情事件已属于处置事件“{'”“'.join(taken)}”，请先从那里移出。"
            )
        incident.events.add(*events)
        Event.objects.filter(pk__in=[e.pk for e in events]).update(status=EventStatus.INCIDENT)
        before = incident.started_at
        _restart_clock(incident)
        log(
            incident,
            "govmedia.opinion.attach_events",
            user=user,
            data={
                "events": [e.pk for e in events],
                "started_at_before": before.isoformat(),
                "started_at": incident.started_at.isoformat(),
            },
        )
    return incident


def do_detach_event(user: AbstractBaseUser, incident: Incident, event: Event) -> Incident:
    """移出: an event attached by mistake leaves; the clock follows the remaining events."""
    if not can_analyse(user, incident.department_id):
        raise PermissionDenied("您没有处置该机构舆情的权限。")
    if incident.closed_at is not None:
        raise ValidationError("该处置事件已结案。")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if not incident.events.filter(pk=event.pk).exists():
            return incident
        if incident.events.count() == 1:
            raise ValidationError("处置事件至少要关联一个舆情事件。")
        incident.events.remove(event)
        if not event.incidents.filter(closed_at__isnull=True).exists():
            Event.objects.filter(pk=event.pk).update(status=EventStatus.OPEN)
        before = incident.started_at
        _restart_clock(incident)
        log(
            incident,
            "govmedia.opinion.detach_event",
            user=user,
            data={
                "event": event.pk,
                "started_at_before": before.isoformat(),
                "started_at": incident.started_at.isoformat(),
            },
        )
    return incident


def do_draft_release(user: AbstractBaseUser, incident: Incident, kind: str = ReleaseKind.FIRST):
    """A release drafted from its template and submitted on the expedited path.

    The item is a normal ItemPage of the incident's department, so the content
    check, the review and a named approver all still apply; it is marked
    紧急 in every queue and the reviewers are told at once.
    """
    from govmedia.publishing import actions as publishing_actions
    from govmedia.publishing.models import DepartmentIndexPage, DisclosureCategory, ItemPage

    if not can_analyse(user, incident.department_id):
        raise PermissionDenied("您没有处置该机构舆情的权限。")
    parent = DepartmentIndexPage.objects.filter(department=incident.department).first()
    if parent is None:
        raise ValidationError("责任机构还没有信息公开栏目，无法起草通报。")
    title, body = releases.draft(
        kind, incident, now=timezone.localtime(), department_name=incident.department.name
    )
    with transaction.atomic():
        item = ItemPage(
            title=title,
            body=body,
            urgent=True,
            owner=user,
            live=False,
            category=DisclosureCategory.objects.filter(name__contains="突发").first()
            or DisclosureCategory.objects.first(),
        )
        parent.add_child(instance=item)
        item.save_revision(user=user)
        item = ItemPage.objects.get(pk=item.pk)
        release = Release.objects.create(incident=incident, kind=kind, item=item, drafted_by=user)
        if item.permissions_for_user(user).may_submit():
            publishing_actions.do_submit_item(user, item)
        log(incident, "govmedia.opinion.draft_release", user=user)
        transaction.on_commit(lambda: notify_reviewers(item.pk))
    return release


def notify_reviewers(item_id: int) -> int:
    """Tell the department's reviewers and approvers at once that an urgent release waits."""
    from django.conf import settings

    from govmedia.publishing.models import ItemPage

    item = ItemPage.objects.get(pk=item_id)
    people = Membership.objects.filter(
        department_id=item.department_id, role__in=[Role.REVIEWER, Role.APPROVER]
    ).select_related("user")
    to = sorted({m.user.email for m in people if m.user.email})
    if to:
        send_mail(
            f"【紧急】请立即审核：{item.title}",
            f"突发事件的权威发布“{item.title}”已提交审核，请立即处理。\n"
            f"{settings.SITE_URL}/admin/pages/{item.pk}/edit/",
            None,
            to,
            fail_silently=True,
        )
    return len(to)


def on_item_published(item) -> None:
    """publishing's `item_published`: a release went out; the first one stops the clock."""
    now = timezone.now()
    for release in Release.objects.filter(item_id=item.pk, published_at__isnull=True):
        with transaction.atomic():
            Release.objects.filter(pk=release.pk).update(published_at=now)
            incident = Incident.objects.select_for_update().get(pk=release.incident_id)
            if incident.stopped_at is None:
                incident.first_release_at = now
                incident.stopped_at = now
                incident.save(update_fields=["first_release_at", "stopped_at"])
                log(incident, "govmedia.opinion.clock_stopped", user=None)


def do_close_incident(user: AbstractBaseUser, incident: Incident) -> None:
    if not can_analyse(user, incident.department_id):
        raise PermissionDenied("您没有处置该机构舆情的权限。")
    incident.closed_at = timezone.now()
    incident.save(update_fields=["closed_at"])
    log(incident, "govmedia.opinion.close_incident", user=user)
