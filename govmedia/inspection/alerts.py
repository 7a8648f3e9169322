"""Alerts to the responsible person of a channel nearing a veto.

A channel whose limit is a veto (the home page, new-media accounts: 14 days)
or a column of 动态/要闻 is alerted on day `alert_day` (10 by default)
without an update: one ``Alert`` row per channel and silence (the date of
its last update), so a channel is alerted once however many rounds see it,
shown in the admin, and e-mailed through Django to the responsible person
when an address is known (a member of the department whose name is the
channel's 责任人 and who has an e-mail address).
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from govmedia.inspection.models import Alert, ChannelResult, ColumnType, InspectionRound, Rule
from govmedia.inspection.service import SHANGHAI

logger = logging.getLogger(__name__)

NEARING_STALE = "nearing_stale"
NEVER = date(1970, 1, 1)
ALERTED_TYPES = (ColumnType.HOME, ColumnType.NEWS, ColumnType.NEW_MEDIA)


def responsible_email(channel) -> str:
    if not channel.responsible:
        return ""
    user = (
        get_user_model()
        .objects.filter(
            memberships__department_id=channel.department_id, first_name=channel.responsible
        )
        .exclude(email="")
        .first()
    )
    return user.email if user else ""


def send_alerts(round_: InspectionRound) -> int:
    """Alert every channel of this round between `alert_day` and its limit; the number sent."""
    rules = Rule.current()
    alert_day = rules.days("alert_day")
    today = round_.period_end
    sent = 0
    results = ChannelResult.objects.filter(
        round=round_, watched__column_type__in=ALERTED_TYPES
    ).select_related("watched__channel")
    for result in results:
        watched = result.watched
        limit = rules.days(
            "home_stale_days"
            if watched.column_type == ColumnType.HOME
            else "new_media_stale_days"
            if watched.column_type == ColumnType.NEW_MEDIA
            else "news_stale_days"
        )
        if result.latest_at is None:
            continue  # never updated: already judged, nothing to warn of
        last = result.latest_at.astimezone(SHANGHAI).date()
        age = (today - last).days
        if not alert_day <= age <= limit:
            continue
        channel = watched.channel
        message = (
            f"{channel.department}的“{channel.name}”已 {age} 天未更新（最近一次 {last:%Y-%m-%d}），"
            f"超过 {limit} 天将被单项否决，请尽快更新。"
        )
        email = responsible_email(channel)
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    watched=watched, code=NEARING_STALE, since=last, message=message, email=email
                )
        except IntegrityError:
            continue  # already alerted for this silence
        if email:
            try:
                send_mail(
                    "【巡检提醒】渠道即将因长期未更新被否决",
                    message,
                    settings.DEFAULT_FROM_EMAIL,
                    [email],
                )
                Alert.objects.filter(pk=alert.pk).update(emailed=True)
            except Exception:
                logger.exception("alert %s could not be e-mailed", alert.pk)
        sent += 1
    return sent
