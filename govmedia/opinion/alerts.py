"""Sending an alert: e-mail and SMS by the desk's notifier protocol, and a signed webhook.

Recipients: the plan's analyst, and the people of the plan's department who
hold the 舆情分析 permission (e-mail; SMS to the phone of their membership
when the SMS gateway is configured). The webhook is one JSON POST in the
WeCom/DingTalk "markdown" shape:

    POST GOVMEDIA_OPINION_WEBHOOK_URL
    X-Timestamp: seconds since the epoch
    X-Nonce:     32 hex digits
    X-Signature: hex HMAC-SHA256(GOVMEDIA_OPINION_WEBHOOK_SECRET, timestamp + "\\n" + nonce + "\\n" + body)
    {"msgtype": "markdown", "markdown": {"title": ..., "content": ..., "text": ...}}

(the same signature as the desk's SMS gateway, desk/notify/sms.py). Each
message carries the link to the event in the admin. The outcome per channel
is kept on the alert.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from govmedia.desk.notify.sms import signature
from govmedia.opinion.models import Alert
from govmedia.orgs.models import Membership


def event_link(event_id: int) -> str:
    return settings.SITE_URL + reverse("opinion_event", args=[event_id])


def recipients(alert: Alert) -> list:
    """The plan's analyst and the department's analysts (opinion.analyse), without repeats."""
    users = []
    plan = alert.plan
    if plan is not None and plan.analyst is not None:
        users.append(plan.analyst)
    if plan is not None:
        User = get_user_model()
        analysts = (
            User.objects.filter(memberships__department=plan.department, is_active=True)
            .filter(
                Q(user_permissions__codename="analyse")
                | Q(groups__permissions__codename="analyse")
                | Q(is_superuser=True)
            )
            .distinct()
        )
        users.extend(u for u in analysts if u not in users)
    return users


def text_of(alert: Alert) -> tuple[str, str]:
    event = alert.event
    title = f"【舆情预警】{alert.get_reason_display()}：{event.title[:30]}"
    lines = [
        f"事件：{event.title}",
        f"原因：{alert.get_reason_display()}。{alert.detail}",
        f"首帖：{timezone.localtime(event.first_seen):%Y-%m-%d %H:%M}，帖子 {event.size} 条",
    ]
    if alert.claim is not None:
        lines.append(f"辟谣库：{alert.claim.text}（{alert.claim.get_verdict_display()}）")
        if alert.claim.rebuttal_url:
            lines.append(f"可引用的辟谣：{alert.claim.rebuttal_url}")
    lines.append(f"查看：{event_link(event.pk)}")
    return title, "\n".join(lines)


def _email(alert: Alert, users: list, title: str, body: str) -> str:
    to = [u.email for u in users if u.email]
    if not to:
        return "无收件人"
    try:
        send_mail(title, body, None, to, fail_silently=False)
    except Exception as error:
        return f"失败：{error}"
    return f"已发送 {len(to)} 人"


def _sms(alert: Alert, users: list, body: str) -> str:
    if not settings.GOVMEDIA_SMS_URL:
        return "未配置短信网关"
    department_id = alert.plan.department_id if alert.plan else None
    phones = sorted(
        {
            m.phone
            for m in Membership.objects.filter(user__in=users, department_id=department_id)
            if m.phone
        }
    )
    sent = 0
    for phone in phones:
        payload = {
            "to": phone,
            "template": settings.GOVMEDIA_SMS_TEMPLATE,
            "params": {"number": f"预警{alert.pk}", "text": body[:60]},
            "out_id": f"opinion-alert-{alert.pk}-{phone}",
        }
        if _post(
            settings.GOVMEDIA_SMS_URL,
            payload,
            settings.GOVMEDIA_SMS_APP_SECRET,
            app_key=settings.GOVMEDIA_SMS_APP_KEY,
        ).startswith("200"):
            sent += 1
    return f"已发送 {sent}/{len(phones)} 人" if phones else "无手机号码"


def _post(url: str, payload: dict, secret: str, *, app_key: str = "") -> str:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": signature(secret, timestamp, nonce, body),
    }
    if app_key:
        headers["X-App-Key"] = app_key
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(
            request, timeout=settings.GOVMEDIA_SMS_TIMEOUT_SECONDS
        ) as answer:
            return f"{answer.status} 已发送"
    except urllib.error.HTTPError as error:
        return f"失败：HTTP {error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return f"失败：{error}"


def _webhook(title: str, body: str) -> str:
    url = settings.GOVMEDIA_OPINION_WEBHOOK_URL
    if not url:
        return "未配置"
    payload = {"msgtype": "markdown", "markdown": {"title": title, "content": body, "text": body}}
    return _post(url, payload, settings.GOVMEDIA_OPINION_WEBHOOK_SECRET)


def send_alert(alert_id: int) -> dict:
    alert = Alert.objects.select_related("event", "plan", "claim").get(pk=alert_id)
    if alert.sent_at is not None:
        return alert.channels
    users = recipients(alert)
    title, body = text_of(alert)
    channels = {
        "email": _email(alert, users, title, body),
        "sms": _sms(alert, users, body),
        "webhook": _webhook(title, body),
    }
    Alert.objects.filter(pk=alert.pk).update(sent_at=timezone.now(), channels=channels)
    return channels


@task()
def send_alert_task(alert_id: int) -> dict:
    return send_alert(alert_id)


def enqueue_send(alert_id: int) -> None:
    transaction.on_commit(lambda: send_alert_task.enqueue(alert_id))
