"""Opinion's periodic jobs (registered in apps.py, run by `govmedia worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from govmedia.opinion import ingest, processing
from govmedia.opinion.models import Incident


def tick() -> dict:
    """Read the desk's new messages, run the pending posts through the pipeline, raise alerts."""
    desk = ingest.from_desk()
    counts = processing.process_pending()
    alerts = processing.raise_alerts()
    return {"desk": desk, **counts, "alerts": len(alerts)}


def supervisors():
    from govmedia.orgs.models import Role

    User = get_user_model()
    return User.objects.filter(
        Q(is_superuser=True) | Q(memberships__role__in=[Role.SUPERVISOR, Role.ADMIN]),
        is_active=True,
    ).distinct()


def escalate(now=None) -> int:
    """Warn the supervisors of each mark of a running clock that is due within the lead time."""
    now = now or timezone.now()
    lead = timedelta(minutes=settings.GOVMEDIA_OPINION_ESCALATE_MINUTES)
    warned = 0
    for incident in Incident.objects.filter(stopped_at__isnull=True, closed_at__isnull=True):
        for hours in incident.marks_hours:
            due = incident.deadline(hours)
            if hours in incident.escalated_marks or due - lead > now:
                continue
            with transaction.atomic():
                locked = Incident.objects.select_for_update().get(pk=incident.pk)
                if hours in locked.escalated_marks:
                    continue
                locked.escalated_marks = [*locked.escalated_marks, hours]
                locked.save(update_fields=["escalated_marks"])
                log(locked, "govmedia.opinion.escalate", user=None, data={"hours": hours})
            left = int((due - now).total_seconds() // 60)
            state = f"还剩 {left} 分钟" if left >= 0 else f"已超过 {-left} 分钟"
            to = [u.email for u in supervisors() if u.email]
            if to:
                send_mail(
                    f"【舆情处置督办】{incident.title}：{hours:g} 小时时限{state}",
                    f"“{incident.title}”（{incident.department.name}）首帖于 "
                    f"{timezone.localtime(incident.started_at):%m-%d %H:%M}，尚无权威发布。"
                    f"{hours:g} 小时时限 {timezone.localtime(due):%m-%d %H:%M}，{state}。\n"
                    f"{settings.SITE_URL}/admin/opinion/incidents/{incident.pk}/",
                    None,
                    to,
                    fail_silently=True,
                )
            warned += 1
    return warned
