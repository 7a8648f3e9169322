"""Limits against floods and guessing on the public side (docs/desk-public.md "Limits").

Submissions are counted in the messages table itself (``received_at`` is
indexed, so a count over the last window reads only the window's rows): every
web process sees the same figure, nothing is kept beside the messages, and a
message that was refused is not counted. Wrong query codes leave no row, so
they are counted in a cache (``GOVMEDIA_DESK_RATELIMIT_CACHE``, to be a
shared one when there are several web processes).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone

from govmedia.desk.models import Message


@dataclass(frozen=True)
class Refusal:
    text: str  # what the person reads (Chinese)
    retry_after: int  # seconds


def _minutes(seconds: int) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    return f"{max(1, seconds // 60)} 分钟"


def submission_refusal(ip: str | None, phone: str, email: str) -> Refusal | None:
    """Why a new message from this address or contact is refused now, or None."""
    now = timezone.now()
    if ip:
        window = settings.GOVMEDIA_DESK_IP_WINDOW_SECONDS
        count = Message.objects.filter(
            received_at__gte=now - timedelta(seconds=window), submitter_ip=ip
        ).count()
        if count >= settings.GOVMEDIA_DESK_IP_MAX:
            return Refusal(
                f"提交过于频繁：同一网络地址 {_minutes(window)}内最多提交 "
                f"{settings.GOVMEDIA_DESK_IP_MAX} 件。您填写的内容已保留，请稍后再提交。",
                window,
            )
    contact = Q()
    if phone.strip():
        contact |= Q(phone=phone.strip())
    if email.strip():
        contact |= Q(email__iexact=email.strip())
    if contact:
        window = settings.GOVMEDIA_DESK_CONTACT_WINDOW_SECONDS
        count = Message.objects.filter(
            contact, received_at__gte=now - timedelta(seconds=window)
        ).count()
        if count >= settings.GOVMEDIA_DESK_CONTACT_MAX:
            return Refusal(
                f"同一联系电话或电子邮箱 {_minutes(window)}内最多提交 "
                f"{settings.GOVMEDIA_DESK_CONTACT_MAX} 件。您填写的内容已保留，请稍后再提交。",
                window,
            )
    return None


def _lookup_key(ip: str) -> str:
    return "desk:lookup-fail:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def lookup_refusal(ip: str) -> Refusal | None:
    """Refuse a look-up from an address that gave too many wrong codes lately."""
    cache = caches[settings.GOVMEDIA_DESK_RATELIMIT_CACHE]
    failures, _started = cache.get(_lookup_key(ip), (0, 0.0))
    window = settings.GOVMEDIA_DESK_LOOKUP_WINDOW_SECONDS
    if failures >= settings.GOVMEDIA_DESK_LOOKUP_MAX_FAILURES:
        return Refusal(
            f"查询码输错次数过多，请 {_minutes(window)}后再试。如果查询码遗失，请联系受理单位。",
            window,
        )
    return None


def record_lookup_failure(ip: str) -> None:
    cache = caches[settings.GOVMEDIA_DESK_RATELIMIT_CACHE]
    key = _lookup_key(ip)
    window = settings.GOVMEDIA_DESK_LOOKUP_WINDOW_SECONDS
    # (failures, first failure's time): the window runs from the first failure
    # on every backend (a file cache's incr() would restart the expiry). Two
    # failures at the same instant may count as one; a guess is still slowed.
    now = time.time()
    failures, started = cache.get(key, (0, now))
    left = window - (now - started)
    if left <= 0:
        failures, started, left = 0, now, window
    cache.set(key, (failures + 1, started), max(1, int(left)))
